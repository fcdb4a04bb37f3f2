using Dapper;
using Npgsql;

namespace CaseApi.Tests.Support;

/// <summary>The tables that hold an organisation's rows, found in the catalogue so that new tables are covered too.</summary>
public static class TenantTables
{
    public static async Task<IReadOnlyList<string>> AllAsync(NpgsqlConnection superUser) =>
        (await superUser.QueryAsync<string>("""
            SELECT c.table_name FROM information_schema.columns c
            JOIN information_schema.tables t USING (table_schema, table_name)
            WHERE c.table_schema = 'public' AND c.column_name = 'organisation_id' AND t.table_type = 'BASE TABLE'
            ORDER BY 1
            """)).AsList();

    /// <summary>Every id of every row an organisation owns (its own id included).</summary>
    public static async Task<IReadOnlyList<Guid>> IdsOfAsync(NpgsqlConnection superUser, Guid organisationId)
    {
        var ids = new List<Guid> { organisationId };
        var tablesWithIds = await superUser.QueryAsync<string>("""
            SELECT table_name FROM information_schema.columns
            WHERE table_schema = 'public' AND column_name = 'id' AND table_name = ANY (@tables)
            """, new { tables = (await AllAsync(superUser)).ToArray() });
        foreach (var table in tablesWithIds)
        {
            ids.AddRange(await superUser.QueryAsync<Guid>($"SELECT id FROM {table} WHERE organisation_id = @organisationId", new { organisationId }));
        }

        return ids;
    }

    /// <summary>All of an organisation's rows as text, to prove that nothing of it changed.</summary>
    public static async Task<string> SnapshotAsync(NpgsqlConnection superUser, Guid organisationId)
    {
        var parts = new List<string> { string.Join('\n', await superUser.QueryAsync<string>("SELECT row_to_json(o)::text FROM organisations o WHERE id = @organisationId", new { organisationId })) };
        foreach (var table in await AllAsync(superUser))
        {
            parts.Add(string.Join('\n', await superUser.QueryAsync<string>(
                $"SELECT row_to_json(t)::text FROM {table} t WHERE organisation_id = @organisationId ORDER BY 1", new { organisationId })));
        }

        return string.Join("\n--\n", parts);
    }
}
