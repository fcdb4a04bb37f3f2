using System.Globalization;
using CaseApi.Features.Organisations;
using CaseApi.Features.Webhooks;
using CaseApi.Tests.Support.Contract;
using Microsoft.Extensions.DependencyInjection;
using StandardWebhooks;

namespace CaseApi.Tests.Features.Webhooks;

/// <summary>
/// Deliveries to a real receiver on the loopback interface, which only <c>Webhooks:AllowPrivateAddresses</c> permits.
/// The dispatcher runs when the test says so, on the fake clock. Each test has an organisation of its own; the tests of
/// a class run one after another, so one test's dispatch run never meets another's deliveries half-way.
/// </summary>
public sealed class WebhookDeliveryTests(WebhookDeliveryTests.LoopbackAllowed api) : IClassFixture<WebhookDeliveryTests.LoopbackAllowed>, IAsyncLifetime
{
    public sealed class LoopbackAllowed : CaseApiFactory
    {
        protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string> { ["Webhooks:AllowPrivateAddresses"] = "true" };
    }

    private LoopbackReceiver receiver = null!;

    public async Task InitializeAsync()
    {
        receiver = await LoopbackReceiver.StartAsync();
        // Receivers check webhook-timestamp against their own clock: sign at the real time.
        if (api.Clock.GetUtcNow() < DateTimeOffset.UtcNow)
        {
            api.Clock.SetUtcNow(DateTimeOffset.UtcNow);
        }
    }

    public async Task DisposeAsync() => await receiver.DisposeAsync();

    [Fact]
    public async Task Every_event_of_a_scripted_scenario_reaches_each_webhook_exactly_once_signed_so_that_StandardWebhooks_verifies_it()
    {
        var (organisation, client) = await OrganisationAsync();
        var all = await client.CreatedAsync<WebhookWithSecretDto>("/v1/webhooks", new { url = receiver.Url("/all") });
        var sentOnly = await client.CreatedAsync<WebhookWithSecretDto>("/v1/webhooks", new { url = receiver.Url("/sent"), eventTypes = new[] { "letter.sent" } });

        var defendant = await client.DefendantAsync();
        var @case = await client.CaseAsync(null, defendant.Id());
        var world = new Letters.World(client, @case.Id(), defendant.Id());
        var sent = await world.SendAsync(await world.DraftAsync(), "2025-12-01T10:00:00+01:00", "P14D");
        await world.ReplyAsync(sent.Id, "2025-12-05T10:00:00+01:00");
        await DispatchAsync();
        await DispatchAsync();

        // Every event the organisation's changes wrote (from the table: the feed may hold back events while another test
        // class's transaction runs).
        var events = await EventsAsync(organisation);
        Assert.Contains(events, e => e.Type == "letter.sent");
        Assert.Equal(events.Select(e => e.Id).Order(), receiver.At("/all").Select(r => r.Json.Id()).Order());
        Assert.Equal(events.Where(e => e.Type == "letter.sent").Select(e => e.Id), receiver.At("/sent").Select(r => r.Json.Id()));
        foreach (var (path, secret) in new[] { ("/all", all.Secret), ("/sent", sentOnly.Secret) })
        {
            foreach (var request in receiver.At(path))
            {
                new StandardWebhook(secret).Verify(request.Body, request.Headers);
                Assert.Empty(OpenApiContract.Instance.CheckWebhook(request.Json.GetProperty("type").GetString()!, request.Body));
            }
        }

        var letterSent = receiver.At("/sent").Single().Json;
        Assert.Equal("letter.sent", letterSent.GetProperty("type").GetString());
        Assert.Equal(sent.Id, letterSent.GetProperty("data").GetProperty("id").GetGuid());
        Assert.Equal("sent", letterSent.GetProperty("data").GetProperty("status").GetString());
        Assert.True(letterSent.TryGetProperty("timestamp", out _));
        var wrongSecret = new StandardWebhook(sentOnly.Secret);
        Assert.ThrowsAny<Exception>(() => wrongSecret.Verify(receiver.At("/all")[0].Body, receiver.At("/all")[0].Headers));
    }

