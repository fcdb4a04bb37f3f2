using CaseApi.Features.Events;
using Dapper;
using Npgsql;
using Xunit.Sdk;

namespace CaseApi.Tests.Support;

/// <summary>
/// Reads the change feed once it shows what a test wrote. The feed hands out an event only when every transaction that
/// started before it has finished, anywhere in the cluster, so test classes running in parallel on other databases can hold
/// it back for a moment: a read right after a write may not show the write yet.
/// </summary>
public static class ChangeFeed
{
    /// <summary>The items of <paramref name="query"/> once <paramref name="caughtUp"/> holds for them.</summary>
    public static async Task<ListEvents.EventDto[]> ItemsAsync(HttpClient client, Func<ListEvents.EventDto[], bool> caughtUp, string what, string query = "/v1/events?limit=200")
    {
        ListEvents.EventDto[] items = [];
        try
        {
            await Poll.UntilAsync(async () =>
            {
                items = [.. await client.ItemsAsync<ListEvents.EventDto>(query)];
                return caughtUp(items);
            }, what);
        }
        catch (XunitException timedOut)
        {
            throw new XunitException($"{timedOut.Message}\n{await HorizonHoldersAsync()}");
        }

        return items;
    }

    /// <summary>The event types in the feed once it shows an event of type <paramref name="written"/>, the last one the test wrote.</summary>
    public static async Task<string[]> TypesAsync(HttpClient client, string written) =>
        (await ItemsAsync(client, items => items.Any(e => e.Type == written), $"{written} in the change feed")).Select(e => e.Type).ToArray();

    /// <summary>
    /// The oldest transactions of the whole cluster, which hold <c>pg_snapshot_xmin</c> and so the feed back: a feed that does
    /// not catch up names its culprit when it gives up (once seen in CI: 60 s of lag behind another test class).
    /// </summary>
    private static async Task<string> HorizonHoldersAsync()
    {
        await using var connection = new NpgsqlConnection((await TestDatabase.ServerAsync()).SuperUserConnectionString);
        await connection.OpenAsync();
        var rows = await connection.QueryAsync<string>("""
            SELECT format('%s s, %s, %s, %s, xid %s, xmin %s: %s', round(extract(epoch FROM now() - xact_start)), datname,
                          coalesce(nullif(application_name, ''), backend_type), state, backend_xid, backend_xmin, left(query, 300))
            FROM pg_stat_activity
            WHERE (backend_xid IS NOT NULL OR backend_xmin IS NOT NULL) AND pid <> pg_backend_pid()
            ORDER BY xact_start
            LIMIT 5
            """);
        return "Oldest transactions in the cluster:\n" + string.Join('\n', rows);
    }
}
