using Dapper;
using StandardWebhooks;

namespace CaseApi.Tests.Features.Webhooks;

/// <summary>
/// The real API, with its job server, killed with SIGKILL after a change has committed and while its webhook delivery
/// is on the wire, unanswered. The event was written in the change's transaction and its delivery queued by a trigger in
/// the same one, so nothing of it lived only in the dead process: after a restart the delivery is made again, with the
/// same webhook-id, once the dead dispatcher's lease has run out.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class WebhookCrashTests(CaseApiFactory api) : IClassFixture<CaseApiFactory>
{
    [Fact]
    public async Task An_API_killed_between_a_change_s_commit_and_its_delivery_delivers_it_after_restart()
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        var neverAnswered = new TaskCompletionSource();
        receiver.Script(new LoopbackReceiver.Answer(200, Until: neverAnswered.Task));
        var organisation = await api.CreateOrganisationAsync("Crash test");
        var settings = new Dictionary<string, string>
        {
            ["Mode"] = "all",
            ["Webhooks__AllowPrivateAddresses"] = "true",
            // Short, so that the test does not wait two minutes for the dead dispatcher's lease.
            ["Webhooks__TimeoutSeconds"] = "3",
            ["Webhooks__LeaseSeconds"] = "7",
            ["Jobs__WebhookCron"] = "* * * * * *",
        };

        string secret;
        Guid caseId;
        await using (var first = await ServedApi.StartAsync(api.Database, settings))
        {
            using var client = first.Client(organisation.AdminKey);
            var webhook = await client.CreatedAsync("/v1/webhooks", new { url = receiver.Url("/hook"), eventTypes = new[] { "case.created" } });
            secret = webhook.GetProperty("secret").GetString()!;
            caseId = (await client.CaseAsync()).Id();

            await Poll.UntilAsync(() => !receiver.Requests.IsEmpty, "the delivery on the wire");
            first.Process.Kill(entireProcessTree: true);
        }

        var inFlight = receiver.At("/hook").Single();
        Assert.Equal(("pending", 0), await DeliveryAsync(caseId));

        await using (await ServedApi.StartAsync(api.Database, settings))
        {
            await Poll.UntilAsync(async () => await DeliveryAsync(caseId) is ("delivered", _), "the delivery after the restart", timeout: TimeSpan.FromSeconds(90));
        }

        neverAnswered.SetResult();
        var delivered = receiver.At("/hook")[^1];
        Assert.Equal(2, receiver.At("/hook").Count);
        Assert.Equal(inFlight.WebhookId, delivered.WebhookId);
        Assert.Equal(inFlight.Body, delivered.Body);
        Assert.Equal("case.created", delivered.Json.GetProperty("type").GetString());
        Assert.Equal(caseId, delivered.Json.GetProperty("data").Id());
        new StandardWebhook(secret).Verify(delivered.Body, delivered.Headers);
    }

    private async Task<(string Status, int Attempts)> DeliveryAsync(Guid caseId)
    {
        await using var superUser = await api.OpenAsSuperUserAsync();
        return await superUser.QuerySingleAsync<(string, int)>("""
            SELECT d.status, d.attempts FROM webhook_deliveries d JOIN events e ON e.id = d.event_id
            WHERE e.type = 'case.created' AND e.resource_id = @caseId
            """, new { caseId });
    }
}