    [Fact]
    public async Task A_receiver_failing_three_times_gets_the_fourth_attempt_with_the_same_webhook_id_and_the_log_shows_all_four()
    {
        var (_, client) = await OrganisationAsync();
        var webhook = await client.CreatedAsync<WebhookWithSecretDto>("/v1/webhooks", new { url = receiver.Url("/flaky"), eventTypes = new[] { "case.created" } });
        receiver.Script(new(500), new(500), new(500), new(200));
        await client.CaseAsync();

        await DispatchAsync();
        Assert.Single(receiver.Requests);
        api.Clock.Advance(TimeSpan.FromSeconds(4)); // before the first retry, jitter included (5 s ± 10 %)
        await DispatchAsync();
        Assert.Single(receiver.Requests);
        foreach (var wait in new[] { TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(6), TimeSpan.FromMinutes(34) })
        {
            api.Clock.Advance(wait);
            await DispatchAsync();
        }

        Assert.Equal(4, receiver.Requests.Count);
        var delivery = Assert.Single(await DeliveriesAsync(client, webhook.Webhook));
        Assert.Equal("delivered", delivery.Status);
        Assert.Equal(4, delivery.Attempts);
        Assert.Equal([500, 500, 500, 200], delivery.AttemptLog.Select(a => a.StatusCode));
        Assert.Equal([1, 2, 3, 4], delivery.AttemptLog.Select(a => a.Attempt));
        Assert.All(receiver.Requests, r => Assert.Equal(delivery.Id.ToString(), r.WebhookId));
        // Every attempt is signed afresh, for its own timestamp, with the same secret.
        var signer = new StandardWebhook(webhook.Secret);
        Assert.All(receiver.Requests, r => Assert.Equal(
            signer.Sign(r.WebhookId, DateTimeOffset.FromUnixTimeSeconds(long.Parse(r.Headers["webhook-timestamp"]!, CultureInfo.InvariantCulture)), r.Body),
            r.Headers["webhook-signature"].ToString()));
    }

    [Fact]
    public async Task A_delivery_redelivered_on_request_goes_out_again_with_the_same_webhook_id()
    {
        var (_, client, webhook) = await CaseWebhookAsync("/again");
        await client.CaseAsync();
        await DispatchAsync();
        var delivery = (await DeliveriesAsync(client, webhook))[0];

        var redeliver = await client.PostAsync($"/v1/webhooks/{webhook.Id}/deliveries/{delivery.Id}/redeliver", null);
        await DispatchAsync();

        Assert.Equal(HttpStatusCode.Accepted, redeliver.StatusCode);
        Assert.Equal(2, receiver.Requests.Count);
        Assert.All(receiver.Requests, r => Assert.Equal(delivery.Id.ToString(), r.WebhookId));
        var after = (await DeliveriesAsync(client, webhook))[0];
        Assert.Equal(("delivered", 2), (after.Status, after.Attempts));
    }

    [Fact]
    public async Task A_410_answer_turns_the_webhook_off_and_writes_a_webhook_disabled_event()
    {
        var (organisation, client, webhook) = await CaseWebhookAsync("/gone");
        receiver.Otherwise = new(410);
        await client.CaseAsync();
        await client.CaseAsync();

        await DispatchAsync();
        var sentBeforeOff = receiver.Requests.Count;
        await client.CaseAsync();
        api.Clock.Advance(TimeSpan.FromHours(1));
        await DispatchAsync();

        var after = await client.GetAsync<WebhookDto>($"/v1/webhooks/{webhook.Id}");
        Assert.False(after.Enabled);
        Assert.Contains("410", after.DisabledReason, StringComparison.Ordinal);
        // Both queued events were sent in one batch (or the first answer stopped the second); nothing after the webhook went off.
        Assert.InRange(sentBeforeOff, 1, 2);
        Assert.Equal(sentBeforeOff, receiver.Requests.Count);
        Assert.Equal(["failed", "failed"], (await DeliveriesAsync(client, webhook)).Select(d => d.Status));
        var disabled = (await EventsAsync(organisation)).Where(e => e.Type == "webhook.disabled");
        Assert.Equal(webhook.Id, Assert.Single(disabled).ResourceId);
    }

    [Fact]
    public async Task A_webhook_that_fails_for_three_days_is_turned_off()
    {
        var (_, client, webhook) = await CaseWebhookAsync("/down");
        receiver.Otherwise = new(503);
        await client.CaseAsync();

        for (var day = 0; day < 4; day++)
        {
            await DispatchAsync();
            Assert.True((await client.GetAsync<WebhookDto>($"/v1/webhooks/{webhook.Id}")).Enabled == day < 3, $"day {day}");
            api.Clock.Advance(TimeSpan.FromHours(27)); // past the longest retry wait, 24 h + 10 %
        }

        Assert.Contains("three days", (await client.GetAsync<WebhookDto>($"/v1/webhooks/{webhook.Id}")).DisabledReason, StringComparison.Ordinal);
        Assert.Equal(4, receiver.Requests.Count);
    }

