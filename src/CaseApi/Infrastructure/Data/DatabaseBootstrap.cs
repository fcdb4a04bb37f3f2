using Npgsql;

namespace CaseApi.Infrastructure.Data;

/// <summary>The two roles CaseApi uses: one owns the schema and migrates it, the other runs the application.</summary>
public sealed record DatabaseConnections(string Application, string Migrations);

/// <summary>One password per role: whoever learns one (from a connection string in a log, say) has not learnt the others.</summary>
public sealed record RolePasswords(string Owner, string Application);

/// <summary>
/// Creates the database and its roles on a cluster where we hold a superuser: the embedded cluster and the tests.
/// Against an external PostgreSQL the DBA does this once (README: "Running against your own PostgreSQL").
/// </summary>
public static class DatabaseBootstrap
{
    public const string OwnerRole = "caseapi_owner";
    public const string ApplicationRole = "caseapi_app";

    // Any 64-bit constant: it only serialises the callers below, of which the tests run several at once.
    private const long RolesLockKey = 0x4361_7365_4170_6902;

    /// <summary>
    /// Creates the roles, or brings existing ones to these attributes and passwords, and creates the database.
    /// Setting the passwords of existing roles moves embedded clusters made before each role had its own password
    /// (issue 11) to their new passwords, and mends a start that died between writing a password file and using it.
    /// </summary>
    public static async Task<DatabaseConnections> EnsureDatabaseAsync(
        string superUserConnectionString, string database, RolePasswords passwords, string? template = null, CancellationToken ct = default)
    {
        // Unpooled: a one-off at start, and a pooled connection could be left over from a cluster that has since restarted.
        await using (var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(superUserConnectionString) { Pooling = false }.ConnectionString))
        {
            await connection.OpenAsync(ct);
            // Role and database creation cannot take parameters; the names are our constants and the passwords are quoted.
            // The lock makes concurrent callers take turns: two ALTER ROLEs of one role at once fail with "tuple concurrently updated".
            foreach (var (role, attributes, password) in new[]
                     {
                         (OwnerRole, "LOGIN", passwords.Owner),
                         (ApplicationRole, "LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE", passwords.Application),
                     })
            {
                await ExecuteAsync(connection, $"""
                    DO $$ BEGIN
                      PERFORM pg_advisory_xact_lock({RolesLockKey});
                      IF EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') THEN
                        ALTER ROLE {role} WITH {attributes} PASSWORD '{Quote(password)}';
                      ELSE
                        CREATE ROLE {role} WITH {attributes} PASSWORD '{Quote(password)}';
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

        var builder = new NpgsqlConnectionStringBuilder(superUserConnectionString) { Database = database };
        return new DatabaseConnections(
            Application: new NpgsqlConnectionStringBuilder(builder.ConnectionString) { Username = ApplicationRole, Password = passwords.Application }.ConnectionString,
            Migrations: new NpgsqlConnectionStringBuilder(builder.ConnectionString) { Username = OwnerRole, Password = passwords.Owner }.ConnectionString);
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
