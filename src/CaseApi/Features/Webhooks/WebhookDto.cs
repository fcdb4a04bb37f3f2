using CaseApi.Infrastructure.Http;

namespace CaseApi.Features.Webhooks;

/// <summary>A URL that receives the organisation's events, signed as Standard Webhooks specifies. The secret is not shown again.</summary>
public sealed record WebhookDto : IVersioned
{
    internal const string Columns = "id, url, event_types, enabled, disabled_reason, failing_since, version, created_at, updated_at";

    /// <summary>The webhook's id.</summary>
    public Guid Id { get; init; }

    /// <summary>Where events are posted.</summary>
    /// <example>https://cases.example.org/caseapi-webhook</example>
    public required string Url { get; init; }

    /// <summary>The event types delivered; empty for all.</summary>
    /// <example>["letter.sent", "deadline.missed"]</example>
    public required string[] EventTypes { get; init; }

    /// <summary>Whether events are delivered. CaseApi turns it off when the receiver answers 410 Gone or has failed for three days.</summary>
    public bool Enabled { get; init; }

    /// <summary>Why CaseApi turned the webhook off, if it did.</summary>
    /// <example>The receiver answered 410 Gone.</example>
    public string? DisabledReason { get; init; }

    /// <summary>Since when every delivery has failed, if they have.</summary>
    public DateTimeOffset? FailingSince { get; init; }

    /// <summary>Changes with every update; send it back as <c>If-Match</c>.</summary>
    public int Version { get; init; }

    /// <summary>When the webhook was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>A webhook with its signing secret, shown this once: store it now.</summary>
/// <param name="Webhook">The webhook's record.</param>
/// <param name="Secret">The signing secret (<c>whsec_…</c>) to verify <c>webhook-signature</c> with.</param>
public sealed record WebhookWithSecretDto(WebhookDto Webhook, string Secret) : Infrastructure.Http.IVersioned
{
    // The webhook's version is the response's ETag; explicit, so that JSON shows it once, in webhook.
    int Infrastructure.Http.IVersioned.Version => Webhook.Version;
}