    [Fact]
    public async Task Retry_After_decides_when_the_next_attempt_is_due()
    {
        var (_, client, webhook) = await CaseWebhookAsync("/busy");
        receiver.Script(new(429, "120"), new(503, api.Clock.GetUtcNow().AddHours(3).ToString("R", CultureInfo.InvariantCulture)));
        await client.CaseAsync();

        await DispatchAsync();
        var first = (await DeliveriesAsync(client, webhook))[0];
        api.Clock.Advance(TimeSpan.FromSeconds(121));
        await DispatchAsync();
        var second = (await DeliveriesAsync(client, webhook))[0];

        var attempts = second.AttemptLog.Select(a => a.At).ToArray();
        Assert.Equal(attempts[0].AddSeconds(120), first.NextAttemptAt);
        Assert.Equal(2, attempts.Length);
        // An HTTP date, to the second.
        Assert.InRange(second.NextAttemptAt!.Value - attempts[0], TimeSpan.FromHours(3) - TimeSpan.FromSeconds(1), TimeSpan.FromHours(3) + TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task Events_of_a_webhook_that_is_off_are_not_queued_and_nothing_is_lost_between_commit_and_dispatch()
    {
        var (organisation, client) = await OrganisationAsync();
        await client.CreatedAsync("/v1/webhooks", new { url = receiver.Url("/off"), enabled = false });
        await client.CreatedAsync("/v1/webhooks", new { url = receiver.Url("/on"), eventTypes = new[] { "case.created" } });
        await client.CaseAsync();

        // Committed, not yet sent: the delivery and its work-list row exist with the event, whatever happens to this process now.
        await using (var superUser = await api.OpenAsSuperUserAsync())
        {
            Assert.Equal(1, await Dapper.SqlMapper.QuerySingleAsync<int>(superUser,
                "SELECT count(*)::int FROM jobs.webhook_dispatch WHERE organisation_id = @organisation", new { organisation }));
        }

        await DispatchAsync();
        Assert.Empty(receiver.At("/off"));
        Assert.Single(receiver.At("/on"));
    }

    [Fact]
    public async Task A_receiver_that_never_answers_holds_up_no_other_webhook_and_gets_one_delivery_at_a_time()
    {
        var (_, client) = await OrganisationAsync();
        await using var silent = SilentReceiver.Start();
        var hanging = (await client.CreatedAsync<WebhookWithSecretDto>("/v1/webhooks", new { url = silent.Url("/hangs"), eventTypes = new[] { "case.created" } })).Webhook;
        var healthy = (await client.CreatedAsync<WebhookWithSecretDto>("/v1/webhooks", new { url = receiver.Url("/healthy"), eventTypes = new[] { "case.created" } })).Webhook;
        const int cases = 20;
        for (var i = 0; i < cases; i++)
        {
            await client.CaseAsync();
        }

        var timeout = api.Services.GetRequiredService<WebhookTimings>().Timeout;
        using var stop = new CancellationTokenSource();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var dispatch = api.Services.GetRequiredService<DispatchWebhooksJob>().RunAsync(stop.Token);
        try
        {
            await Poll.UntilAsync(() => receiver.At("/healthy").Count == cases, "every delivery to the healthy receiver", timeout: timeout * 2);
            var healthyDone = watch.Elapsed;

            // Well before the hanging receiver's send times out, on a slow machine too.
            Assert.True(healthyDone < timeout / 2, $"The healthy receiver had its {cases} deliveries only after {healthyDone.TotalSeconds:0.0} s.");
            Assert.False(dispatch.IsCompleted);
            Assert.Equal(1, silent.Connections);
        }
        finally
        {
            // The run would wait out the hanging send's timeout; the test has seen what it needs.
            await stop.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => dispatch);
            foreach (var webhook in new[] { hanging, healthy })
            {
                (await client.DeleteAsync($"/v1/webhooks/{webhook.Id}")).EnsureSuccessStatusCode();
            }
        }
    }

    [Fact]
    public async Task Rows_PostgreSQL_refuses_for_one_organisation_hold_back_no_other_organisation_and_are_tried_again_after_their_lease()
    {
        var (_, a, _) = await CaseWebhookAsync("/a");
        var (b, bClient, turnedOff) = await CaseWebhookAsync("/b");
        var (c, cClient, _) = await CaseWebhookAsync("/c");
        await a.CaseAsync();
        await bClient.CaseAsync();
        await cClient.CaseAsync();
        // B's webhook is turned off after its event was queued: the claim stops that delivery. C's answer is recorded after the send.
        (await bClient.SendWithIfMatchAsync(HttpMethod.Patch, $"/v1/webhooks/{turnedOff.Id}", new { enabled = false }, turnedOff.Version))
            .EnsureSuccessStatusCode();

        await using (var superUser = await api.OpenAsSuperUserAsync())
        {
            await Dapper.SqlMapper.ExecuteAsync(superUser, $"""
                CREATE FUNCTION test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$;
                CREATE TRIGGER test_refuse BEFORE UPDATE ON webhook_deliveries
                    FOR EACH ROW WHEN (OLD.organisation_id IN ('{b}', '{c}')) EXECUTE FUNCTION test_refuse();
                """);
        }

        try
        {
            await DispatchAsync();
            Assert.Single(receiver.At("/a"));
            Assert.Empty(receiver.At("/b"));
            Assert.Single(receiver.At("/c"));
            Assert.Equal(("delivered", 1), await DeliveryAsync(a));
        }
        finally
        {
            await using var superUser = await api.OpenAsSuperUserAsync();
            await Dapper.SqlMapper.ExecuteAsync(superUser, "DROP TRIGGER test_refuse ON webhook_deliveries; DROP FUNCTION test_refuse()");
        }

        await DispatchAsync();
        Assert.Single(receiver.At("/c"));
        api.Clock.Advance(api.Services.GetRequiredService<WebhookTimings>().Lease);
        await DispatchAsync();

        Assert.Single(receiver.At("/a"));
        Assert.Empty(receiver.At("/b"));
        Assert.Equal(2, receiver.At("/c").Count);
        Assert.Single(receiver.At("/c").Select(r => r.WebhookId).Distinct());
        Assert.Equal(("failed", 0), await DeliveryAsync(bClient));
        Assert.Equal(("delivered", 1), await DeliveryAsync(cClient));
    }

    /// <summary>The status and attempt count of the one delivery of the organisation's one webhook.</summary>
    private static async Task<(string? Status, int Attempts)> DeliveryAsync(HttpClient client)
    {
        var delivery = Assert.Single(await DeliveriesAsync(client, Assert.Single(await client.ItemsAsync<WebhookDto>("/v1/webhooks"))));
        return (delivery.Status, delivery.Attempts);
    }

    private static Task<IReadOnlyList<WebhookDeliveryDto>> DeliveriesAsync(HttpClient client, WebhookDto webhook) =>
        client.ItemsAsync<WebhookDeliveryDto>($"/v1/webhooks/{webhook.Id}/deliveries");

    private async Task<(Guid Id, HttpClient Client)> OrganisationAsync()
    {
        var created = await api.SendAsync(new CreateOrganisation.Command($"Webhooks {Guid.NewGuid():N}"[..20], "DE-NW", "Europe/Berlin"));
        return (created.Organisation.Id, api.ClientFor(created.AdminKeySecret));
    }

    /// <summary>An organisation of its own with a webhook for <c>case.created</c> at the receiver's path.</summary>
    private async Task<(Guid Organisation, HttpClient Client, WebhookDto Webhook)> CaseWebhookAsync(string path)
    {
        var (organisation, client) = await OrganisationAsync();
        return (organisation, client, (await client.CreatedAsync<WebhookWithSecretDto>("/v1/webhooks", new { url = receiver.Url(path), eventTypes = new[] { "case.created" } })).Webhook);
    }

    private sealed record EventRow(Guid Id, string Type, Guid ResourceId);

    private async Task<IReadOnlyList<EventRow>> EventsAsync(Guid organisation)
    {
        await using var superUser = await api.OpenAsSuperUserAsync();
        return (await Dapper.SqlMapper.QueryAsync<EventRow>(superUser,
            "SELECT id, type, resource_id FROM events WHERE organisation_id = @organisation ORDER BY txid, seq", new { organisation })).ToArray();
    }

    private Task DispatchAsync() => api.Services.GetRequiredService<DispatchWebhooksJob>().RunAsync(CancellationToken.None);
}
