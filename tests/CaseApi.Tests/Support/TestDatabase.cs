using CaseApi.Infrastructure.Data;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace CaseApi.Tests.Support;

/// <summary>
/// One PostgreSQL for the whole test run: <c>CASEAPI_TEST_DB</c> (a superuser connection string) when set, else a
/// throwaway cluster started from the machine's binaries. A template database is migrated once; every test class
/// gets its own copy, so classes run in parallel without seeing each other's rows.
/// </summary>
public static class TestDatabase
{
    private const string TemplateName = "caseapi_template";
    private static readonly SemaphoreSlim CreateGate = new(1, 1);
    private static readonly Lazy<Task<Server>> Shared = new(StartAsync);

    public sealed record Server(string SuperUserConnectionString, RolePasswords RolePasswords, EmbeddedPostgres? Embedded);

    public static Task<Server> ServerAsync() => Shared.Value;

    /// <summary>A fresh, migrated database of its own for one test class.</summary>
    public static async Task<DatabaseConnections> CreateAsync(string purpose)
    {
        var server = await Shared.Value;
        var name = $"t_{purpose.ToLowerInvariant()}_{Guid.NewGuid():N}"[..40];
        // CREATE DATABASE … TEMPLATE fails while anything else copies or uses the template.
        await CreateGate.WaitAsync();
        try
        {
            return await DatabaseBootstrap.EnsureDatabaseAsync(server.SuperUserConnectionString, name, server.RolePasswords, TemplateName);
        }
        finally
        {
            CreateGate.Release();
        }
    }

    /// <summary>An empty database with the roles in place and no migrations, for tests of the migrator itself.</summary>
    public static async Task<DatabaseConnections> CreateEmptyAsync(string purpose)
    {
        var server = await Shared.Value;
        return await DatabaseBootstrap.EnsureDatabaseAsync(server.SuperUserConnectionString, $"e_{purpose.ToLowerInvariant()}_{Guid.NewGuid():N}"[..40], server.RolePasswords);
    }

    public static async Task DropAsync(DatabaseConnections database)
    {
        var server = await Shared.Value;
        await using var connection = new NpgsqlConnection(server.SuperUserConnectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{new NpgsqlConnectionStringBuilder(database.Application).Database}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }

    /// <summary>A superuser connection to one test database: sees every organisation, for arranging and checking only.</summary>
    public static async Task<NpgsqlConnection> OpenAsSuperUserAsync(DatabaseConnections database)
    {
        var server = await Shared.Value;
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server.SuperUserConnectionString)
        {
            Database = new NpgsqlConnectionStringBuilder(database.Application).Database,
            Pooling = false,
        }.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    private static async Task<Server> StartAsync()
    {
        var configured = Environment.GetEnvironmentVariable("CASEAPI_TEST_DB");
        Server server;
        if (!string.IsNullOrWhiteSpace(configured))
        {
            server = new Server(configured, new RolePasswords("caseapi-test-owner", "caseapi-test-app"), null);
        }
        else
        {
            var directory = Path.Combine(Path.GetTempPath(), $"caseapi-tests-{Environment.ProcessId}-{Guid.NewGuid():N}");
            var embedded = await EmbeddedPostgres.StartAsync(directory, EmbeddedPostgres.FreePort(), durable: false);
            AppDomain.CurrentDomain.ProcessExit += (_, _) =>
            {
                embedded.DisposeAsync().AsTask().GetAwaiter().GetResult();
                try
                {
                    Directory.Delete(directory, recursive: true);
                }
                catch (IOException)
                {
                    // A leftover folder in the temp directory is harmless; failing the run over it is not.
                }
            };
            server = new Server(embedded.ConnectionString("postgres", EmbeddedPostgres.SuperUser, embedded.SuperUserPassword), await DatabaseSetup.RolePasswordsAsync(embedded, CancellationToken.None), embedded);
        }

        await using (var connection = new NpgsqlConnection(server.SuperUserConnectionString))
        {
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {TemplateName} WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }

        var template = Unpooled(await DatabaseBootstrap.EnsureDatabaseAsync(server.SuperUserConnectionString, TemplateName, server.RolePasswords));
        await new Migrator(NullLogger<Migrator>.Instance).MigrateAsync(template);
        return server;
    }

    // Pooled connections would keep the template busy and block CREATE DATABASE … TEMPLATE.
    private static DatabaseConnections Unpooled(DatabaseConnections connections) => new(
        new NpgsqlConnectionStringBuilder(connections.Application) { Pooling = false }.ConnectionString,
        new NpgsqlConnectionStringBuilder(connections.Migrations) { Pooling = false }.ConnectionString);
}
