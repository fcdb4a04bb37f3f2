using CaseApi.Features.Demo;

namespace CaseApi.Infrastructure.Data;

/// <summary>
/// Finds or starts the database and migrates it, once per process, before anything else touches it.
/// Resolved after the host is built so that every configuration source (tests included) has its say.
/// </summary>
public sealed class DatabaseRuntime(IConfiguration configuration, IHostEnvironment environment, Migrator migrator) : IAsyncDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private DatabaseConnections? connections;
    private EmbeddedPostgres? embedded;

    public DatabaseConnections Connections => connections
        ?? throw new InvalidOperationException("The database is not initialised yet; DatabaseRuntime.InitialiseAsync runs at start.");

    /// <summary>Demo mode: no connection string configured, so CaseApi runs its own cluster and seeds a demo organisation.</summary>
    public bool IsDemo => configuration.GetValue("Demo:Enabled", string.IsNullOrWhiteSpace(configuration.GetConnectionString("CaseDb")));

    public async Task InitialiseAsync(CancellationToken ct)
    {
        await gate.WaitAsync(ct);
        try
        {
            if (connections is not null)
            {
                return;
            }

            if (IsDemo && environment.IsProduction())
            {
                // Demo mode prints an admin key in the log, where a production system's log readers would find it.
                throw new StartRefusedException(
                    "Refusing to start: demo mode (Demo:Enabled, the default when ConnectionStrings:CaseDb is empty) prints an admin API key " +
                    "in the log and is not for the Production environment. Set ConnectionStrings__CaseDb (and Demo__Enabled=false if you set it), " +
                    "or set ASPNETCORE_ENVIRONMENT=Development to try the demo.");
            }

            (var resolved, embedded) = await DatabaseSetup.ResolveAsync(configuration, environment.ContentRootPath, ct);
            await migrator.MigrateAsync(resolved, ct);
            // After the migrations, which may have made the role an owner (when CaseDbMigrations is left to default to CaseDb).
            await ApplicationRoleCheck.EnsureSafeAsync(resolved.Application, ct);
            connections = resolved;
        }
        finally
        {
            gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (embedded is not null)
        {
            await embedded.DisposeAsync();
            embedded = null;
        }

        gate.Dispose();
    }

    /// <summary>Runs the start-up work before the server takes requests, and stops an embedded cluster this process started.</summary>
    internal sealed class Startup(DatabaseRuntime runtime, IServiceProvider services, ILogger<Startup> logger) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            await runtime.InitialiseAsync(cancellationToken);
            if (!runtime.IsDemo)
            {
                return;
            }

            var key = await DemoData.SeedAsync(services, cancellationToken);
            // Printed on purpose: demo mode exists so that someone can open Swagger UI and click Authorize.
            logger.LogWarning("Demo mode: organisation '{Organisation}', admin API key (shown once, replaced at every start): {ApiKey}", SeedDemo.OrganisationName, key);
        }

        public Task StopAsync(CancellationToken cancellationToken) => runtime.DisposeAsync().AsTask();
    }
}
