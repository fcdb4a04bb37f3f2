using System.Collections.Concurrent;
using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Telemetry;
using MediatR;
using Npgsql;

namespace CaseApi.Features.Webhooks;

/// <summary>
/// The recurring webhook dispatcher: claims a batch (<see cref="DispatchWebhooks.Command"/>, committed), sends each
/// delivery outside any transaction, and records each answer (<see cref="RecordWebhookAttempt.Command"/>) in a scope
/// and transaction of its own; batch after batch until nothing is due. Running it twice, or on several workers at
/// once, is harmless: the claim skips locked rows and the record counts each attempt once.
/// </summary>
public sealed class DispatchWebhooksJob(
    IServiceScopeFactory scopes, WebhookSender sender, WebhookTimings timings, CaseApiMetrics metrics, TimeProvider clock, IConfiguration configuration,
    ILogger<DispatchWebhooksJob> logger)
{
    public const string RecurringJobId = "webhook-dispatch";

    // Sends wait on receivers and may all run at once; recording an answer takes a pooled connection, so a batch of fast
    // answers records a few at a time rather than drain the pool that requests need.
    private const int RecordsAtOnce = 4;

    public async Task RunAsync(CancellationToken ct)
    {
        var batchSize = configuration.GetValue("Jobs:WebhookBatchSize", DispatchWebhooks.DefaultBatchSize);
        while (!ct.IsCancellationRequested)
        {
            var claimedAt = clock.GetTimestamp();
            IReadOnlyList<DispatchWebhooks.Outgoing> claimed;
            await using (var scope = scopes.CreateAsyncScope())
            {
                claimed = await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new DispatchWebhooks.Command(batchSize), ct);
            }

            if (claimed.Count == 0)
            {
                return;
            }

            // Every webhook of the batch at once (the batch size bounds how many), each webhook's deliveries in turn.
            var outcomes = new ConcurrentBag<RecordWebhookAttempt.Outcome>();
            using var recording = new SemaphoreSlim(RecordsAtOnce);
            await Task.WhenAll(claimed.GroupBy(d => d.WebhookId).Select(deliveries => SendInTurnAsync(deliveries, claimedAt, recording, outcomes, ct)));
            logger.LogInformation("Webhooks: {Claimed} claimed, {Delivered} delivered, {Retrying} to retry, {Abandoned} abandoned, {Disabled} webhooks turned off, {Waiting} waiting for their lease to run out",
                claimed.Count, outcomes.Count(o => o == RecordWebhookAttempt.Outcome.Delivered), outcomes.Count(o => o == RecordWebhookAttempt.Outcome.Retrying),
                outcomes.Count(o => o == RecordWebhookAttempt.Outcome.Abandoned), outcomes.Count(o => o == RecordWebhookAttempt.Outcome.WebhookDisabled),
                claimed.Count - outcomes.Count);
        }
    }

    /// <summary>
    /// One webhook's deliveries, one at a time in the order of their events: a receiver that hangs holds up only its own
    /// deliveries, never another webhook's, and is never sent more than one at once. The webhook's turn ends when a
    /// delivery gets no answer at all (its receiver is down or hangs: the others would only wait out one timeout after
    /// another), when it is turned off, or once the batch has run for a send timeout (a slow receiver must not keep the
    /// next batch waiting, nor outlast the lease). What it leaves stays claimed and is sent when the lease runs out, as
    /// after a dispatcher that died.
    /// </summary>
    private async Task SendInTurnAsync(
        IEnumerable<DispatchWebhooks.Outgoing> deliveries, long claimedAt, SemaphoreSlim recording, ConcurrentBag<RecordWebhookAttempt.Outcome> outcomes, CancellationToken ct)
    {
        foreach (var delivery in deliveries)
        {
            if (clock.GetElapsedTime(claimedAt) >= timings.Timeout)
            {
                return;
            }

            var attempt = await sender.SendAsync(delivery, ct);
            var outcome = await RecordAsync(delivery.OrganisationId, attempt, recording, ct);
            if (outcome is null)
            {
                return;
            }

            outcomes.Add(outcome.Value);
            metrics.WebhookAttempt(outcome.Value);
            if (attempt.StatusCode is null || outcome == RecordWebhookAttempt.Outcome.WebhookDisabled)
            {
                return;
            }
        }
    }

    /// <returns>
    /// Null when PostgreSQL refused to record the answer (issue 11): the other webhooks' deliveries go on, and this one is
    /// sent again when its lease runs out.
    /// </returns>
    private async Task<RecordWebhookAttempt.Outcome?> RecordAsync(Guid organisationId, RecordWebhookAttempt.Command attempt, SemaphoreSlim recording, CancellationToken ct)
    {
        await recording.WaitAsync(ct);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<CallerContext>().ActFor(organisationId);
            return await scope.ServiceProvider.GetRequiredService<IMediator>().Send(attempt, ct);
        }
        catch (PostgresException refused)
        {
            logger.LogError(refused, "Webhook dispatch: PostgreSQL refused to record attempt {Attempt} of delivery {DeliveryId}; it is sent again when its lease runs out",
                attempt.Attempt, attempt.DeliveryId);
            return null;
        }
        finally
        {
            recording.Release();
        }
    }
}
