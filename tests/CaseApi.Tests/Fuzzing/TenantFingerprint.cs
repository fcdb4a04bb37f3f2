using Npgsql;

namespace CaseApi.Tests.Fuzzing;

/// <summary>
/// What each organisation holds, per table, cheaply enough to take around every request: the number of rows and the
/// newest transaction that wrote one (<c>xmin</c>). A committed insert or update raises the newest xmin, a delete lowers
/// the count, and a rolled-back transaction leaves both alone; so two equal fingerprints mean that nothing was written in
/// between, and a request that failed must leave the fingerprint as it found it.
/// </summary>
public sealed record TenantFingerprint(IReadOnlyDictionary<string, (long Rows, long NewestWrite)> Tables)
{
    /// <summary>A prepared query over every tenant table (and the organisations' own rows) for organisations A and B.</summary>
    public static async Task<Func<Task<TenantFingerprint>>> PrepareAsync(NpgsqlConnection superUser, Guid a, Guid b)
    {
        var sql = string.Join("\nUNION ALL\n", (await TenantTables.AllAsync(superUser))
            .Select(table => $"SELECT organisation_id = @a, '{table}', count(*), coalesce(max(xmin::text::bigint), 0) FROM {table} WHERE organisation_id IN (@a, @b) GROUP BY 1")
            .Append("SELECT id = @a, 'organisations', count(*), coalesce(max(xmin::text::bigint), 0) FROM organisations WHERE id IN (@a, @b) GROUP BY 1"));
        var command = new NpgsqlCommand(sql, superUser) { Parameters = { new("a", a), new("b", b) } };
        await command.PrepareAsync();
        return async () =>
        {
            var tables = new Dictionary<string, (long, long)>();
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                tables[$"{(reader.GetBoolean(0) ? "A" : "B")}.{reader.GetString(1)}"] = (reader.GetInt64(2), reader.GetInt64(3));
            }

            return new TenantFingerprint(tables);
        };
    }

    /// <summary>The tables of one organisation ("A" or "B") that differ, for the failure message; empty when none do.</summary>
    public IReadOnlyList<string> Changes(TenantFingerprint after, string organisation) =>
        Tables.Keys.Union(after.Tables.Keys)
            .Where(table => table.StartsWith(organisation + ".", StringComparison.Ordinal) && Tables.GetValueOrDefault(table) != after.Tables.GetValueOrDefault(table))
            .Order()
            .Select(table => $"{table}: {Tables.GetValueOrDefault(table)} -> {after.Tables.GetValueOrDefault(table)}")
            .ToArray();
}
