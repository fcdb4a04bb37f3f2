using CaseApi.Infrastructure.Data;

namespace CaseApi.Features.Webhooks;

/// <summary>One event delivered, or being delivered, to one webhook, with every attempt.</summary>
public sealed record WebhookDeliveryDto
{
    internal const string Columns = "id, webhook_id, event_id, status, attempts, next_attempt_at, last_status_code, last_error, created_at, delivered_at";

    /// <summary>The delivery's id, sent as <c>webhook-id</c>: the same on every attempt, so that a receiver can drop duplicates.</summary>
    public Guid Id { get; init; }

    /// <summary>The webhook.</summary>
    public Guid WebhookId { get; init; }

    /// <summary>The event delivered (its <c>id</c> in the body and in the change feed).</summary>
    public Guid EventId { get; init; }

    /// <summary><c>pending</c> (an attempt is due at <c>nextAttemptAt</c>), <c>delivered</c>, <c>failed</c> (the webhook was turned off) or <c>abandoned</c> (every retry failed).</summary>
    /// <example>delivered</example>
    public required string Status { get; init; }

    /// <summary>Attempts made.</summary>
    public int Attempts { get; init; }

    /// <summary>When the next attempt is due, while pending.</summary>
    public DateTimeOffset? NextAttemptAt { get; init; }

    /// <summary>The HTTP status of the last answer, if there was one.</summary>
    public int? LastStatusCode { get; init; }

    /// <summary>What went wrong last, if anything.</summary>
    public string? LastError { get; init; }

    /// <summary>When the event was queued for this webhook.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When a 2xx answer came.</summary>
    public DateTimeOffset? DeliveredAt { get; init; }

    /// <summary>Every attempt, first first.</summary>
    public IReadOnlyList<WebhookAttemptDto> AttemptLog { get; init; } = [];

    /// <summary>The deliveries with their attempts, read in one more query.</summary>
    internal static async Task<IReadOnlyList<WebhookDeliveryDto>> WithAttemptsAsync(DbSession db, IReadOnlyList<WebhookDeliveryDto> deliveries, CancellationToken ct)
    {
        var attempts = (await db.QueryAsync<WebhookAttemptDto>("""
            SELECT delivery_id, attempt, at, status_code, error, duration_ms FROM webhook_attempts
            WHERE organisation_id = current_organisation_id() AND delivery_id = ANY (@ids)
            ORDER BY delivery_id, attempt
            """, new { ids = deliveries.Select(d => d.Id).ToArray() }, ct)).ToLookup(a => a.DeliveryId);
        return deliveries.Select(d => d with { AttemptLog = attempts[d.Id].ToArray() }).ToArray();
    }
}

/// <summary>One attempt to deliver.</summary>
public sealed record WebhookAttemptDto
{
    /// <summary>The delivery.</summary>
    public Guid DeliveryId { get; init; }

    /// <summary>1 for the first attempt.</summary>
    public int Attempt { get; init; }

    /// <summary>When it was made.</summary>
    public DateTimeOffset At { get; init; }

    /// <summary>The receiver's HTTP status; none when no answer came.</summary>
    public int? StatusCode { get; init; }

    /// <summary>What went wrong, if anything.</summary>
    /// <example>Timed out after 15 seconds.</example>
    public string? Error { get; init; }

    /// <summary>How long it took.</summary>
    public int DurationMs { get; init; }
}
