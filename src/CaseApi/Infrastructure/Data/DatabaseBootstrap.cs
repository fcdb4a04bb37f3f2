using Npgsql;

namespace CaseApi.Infrastructure.Data;

/// <summary>The two roles CaseApi uses: one owns the schema and migrates it, the other runs the application.</summary>
public sealed record DatabaseConnections(string Application, string Migrations);

/// <summary>
/// Creates the database and its roles on a cluster where we hold a superuser: the embedded cluster and the tests.
/// Against an external PostgreSQL the DBA does this once (README: "Running against your own PostgreSQL").
/// </summary>
public static class DatabaseBootstrap
{
    public const string OwnerRole = "caseapi_owner";
    public const string ApplicationRole = "caseapi_app";

    public static async Task<DatabaseConnections> EnsureDatabaseAsync(
        string superUserConnectionString, string database, string rolePassword, string? template = null, CancellationToken ct = default)
    {
        // Unpooled: a one-off at start, and a pooled connection could be left over from a cluster that has since restarted.
        await using (var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(superUserConnectionString) { Pooling = false }.ConnectionString))
        {
            await connection.OpenAsync(ct);
            // Role and database creation cannot take parameters; the names are our constants and the password is hex.
            foreach (var (role, attributes) in new[] { (OwnerRole, "LOGIN"), (ApplicationRole, "LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE") })
            {
                await ExecuteAsync(connection, $"""
                    DO $$ BEGIN
                      IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') THEN
                        CREATE ROLE {role} {attributes} PASSWORD '{rolePassword}';
                      END IF;
                    END $$
                    """, ct);
            }

            var exists = await ScalarAsync(connection, $"SELECT count(*) FROM pg_database WHERE datname = '{Quote(database)}'", ct);
            if (exists == 0)
            {
                var templateClause = template is null ? "" : $" TEMPLATE \"{template}\"";
                try
                {
                    await ExecuteAsync(connection, $"CREATE DATABASE \"{database}\" OWNER {OwnerRole}{templateClause}", ct);
                }
                catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateDatabase)
                {
                    // Another process created it between our check and our CREATE: fine, it is there.
                }
            }
        }

        var builder = new NpgsqlConnectionStringBuilder(superUserConnectionString) { Database = database, Password = rolePassword };
        return new DatabaseConnections(
            Application: new NpgsqlConnectionStringBuilder(builder.ConnectionString) { Username = ApplicationRole }.ConnectionString,
            Migrations: new NpgsqlConnectionStringBuilder(builder.ConnectionString) { Username = OwnerRole }.ConnectionString);
    }

    private static string Quote(string name) => name.Replace("'", "''", StringComparison.Ordinal);

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }

    private static async Task<long> ScalarAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }
}
