using CaseApi.Infrastructure.Data;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace CaseApi.Benchmarks.Support;

/// <summary>One database of a benchmark run: the app's two roles, and the superuser for seeding and checking.</summary>
internal sealed record BenchmarkDatabase(string Name, DatabaseConnections Connections, string SuperUserConnectionString)
{
    /// <summary>
    /// A superuser connection: bypasses row-level security, sees every organisation, and may disable triggers.
    /// For arranging and checking only; the sweep itself runs as the application role.
    /// </summary>
    public async Task<NpgsqlConnection> OpenAsSuperUserAsync(CancellationToken ct)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(SuperUserConnectionString)
        {
            Database = Name,
            Pooling = false,
            CommandTimeout = 0,
        }.ConnectionString);
        await connection.OpenAsync(ct);
        return connection;
    }
}

/// <summary>
/// The PostgreSQL a benchmark runs on: <c>CASEAPI_BENCH_DB</c> (a superuser connection string) when set, else a
/// throwaway cluster in the temp folder, started from the machine's binaries without fsync (like the tests'), and
/// removed at the end. Every measurement gets a fresh database of its own.
/// </summary>
internal sealed class BenchmarkServer : IAsyncDisposable
{
    public const string ServerVariable = "CASEAPI_BENCH_DB";
    public const string RolePasswordVariable = "CASEAPI_BENCH_ROLE_PASSWORD";

    private readonly string superUserConnectionString;
    private readonly string rolePassword;
    private readonly EmbeddedPostgres? embedded;
    private readonly string? directory;

    private BenchmarkServer(string superUserConnectionString, string rolePassword, EmbeddedPostgres? embedded, string? directory, string description)
    {
        this.superUserConnectionString = superUserConnectionString;
        this.rolePassword = rolePassword;
        this.embedded = embedded;
        this.directory = directory;
        Description = description;
    }

    public string Description { get; }

    public static async Task<BenchmarkServer> StartAsync(CancellationToken ct)
    {
        var configured = Environment.GetEnvironmentVariable(ServerVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            // The app's roles get this password when the server does not have them yet; where they exist already
            // (e.g. created by the tests with another password), set the variable to theirs.
            var password = Environment.GetEnvironmentVariable(RolePasswordVariable) ?? "caseapi-bench";
            var builder = new NpgsqlConnectionStringBuilder(configured);
            return new BenchmarkServer(configured, password, null, null, $"{ServerVariable}: {builder.Host}:{builder.Port}");
        }

        var directory = Path.Combine(Path.GetTempPath(), $"caseapi-bench-{Environment.ProcessId}-{Guid.NewGuid():N}");
        var server = await EmbeddedPostgres.StartAsync(directory, EmbeddedPostgres.FreePort(), durable: false, ct: ct);
        return new BenchmarkServer(server.ConnectionString("postgres", EmbeddedPostgres.SuperUser, server.SuperUserPassword),
            server.SuperUserPassword, server, directory, $"throwaway cluster on 127.0.0.1:{server.Port} (fsync off), in {directory}");
    }

    public async Task<string> VersionAsync(CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(superUserConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand("SELECT current_setting('server_version') || ', shared_buffers ' || current_setting('shared_buffers')", connection);
        return (string)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>A fresh database, created and migrated the way the API's start-up does it.</summary>
    public async Task<BenchmarkDatabase> CreateDatabaseAsync(string purpose, CancellationToken ct)
    {
        var name = $"bench_{purpose}_{Guid.NewGuid():N}"[..48];
        var connections = await DatabaseBootstrap.EnsureDatabaseAsync(superUserConnectionString, name, rolePassword, ct: ct);
        await new Migrator(NullLogger<Migrator>.Instance).MigrateAsync(connections, ct);
        return new BenchmarkDatabase(name, connections, superUserConnectionString);
    }

    public async Task DropAsync(BenchmarkDatabase database, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(superUserConnectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(ct);
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database.Name}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (embedded is null)
        {
            return;
        }

        await embedded.DisposeAsync();
        try
        {
            Directory.Delete(directory!, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"Could not remove {directory}: {e.Message}");
        }
    }
}
