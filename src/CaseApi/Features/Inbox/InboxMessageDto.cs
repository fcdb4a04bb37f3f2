using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;

namespace CaseApi.Features.Inbox;

/// <summary>Where a message of the inbox stands in triage.</summary>
public enum InboxStatus
{
    /// <summary>Waiting for someone to assign it to a case or dismiss it.</summary>
    New,

    /// <summary>Recorded as an incoming letter of a case (<c>letterId</c>).</summary>
    Assigned,

    /// <summary>Set aside as belonging to no case (spam, a newsletter, a message for someone else).</summary>
    Dismissed,
}

/// <summary>Why the mailbox poller did not file the message in a case itself.</summary>
public enum InboxReason
{
    /// <summary>No In-Reply-To/References, reply address or case reference in the subject named a case of the organisation.</summary>
    Unmatched,

    /// <summary>The message names a case (<c>suggestedCaseId</c>), but not who sent it: it answers no letter, and the case has not exactly one defendant.</summary>
    SenderUnknown,

    /// <summary>The message cannot be recorded as a letter as it is (not a readable message, too many attachments, an attachment refused), or its import failed again and again; <c>detail</c> says why.</summary>
    Refused,
}

/// <summary>A message from the organisation's mailbox that the poller could not file in a case (issue 15 point 3).</summary>
public sealed record InboxMessageDto : IVersioned
{
    public Guid Id { get; init; }

    /// <summary>Where it stands in triage.</summary>
    public InboxStatus Status { get; init; }

    /// <summary>Why it is here.</summary>
    public InboxReason Reason { get; init; }

    /// <summary>The reason in words.</summary>
    /// <example>No In-Reply-To/References, reply address or case reference in the subject names a case of the organisation.</example>
    public required string Detail { get; init; }

    /// <summary>For <c>sender_unknown</c>: the case the message names.</summary>
    public Guid? SuggestedCaseId { get; init; }

    /// <summary>The message's Message-ID, without angle brackets.</summary>
    /// <example>8f1c2e@mail.meta.example</example>
    public string? MessageId { get; init; }

    /// <summary>The subject, as a letter would take it.</summary>
    /// <example>Ihre Anfrage vom 30. April</example>
    public required string Subject { get; init; }

    /// <summary>The sender's address (From).</summary>
    /// <example>legal@meta.example</example>
    public string? From { get; init; }

    /// <summary>The message's Date (now, when it had none or one in the future).</summary>
    public DateTimeOffset ReceivedAt { get; init; }

    /// <summary>The message's size in bytes; the message itself is at <c>GET /v1/inbox/{id}/original</c>.</summary>
    public long Size { get; init; }

    /// <summary>Once assigned: the case.</summary>
    public Guid? CaseId { get; init; }

    /// <summary>Once assigned: the incoming letter it became.</summary>
    public Guid? LetterId { get; init; }

    /// <summary>Once dismissed: why, if given.</summary>
    public string? DismissedReason { get; init; }

    /// <summary>The version, for <c>If-Match</c>.</summary>
    public int Version { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    internal const string Columns = """
        id, status, reason, detail, suggested_case_id, message_id, subject, from_address AS "from", received_at, size, case_id, letter_id,
        dismissed_reason, version, created_at, updated_at
        """;

    internal static Task<InboxMessageDto?> LoadAsync(DbSession db, Guid id, CancellationToken ct) =>
        db.QuerySingleOrDefaultAsync<InboxMessageDto>(
            $"SELECT {Columns} FROM inbox_messages WHERE organisation_id = current_organisation_id() AND id = @id", new { id }, ct);
}
