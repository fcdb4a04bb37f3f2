using System.Text.Json.Nodes;
using CaseApi.Features.Correspondence;
using CaseApi.Features.Deadlines;
using CaseApi.Features.Webhooks;
using CaseApi.Infrastructure.Json;
using CaseApi.Tests.Features.Webhooks;
using Microsoft.Extensions.DependencyInjection;

namespace CaseApi.Tests.Features.Escalation;

/// <summary>
/// Issue 6: an event carries the resource as the API returns it. The sweep's events are checked against the GET of
/// each resource right after the sweep that wrote them. Each test has an API and a database of its own (its clock
/// goes to its own dates), and runs alone: the feed holds back events while any transaction on the server is older.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class SweepEventsTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Sent = new(2026, 3, 2, 10, 0, 0, TimeSpan.FromHours(1));

    // Loopback webhooks allowed, for the receiver of the webhook test.
    private readonly WebhookDeliveryTests.LoopbackAllowed api = new();

    public Task InitializeAsync() => api.InitializeAsync();

    Task IAsyncLifetime.DisposeAsync() => ((IAsyncLifetime)api).DisposeAsync();

    [Fact]
    public async Task Due_soon_missed_and_level_1_events_carry_the_deadline_and_the_drafted_reminder_as_the_API_returns_them()
    {
        var world = await WorldAsync();
        var deadlineId = (await world.SendAsync(await world.DraftAsync(), Sent.ToString("O"), "P14D")).Deadline!.Id;

        await SweepAtAsync("2026-03-11T23:00:00Z");
        var warned = await GetAsync(world, $"/v1/deadlines/{deadlineId}");
        var (afterWarning, cursor) = await EventsAsync(world, after: null);
        AssertCarries(warned, Single(afterWarning, "deadline.due_soon", deadlineId));

        await SweepAtAsync("2026-03-16T23:00:00Z");
        var missed = await GetAsync(world, $"/v1/deadlines/{deadlineId}");
        var reminderId = (await world.Client.GetFromJsonAsync<JsonElement>($"/v1/cases/{world.CaseId}/letters")).GetProperty("items")
            .EnumerateArray().Single(l => l.GetProperty("type").GetString() == "reminder").Id();
        var reminder = await GetAsync(world, $"/v1/letters/{reminderId}");
        var (afterMissing, _) = await EventsAsync(world, cursor);

        Assert.Equal("missed", (string?)missed["status"]);
        AssertCarries(missed, Single(afterMissing, "deadline.missed", deadlineId));
        AssertCarries(missed, Single(afterMissing, "deadline.escalated", deadlineId));
        AssertCarries(reminder, Single(afterMissing, "letter.created", reminderId));
        Assert.Equal(3, afterMissing.Count);
    }

    [Fact]
    public async Task Level_2_events_carry_the_case_and_both_deadlines_it_escalated_as_the_API_returns_them()
    {
        var world = await WorldAsync();
        var originalId = (await world.SendAsync(await world.DraftAsync(), Sent.ToString("O"), "P14D")).Deadline!.Id;
        await SweepAtAsync("2026-03-16T23:00:00Z");
        var reminder = (await world.Client.GetAsync<Page<LetterDto>>($"/v1/cases/{world.CaseId}/letters")).Items.Single(l => l.Type == LetterType.Reminder);
        api.Clock.SetUtcNow(DateTimeOffset.Parse("2026-03-17T09:00:00+01:00", System.Globalization.CultureInfo.InvariantCulture));
        var reminderDeadlineId = (await world.SendAsync(reminder, "2026-03-17T09:00:00+01:00")).Deadline!.Id;
        var (_, cursor) = await EventsAsync(world, after: null);

        var result = await SweepAtAsync("2026-03-24T23:00:00Z");
        var original = await GetAsync(world, $"/v1/deadlines/{originalId}");
        var reminderDeadline = await GetAsync(world, $"/v1/deadlines/{reminderDeadlineId}");
        var escalatedCase = await GetAsync(world, $"/v1/cases/{world.CaseId}");
        var (events, _) = await EventsAsync(world, cursor);

        Assert.Equal(1, result.CasesEscalated);
        Assert.Equal(("escalated", "escalated"), ((string?)original["status"], (string?)reminderDeadline["status"]));
        AssertCarries(original, Single(events, "deadline.escalated", originalId));
        AssertCarries(reminderDeadline, Single(events, "deadline.escalated", reminderDeadlineId));
        AssertCarries(escalatedCase, Single(events, "case.escalated", world.CaseId));
        // Missed, then escalated in the same sweep: the first event has the deadline as it was between the two steps.
        var missedThen = reminderDeadline.DeepClone().AsObject();
        missedThen["status"] = "missed";
        missedThen["version"] = (int)reminderDeadline["version"]! - 1;
        AssertCarries(missedThen, Single(events, "deadline.missed", reminderDeadlineId));
        Assert.Equal(4, events.Count);
        Assert.Equal("case.escalated", (string?)events[^1]["type"]);
    }

    [Fact]
    public async Task A_webhook_receives_each_sweep_event_once_with_the_resource_of_the_feed()
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        var world = await WorldAsync();
        await world.SendAsync(await world.DraftAsync(), Sent.ToString("O"), "P14D");
        string[] types = ["deadline.missed", "deadline.escalated", "letter.created"];
        await world.Client.CreatedAsync("/v1/webhooks", new { url = receiver.Url("/sweep"), eventTypes = types });
        var (_, cursor) = await EventsAsync(world, after: null);

        await SweepAtAsync("2026-03-16T23:00:00Z");
        await api.Services.GetRequiredService<DispatchWebhooksJob>().RunAsync(CancellationToken.None);

        var swept = (await EventsAsync(world, cursor)).Events.ToDictionary(e => (Guid)e["id"]!);
        var received = receiver.At("/sweep").Select(r => JsonNode.Parse(r.Body)!.AsObject()).ToArray();
        Assert.Equal(3, swept.Count);
        Assert.Equal(swept.Keys.Order(), received.Select(r => (Guid)r["id"]!).Order());
        Assert.All(received, r => Assert.True(JsonNode.DeepEquals(swept[(Guid)r["id"]!]["data"], r["data"]), $"{r["type"]}: webhook {r["data"]}"));
    }

    private Task<Letters.World> WorldAsync()
    {
        api.Clock.SetUtcNow(Sent);
        return Letters.WorldAsync(api);
    }

    private async Task<SweepDeadlines.Result> SweepAtAsync(string instant)
    {
        api.Clock.SetUtcNow(DateTimeOffset.Parse(instant, System.Globalization.CultureInfo.InvariantCulture));
        return await api.SendAsync(new SweepDeadlines.Command());
    }

    private static async Task<JsonObject> GetAsync(Letters.World world, string path) =>
        JsonNode.Parse(await world.Client.GetStringAsync(path))!.AsObject();

    private static async Task<(IReadOnlyList<JsonObject> Events, string Cursor)> EventsAsync(Letters.World world, string? after)
    {
        var page = JsonNode.Parse(await world.Client.GetStringAsync($"/v1/events?limit=200{(after is null ? "" : $"&after={after}")}"))!;
        return (page["items"]!.AsArray().Select(e => e!.AsObject()).ToArray(), (string)page["nextCursor"]!);
    }

    private static JsonObject Single(IReadOnlyList<JsonObject> events, string type, Guid resourceId) =>
        Assert.Single(events, e => (string?)e["type"] == type && (Guid?)e["resourceId"] == resourceId);

    private static void AssertCarries(JsonObject resource, JsonObject @event) =>
        Assert.True(JsonNode.DeepEquals(resource, @event["data"]), $"{@event["type"]} carries\n{@event["data"]}\nbut the API returns\n{resource}");
}
