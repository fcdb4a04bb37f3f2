using CaseApi.Features.Events;

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
        await Poll.UntilAsync(async () =>
        {
            items = [.. await client.ItemsAsync<ListEvents.EventDto>(query)];
            return caughtUp(items);
        }, what);
        return items;
    }

    /// <summary>The event types in the feed once it shows an event of type <paramref name="written"/>, the last one the test wrote.</summary>
    public static async Task<string[]> TypesAsync(HttpClient client, string written) =>
        (await ItemsAsync(client, items => items.Any(e => e.Type == written), $"{written} in the change feed")).Select(e => e.Type).ToArray();
}
