using System.Diagnostics;
using CaseApi.Features.Organisations;
using CaseApi.Features.Webhooks;
using CaseApi.Infrastructure.Telemetry;
using CaseApi.Tests.Features.Webhooks;
using Microsoft.Extensions.DependencyInjection;

namespace CaseApi.Tests.Infrastructure.Telemetry;

/// <summary>
/// Issue 16: with <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> set, traces and metrics go to that collector: here a receiver on the
/// loopback interface, spoken to in OTLP over HTTP (protobuf, whose strings stay readable in the body). No secret goes with
/// them: not a calendar feed's token from its query string, not a webhook receiver's path.
/// </summary>
public sealed class OtlpExportTests : IAsyncLifetime
{
    private const string ReceiverPathSecret = "receivers-own-path-secret";

    private LoopbackReceiver collector = null!;
    private LoopbackReceiver webhookReceiver = null!;
    private Exporting api = null!;

    private sealed class Exporting(string collectorUrl) : CaseApiFactory
    {
        protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
        {
            [TelemetrySetup.OtlpEndpointKey] = collectorUrl,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            // Export at once rather than every 5 s (spans) and 60 s (metrics).
            ["OTEL_BSP_SCHEDULE_DELAY"] = "50",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "100",
            ["Webhooks:AllowPrivateAddresses"] = "true",
        };
    }

    public async Task InitializeAsync()
    {
        collector = await LoopbackReceiver.StartAsync();
        webhookReceiver = await LoopbackReceiver.StartAsync();
        api = new Exporting(collector.Url("").TrimEnd('/'));
        await api.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await ((IAsyncLifetime)api).DisposeAsync();
        await webhookReceiver.DisposeAsync();
        await collector.DisposeAsync();
    }

    [Fact]
    public async Task Requests_statements_and_webhook_calls_reach_the_collector_as_spans_and_the_metrics_follow_without_a_token_or_receiver_path()
    {
        var created = await api.SendAsync(new CreateOrganisation.Command("Exporting organisation", "DE-NW", "Europe/Berlin"));
        using var client = api.ClientFor(created.AdminKeySecret);
        var feedToken = (await client.CreatedAsync("/v1/calendar-feeds", new { name = "Traced feed" })).GetProperty("token").GetString()!;
        await client.CreatedAsync("/v1/webhooks", new { url = webhookReceiver.Url($"/hooks/{ReceiverPathSecret}"), eventTypes = new[] { "case.created" } });
        await client.CaseAsync();
        using var anonymous = api.ClientFor(null);
        (await anonymous.GetAsync($"/v1/deadlines/calendar.ics?token={Uri.EscapeDataString(feedToken)}")).EnsureSuccessStatusCode();

        // As a Hangfire worker runs it: inside a span of the job's (a webhook call with no request or job around it is dropped).
        using (var job = new Activity("DispatchWebhooksJob.RunAsync").SetIdFormat(ActivityIdFormat.W3C))
        {
            job.ActivityTraceFlags = ActivityTraceFlags.Recorded;
            job.Start();
            await api.Services.GetRequiredService<DispatchWebhooksJob>().RunAsync(CancellationToken.None);
        }

        Assert.Single(webhookReceiver.Requests);
        await Poll.UntilAsync(() => Traces().Contains("/v1/deadlines/calendar.ics", StringComparison.Ordinal)
                                    && Traces().Contains(webhookReceiver.Url("/"), StringComparison.Ordinal)
                                    && Traces().Contains("postgresql", StringComparison.Ordinal),
            "the calendar request, the webhook call and a statement exported as spans");
        await Poll.UntilAsync(() => Metrics().Contains("caseapi.webhooks.deliveries", StringComparison.Ordinal), "CaseApi's metrics exported");
        Assert.All([Traces(), Metrics()], exported =>
        {
            Assert.DoesNotContain(feedToken, exported, StringComparison.Ordinal);
            Assert.DoesNotContain(feedToken[..12], exported, StringComparison.Ordinal);
            Assert.DoesNotContain(created.AdminKeySecret[..12], exported, StringComparison.Ordinal);
            // The webhook call names the receiver's origin only. (The receiver's own server span, which this process's SDK sees
            // too since the receiver runs in it, carries its path: the receiver's business, and not there in production.)
            Assert.DoesNotContain(webhookReceiver.Url($"/hooks/{ReceiverPathSecret}"), exported, StringComparison.Ordinal);
        });
    }

    private string Traces() => string.Concat(collector.At("/v1/traces").Select(r => r.Body));

    private string Metrics() => string.Concat(collector.At("/v1/metrics").Select(r => r.Body));
}
