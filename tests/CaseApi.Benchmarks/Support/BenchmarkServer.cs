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
/// throwaway cluster started from the machine's binaries without fsync (like the tests'): in the temp folder and
/// removed at the end, or in <c>CASEAPI_BENCH_CLUSTER</c>, kept for the next run with the data sets generated in it.
/// Every measurement gets a fresh database of its own.
/// </summary>
internal sealed class BenchmarkServer : IAsyncDisposable
{
    public const string ServerVariable = "CASEAPI_BENCH_DB";
    public const string RolePasswordVariable = "CASEAPI_BENCH_ROLE_PASSWORD";
    public const string ClusterVariable = "CASEAPI_BENCH_CLUSTER";

    private readonly string superUserConnectionString;
    private readonly RolePasswords rolePasswords;
    private readonly string? directory;
    private readonly bool keepDirectory;
    private EmbeddedPostgres? embedded;

    private BenchmarkServer(string superUserConnectionString, RolePasswords rolePasswords, EmbeddedPostgres? embedded, string? directory, bool keepDirectory,
        string description)
    {
        this.superUserConnectionString = superUserConnectionString;
        this.rolePasswords = rolePasswords;
        this.embedded = embedded;
        this.directory = directory;
        this.keepDirectory = keepDirectory;
        Description = description;
    }

    public string Description { get; }

    public static async Task<BenchmarkServer> StartAsync(CancellationToken ct)
    {
        var configured = Environment.GetEnvironmentVariable(ServerVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            // The app's roles get this password (each role a suffix of its own), also where they exist already.
            var password = Environment.GetEnvironmentVariable(RolePasswordVariable) ?? "caseapi-bench";
            var builder = new NpgsqlConnectionStringBuilder(configured);
            return new BenchmarkServer(configured, new RolePasswords($"{password}-owner", $"{password}-app"), null, null, keepDirectory: true,
                $"{ServerVariable}: {builder.Host}:{builder.Port}");
        }

        var kept = Environment.GetEnvironmentVariable(ClusterVariable);
        var directory = string.IsNullOrWhiteSpace(kept)
            ? Path.Combine(Path.GetTempPath(), $"caseapi-bench-{Environment.ProcessId}-{Guid.NewGuid():N}")
            : Path.GetFullPath(kept);
        var server = await EmbeddedPostgres.StartAsync(directory, EmbeddedPostgres.FreePort(), durable: false, ct: ct);
        return new BenchmarkServer(server.ConnectionString("postgres", EmbeddedPostgres.SuperUser, server.SuperUserPassword),
            await DatabaseSetup.RolePasswordsAsync(server, ct), server, directory, keepDirectory: !string.IsNullOrWhiteSpace(kept),
            $"{(string.IsNullOrWhiteSpace(kept) ? "throwaway" : $"kept ({ClusterVariable})")} cluster on 127.0.0.1:{server.Port} (fsync off), in {directory}");
    }

    /// <summary>
    /// Sets the server's <c>max_connections</c>, restarting a cluster of our own for it; a configured server is left
    /// as it is, and the value it has is returned.
    /// </summary>
    public async Task<int> EnsureMaxConnectionsAsync(int maxConnections, CancellationToken ct)
    {
        var current = int.Parse(await ScalarAsync("SHOW max_connections", ct), System.Globalization.CultureInfo.InvariantCulture);
        if (current == maxConnections || embedded is null)
        {
            return current;
        }

        await ScalarAsync($"ALTER SYSTEM SET max_connections = {maxConnections}", ct);
        NpgsqlConnection.ClearAllPools();
        await embedded.DisposeAsync();
        embedded = await EmbeddedPostgres.StartAsync(directory!, embedded.Port, durable: false, ct: ct);
        return int.Parse(await ScalarAsync("SHOW max_connections", ct), System.Globalization.CultureInfo.InvariantCulture);
    }

    public Task<string> VersionAsync(CancellationToken ct) =>
        ScalarAsync("SELECT current_setting('server_version') || ', shared_buffers ' || current_setting('shared_buffers')", ct);

    /// <summary>A fresh database, created and migrated the way the API's start-up does it.</summary>
    public Task<BenchmarkDatabase> CreateDatabaseAsync(string purpose, CancellationToken ct) => CreateNamedDatabaseAsync(UniqueName(purpose), ct);

    public async Task<BenchmarkDatabase> CreateNamedDatabaseAsync(string name, CancellationToken ct)
    {
        var connections = await DatabaseBootstrap.EnsureDatabaseAsync(superUserConnectionString, name, rolePasswords, ct: ct);
        await new Migrator(NullLogger<Migrator>.Instance).MigrateAsync(connections, ct);
        return new BenchmarkDatabase(name, connections, superUserConnectionString);
    }

    /// <summary>
    /// A copy of <paramref name="template"/> (which nobody may be connected to) by copying its files: seconds for
    /// gigabytes, where the default strategy would write them all to the WAL first.
    /// </summary>
    public async Task<BenchmarkDatabase> CloneAsync(string template, string purpose, CancellationToken ct)
    {
        var name = UniqueName(purpose);
        await ScalarAsync($"CREATE DATABASE \"{name}\" TEMPLATE \"{template}\" OWNER {DatabaseBootstrap.OwnerRole} STRATEGY FILE_COPY", ct);
        var connections = await DatabaseBootstrap.EnsureDatabaseAsync(superUserConnectionString, name, rolePasswords, ct: ct);
        return new BenchmarkDatabase(name, connections, superUserConnectionString);
    }

    public async Task<IReadOnlyList<string>> DatabasesAsync(string prefix, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = new NpgsqlCommand("SELECT datname FROM pg_database WHERE starts_with(datname, $1) ORDER BY datname", connection)
        {
            Parameters = { new() { Value = prefix } },
        };
        await using var reader = await command.ExecuteReaderAsync(ct);
        var names = new List<string>();
        while (await reader.ReadAsync(ct))
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    public Task RenameAsync(string from, string to, CancellationToken ct) => ScalarAsync($"ALTER DATABASE \"{from}\" RENAME TO \"{to}\"", ct);

    public Task DropAsync(BenchmarkDatabase database, CancellationToken ct) => DropAsync(database.Name, ct);

    public Task DropAsync(string name, CancellationToken ct) => ScalarAsync($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", ct);

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (embedded is null)
        {
            return;
        }

        await embedded.DisposeAsync();
        if (keepDirectory)
        {
            return;
        }

        try
        {
            Directory.Delete(directory!, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"Could not remove {directory}: {e.Message}");
        }
    }

    private static string UniqueName(string purpose) => $"bench_{purpose}_{Guid.NewGuid():N}"[..Math.Min(48, purpose.Length + 39)];

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken ct)
    {
        // Unpooled: the server may restart between two uses (EnsureMaxConnectionsAsync).
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(superUserConnectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(ct);
        return connection;
    }

    private async Task<string> ScalarAsync(string sql, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection);
        return (await command.ExecuteScalarAsync(ct))?.ToString() ?? "";
    }
}
