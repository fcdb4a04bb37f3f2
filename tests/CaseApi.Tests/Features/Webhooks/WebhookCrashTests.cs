using System.Net.Http.Headers;
using System.Net.Sockets;
using CaseApi.Tests.Support.Contract;
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
        var port = FreePort();
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__CaseDb"] = api.Database.Application,
            ["ConnectionStrings__CaseDbMigrations"] = api.Database.Migrations,
            ["Mode"] = "all",
            ["Urls"] = $"http://127.0.0.1:{port}",
            ["Demo__Enabled"] = "false",
            ["Webhooks__AllowPrivateAddresses"] = "true",
            // Short, so that the test does not wait two minutes for the dead dispatcher's lease.
            ["Webhooks__TimeoutSeconds"] = "3",
            ["Webhooks__LeaseSeconds"] = "7",
            ["Jobs__WebhookCron"] = "* * * * * *",
            ["Logging__LogLevel__Default"] = "Warning",
        };

        string secret;
        Guid caseId;
        using (var first = CaseApiProcess.Start(environment))
        {
            try
            {
                using var client = await ClientAsync(port, organisation.AdminKey);
                var webhook = await client.CreatedAsync("/v1/webhooks", new { url = receiver.Url("/hook"), eventTypes = new[] { "case.created" } });
                secret = webhook.GetProperty("secret").GetString()!;
                caseId = (await client.CaseAsync()).Id();

                await Poll.UntilAsync(() => !receiver.Requests.IsEmpty, "the delivery on the wire");
            }
            finally
            {
                first.Kill(entireProcessTree: true);
                await first.WaitForExitAsync();
            }
        }

        var inFlight = receiver.At("/hook").Single();
        Assert.Equal(("pending", 0), await DeliveryAsync(caseId));

        using var restarted = CaseApiProcess.Start(environment);
        try
        {
            await Poll.UntilAsync(async () => await DeliveryAsync(caseId) is ("delivered", _), "the delivery after the restart", timeout: TimeSpan.FromSeconds(90));
        }
        finally
        {
            restarted.Kill(entireProcessTree: true);
            await restarted.WaitForExitAsync();
            neverAnswered.SetResult();
        }

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

    /// <summary>A client of the real process, checking its responses against openapi.yaml like every test client.</summary>
    private static async Task<HttpClient> ClientAsync(int port, string apiKey)
    {
        var client = new HttpClient(new ContractCheckingHandler(OpenApiContract.Instance) { InnerHandler = new SocketsHttpHandler() })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}"),
        };
        await Poll.UntilAsync(async () =>
        {
            try
            {
                return (await client.GetAsync("/health/ready")).IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, "the API to start", timeout: TimeSpan.FromSeconds(90));
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return client;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
