using Dapper;
using Npgsql;

namespace CaseApi.Infrastructure.Data;

/// <summary>A configuration CaseApi will not run with; the message says what is wrong and how to fix it.</summary>
public sealed class StartRefusedException(string message) : Exception(message);

/// <summary>
/// Row-level security separates organisations only for a role it applies to: not a superuser, not a <c>BYPASSRLS</c>
/// role, and not a table's owner (who can switch it off). Such a role would start without a word and serve one
/// organisation's rows to another wherever a query forgot its organisation predicate (issue 11), so CaseApi refuses it.
/// </summary>
public static class ApplicationRoleCheck
{
    private const int TablesNamed = 5;

    // "Can become" (pg_has_role … 'MEMBER') rather than "is": a member may SET ROLE to a superuser or to the owner.
    // Hangfire's schema is left out on purpose: the application role creates and owns Hangfire's tables, which hold
    // jobs, not an organisation's rows (migration 0009).
    private const string Sql = """
        SELECT current_user AS role,
            EXISTS (SELECT FROM pg_roles s WHERE s.rolsuper AND pg_has_role(current_user, s.oid, 'MEMBER')) AS superuser,
            EXISTS (SELECT FROM pg_roles s WHERE s.rolbypassrls AND pg_has_role(current_user, s.oid, 'MEMBER')) AS bypasses_rls,
            ARRAY(SELECT n.nspname || '.' || c.relname
                  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                  WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('hangfire', 'information_schema') AND n.nspname NOT LIKE 'pg\_%'
                    AND pg_has_role(current_user, c.relowner, 'MEMBER')
                  -- The application's own tables first, the ones a reader knows; the jobs schema's work lists after.
                  ORDER BY n.nspname <> 'public', 1) AS owned_tables
        """;

    /// <summary>Throws <see cref="StartRefusedException"/> unless the application's role is subject to row-level security.</summary>
    public static async Task EnsureSafeAsync(string applicationConnectionString, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(applicationConnectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(ct);
        var role = await connection.QuerySingleAsync<RoleRow>(new CommandDefinition(Sql, cancellationToken: ct));
        var problems = new List<string>();
        if (role.Superuser)
        {
            problems.Add("is a superuser (or can become one)");
        }

        if (role.BypassesRls)
        {
            problems.Add("has BYPASSRLS (or can become a role that has it)");
        }

        if (role.OwnedTables.Length > 0)
        {
            problems.Add($"owns {role.OwnedTables.Length} table(s) (or can become their owner): " +
                         string.Join(", ", role.OwnedTables.Take(TablesNamed)) + (role.OwnedTables.Length > TablesNamed ? ", …" : ""));
        }

        if (problems.Count > 0)
        {
            throw new StartRefusedException(
                $"Refusing to start: the application role '{role.Role}' (the user of ConnectionStrings:CaseDb) {string.Join("; ", problems)}. " +
                "Row-level security does not apply to such a role, so it would not keep organisations apart. " +
                $"Fix: connect ConnectionStrings:CaseDb as a role created with NOSUPERUSER NOBYPASSRLS that owns no table and is no member of the owner " +
                $"(e.g. CREATE ROLE {DatabaseBootstrap.ApplicationRole} LOGIN PASSWORD '…' NOSUPERUSER NOBYPASSRLS), and run the migrations as the " +
                "schema's owner with ConnectionStrings:CaseDbMigrations. See README, \"Running against your own PostgreSQL\".");
        }
    }

    private sealed class RoleRow
    {
        public required string Role { get; init; }

        public bool Superuser { get; init; }

        public bool BypassesRls { get; init; }

        public required string[] OwnedTables { get; init; }
    }
}
