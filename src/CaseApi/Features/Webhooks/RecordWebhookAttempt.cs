using CaseApi.Features.Events;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Mediation;
using MediatR;

namespace CaseApi.Features.Webhooks;

/// <summary>
/// Writes what one attempt got back, in a transaction of its own after the send: delivered on 2xx; on 410 Gone the
/// webhook is turned off; otherwise the next attempt is scheduled — when <c>Retry-After</c> says, else on the
/// Standard Webhooks schedule with ±10 % jitter, so that receivers coming back from an outage are not hit by every
/// sender in the same second — until the tenth attempt, after which the delivery is abandoned. A webhook that has
/// failed for three days without a success in between is turned off.
/// </summary>
public static class RecordWebhookAttempt
{
    /// <summary>The wait after the n-th failed attempt (index n): immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h.</summary>
    public static readonly TimeSpan[] Schedule =
    [
        TimeSpan.Zero, TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2),
        TimeSpan.FromHours(5), TimeSpan.FromHours(10), TimeSpan.FromHours(14), TimeSpan.FromHours(20), TimeSpan.FromHours(24),
    ];

    public static readonly TimeSpan FailingLimit = TimeSpan.FromDays(3);

    /// <param name="DeliveryId">The delivery.</param>
    /// <param name="Attempt">The attempt that was made (from the claim): recording it twice changes nothing.</param>
    /// <param name="At">When it was sent.</param>
    /// <param name="StatusCode">The receiver's HTTP status; none when no answer came.</param>
    /// <param name="Error">What went wrong, if anything.</param>
    /// <param name="DurationMs">How long the call took.</param>
    /// <param name="RetryAfter">The receiver's <c>Retry-After</c>, if it sent one.</param>
    public sealed record Command(Guid DeliveryId, int Attempt, DateTimeOffset At, int? StatusCode, string? Error, int DurationMs, TimeSpan? RetryAfter)
        : ICommand<Outcome>;

    public enum Outcome
    {
        AlreadyRecorded,
        Delivered,
        Retrying,
        Abandoned,
        WebhookDisabled,
    }

    private sealed record Recorded
    {
        public Guid WebhookId { get; init; }

        public required string Status { get; init; }

        public int SeriesAttempts { get; init; }
    }

    internal sealed class Handler(DbSession db, EventWriter events) : IRequestHandler<Command, Outcome>
    {
        public async Task<Outcome> Handle(Command cmd, CancellationToken ct)
        {
            var delivered = cmd.StatusCode is >= 200 and < 300;
            await LockWebhookAsync(cmd.DeliveryId, ct);
            var recorded = await CountAttemptAsync(cmd, ct);
            if (recorded is null)
            {
                return Outcome.AlreadyRecorded;
            }

            if (recorded.Status == "failed" && !delivered)
            {
                return Outcome.WebhookDisabled;
            }

            if (delivered)
            {
                await MarkDeliveredAsync(cmd, recorded.WebhookId, ct);
                return Outcome.Delivered;
            }

            if (cmd.StatusCode == StatusCodes.Status410Gone)
            {
                await DisableAsync(recorded.WebhookId, "The receiver answered 410 Gone.", cmd.At, ct);
                return Outcome.WebhookDisabled;
            }

            var abandoned = recorded.SeriesAttempts >= Schedule.Length;
            var failingSince = await RescheduleAsync(cmd, recorded.WebhookId, abandoned ? null : cmd.At + Delay(recorded.SeriesAttempts, cmd.RetryAfter), ct);
            if (cmd.At - failingSince >= FailingLimit)
            {
                await DisableAsync(recorded.WebhookId, "Every delivery has failed for three days.", cmd.At, ct);
                return Outcome.WebhookDisabled;
            }

            return abandoned ? Outcome.Abandoned : Outcome.Retrying;
        }

        /// <summary>
        /// Answers for one webhook are recorded one at a time: each may change the webhook (failing since, turned off) and, when it
        /// turns it off, every pending delivery of it; locking the webhook first keeps that free of deadlocks.
        /// </summary>
        private Task LockWebhookAsync(Guid deliveryId, CancellationToken ct) => db.ExecuteAsync("""
            SELECT 1 FROM webhooks
            WHERE organisation_id = current_organisation_id()
              AND id = (SELECT webhook_id FROM webhook_deliveries WHERE organisation_id = current_organisation_id() AND id = @deliveryId)
            FOR NO KEY UPDATE
            """, new { deliveryId }, ct);

        /// <summary>
        /// Logs the attempt and counts it on the delivery. The delivery's attempt count is the guard: a lease that ran out and was
        /// claimed again cannot count twice (null: counted before). A delivery stopped while this attempt was under way (its webhook
        /// turned off) still gets the attempt logged.
        /// </summary>
        private Task<Recorded?> CountAttemptAsync(Command cmd, CancellationToken ct) => db.QuerySingleOrDefaultAsync<Recorded>("""
            WITH counted AS (
                UPDATE webhook_deliveries SET attempts = attempts + 1, last_status_code = @StatusCode, last_error = CASE WHEN status = 'failed' THEN last_error ELSE @Error END
                WHERE organisation_id = current_organisation_id() AND id = @DeliveryId AND status IN ('pending', 'failed') AND attempts = @Attempt - 1
                RETURNING webhook_id, status, attempts - schedule_start AS series_attempts
            ), logged AS (
                INSERT INTO webhook_attempts (organisation_id, delivery_id, attempt, at, status_code, error, duration_ms)
                SELECT current_organisation_id(), @DeliveryId, @Attempt, @At, @StatusCode, @Error, @DurationMs FROM counted
            )
            SELECT webhook_id, status, series_attempts FROM counted
            """, cmd, ct);

        /// <summary>The delivery is done and off the queue; its webhook is healthy again.</summary>
        private Task MarkDeliveredAsync(Command cmd, Guid webhookId, CancellationToken ct) => db.ExecuteAsync("""
            WITH done AS (
                UPDATE webhook_deliveries SET status = 'delivered', delivered_at = @At, next_attempt_at = NULL
                WHERE organisation_id = current_organisation_id() AND id = @DeliveryId
            ), healthy AS (
                UPDATE webhooks SET failing_since = NULL WHERE organisation_id = current_organisation_id() AND id = @webhookId
            )
            DELETE FROM jobs.webhook_dispatch WHERE delivery_id = @DeliveryId
            """, new { cmd.DeliveryId, cmd.At, webhookId }, ct);

        /// <summary>The next attempt at <paramref name="next"/>, or none (abandoned); returns since when the webhook has been failing.</summary>
        private Task<DateTimeOffset> RescheduleAsync(Command cmd, Guid webhookId, DateTimeOffset? next, CancellationToken ct) => db.QuerySingleAsync<DateTimeOffset>("""
            WITH rescheduled AS (
                UPDATE webhook_deliveries SET status = CASE WHEN @next::timestamptz IS NULL THEN 'abandoned' ELSE 'pending' END, next_attempt_at = @next
                WHERE organisation_id = current_organisation_id() AND id = @DeliveryId
            ), requeued AS (
                UPDATE jobs.webhook_dispatch SET next_attempt_at = @next WHERE delivery_id = @DeliveryId AND @next::timestamptz IS NOT NULL
            ), unqueued AS (
                DELETE FROM jobs.webhook_dispatch WHERE delivery_id = @DeliveryId AND @next::timestamptz IS NULL
            )
            UPDATE webhooks SET failing_since = coalesce(failing_since, @At)
            WHERE organisation_id = current_organisation_id() AND id = @webhookId
            RETURNING failing_since
            """, new { cmd.DeliveryId, cmd.At, next, webhookId }, ct);

        private static TimeSpan Delay(int failedAttempts, TimeSpan? retryAfter)
        {
            if (retryAfter is { } asked)
            {
                // Honoured, within the bounds of the schedule: not sooner than its first retry, not later than its last.
                return TimeSpan.FromTicks(Math.Clamp(asked.Ticks, Schedule[1].Ticks, Schedule[^1].Ticks));
            }

            return Schedule[failedAttempts] * (0.9 + (0.2 * Random.Shared.NextDouble()));
        }

        private async Task DisableAsync(Guid webhookId, string reason, DateTimeOffset at, CancellationToken ct)
        {
            var disabled = await db.QuerySingleOrDefaultAsync<WebhookDto>($"""
                WITH disabled AS (
                    UPDATE webhooks SET enabled = false, disabled_reason = @reason, version = version + 1, updated_at = @at
                    WHERE organisation_id = current_organisation_id() AND id = @webhookId AND enabled
                    RETURNING {WebhookDto.Columns}
                ), stopped AS (
                    UPDATE webhook_deliveries SET status = 'failed', next_attempt_at = NULL, last_error = @reason
                    WHERE organisation_id = current_organisation_id() AND webhook_id IN (SELECT id FROM disabled) AND status = 'pending'
                    RETURNING id
                ), unqueued AS (
                    DELETE FROM jobs.webhook_dispatch WHERE delivery_id IN (SELECT id FROM stopped)
                )
                SELECT {WebhookDto.Columns} FROM disabled
                """, new { webhookId, reason, at }, ct);
            if (disabled is not null)
            {
                await events.AppendAsync("webhook.disabled", "webhook", webhookId, disabled, ct);
            }
        }
    }
}
