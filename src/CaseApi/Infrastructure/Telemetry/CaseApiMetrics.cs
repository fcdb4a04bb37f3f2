using System.Diagnostics.Metrics;
using CaseApi.Features.Webhooks;

namespace CaseApi.Infrastructure.Telemetry;

/// <summary>
/// CaseApi's own instruments, on the meter <c>CaseApi</c>: what the operator of a deadline service alerts on (README,
/// "Monitoring"). Counters are added to by the jobs once their transaction has committed, so that a batch rolled back and
/// claimed again is counted once. The meter comes from the host's <see cref="IMeterFactory"/>: each host (each test's API)
/// reports its own numbers, not those of another host in the same process.
/// </summary>
public sealed class CaseApiMetrics
{
    public const string MeterName = "CaseApi";

    private readonly Counter<long> deadlinesMissed;
    private readonly Counter<long> webhookDeliveries;
    private readonly Counter<long> requests;

    public CaseApiMetrics(IMeterFactory meters, WorkQueueReading queues)
    {
        var meter = meters.Create(MeterName);
        deadlinesMissed = meter.CreateCounter<long>("caseapi.deadlines.missed", "{deadline}",
            "Deadlines the sweep marked missed: due and not met.");
        webhookDeliveries = meter.CreateCounter<long>("caseapi.webhooks.deliveries", "{attempt}",
            "Webhook delivery attempts by outcome: delivered, failed (to be retried) or abandoned (failed for good).");
        requests = meter.CreateCounter<long>("caseapi.requests", "{request}",
            "Requests by the organisation that made them (an API key or calendar feed of it) and outcome.");
        meter.CreateObservableGauge("caseapi.sweep.lag", () => Measured(queues.SweepLagSeconds()), "s",
            "How long the oldest deadline due for the sweep has waited for it; 0 when the sweep is up to date.");
        meter.CreateObservableGauge("caseapi.webhooks.lag", () => Measured(queues.WebhookLagSeconds()), "s",
            "How long the oldest webhook delivery due for an attempt has waited for it; 0 when the dispatcher is up to date.");
        meter.CreateObservableGauge("caseapi.webhooks.backlog", () => Measured(queues.WebhookBacklog()), "{delivery}",
            $"Webhook deliveries waiting: due, being sent or waiting to be retried (counted up to {WorkQueueReading.BacklogCap}).");
    }

    public void DeadlinesMissed(int count)
    {
        if (count > 0)
        {
            deadlinesMissed.Add(count);
        }
    }

    public void WebhookAttempt(RecordWebhookAttempt.Outcome outcome)
    {
        var tag = outcome switch
        {
            RecordWebhookAttempt.Outcome.Delivered => "delivered",
            RecordWebhookAttempt.Outcome.Retrying => "failed",
            // The attempt failed and was the last: its retries ran out, or the webhook was turned off for failing.
            RecordWebhookAttempt.Outcome.Abandoned or RecordWebhookAttempt.Outcome.WebhookDisabled => "abandoned",
            // Another dispatcher recorded (and counted) this attempt.
            _ => null,
        };
        if (tag is not null)
        {
            webhookDeliveries.Add(1, new KeyValuePair<string, object?>("outcome", tag));
        }
    }

    /// <summary>
    /// One request of an organisation's. The organisation's id (not its name, which is free text) keeps the series to one per
    /// organisation and outcome; routes and statuses are in ASP.NET Core's own <c>http.server.request.duration</c>.
    /// </summary>
    public void Request(Guid organisationId, int statusCode) =>
        requests.Add(1, new KeyValuePair<string, object?>("caseapi.organisation.id", organisationId.ToString()),
            new KeyValuePair<string, object?>("outcome", statusCode switch
            {
                StatusCodes.Status429TooManyRequests => "rate_limited",
                >= 500 => "server_error",
                >= 400 => "client_error",
                _ => "ok",
            }));

    private static IEnumerable<Measurement<T>> Measured<T>(T? value)
        where T : struct =>
        value is { } measured ? [new Measurement<T>(measured)] : [];
}
