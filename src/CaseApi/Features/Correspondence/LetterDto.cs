using System.Text.Json;
using CaseApi.Features.Deadlines;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Json;

namespace CaseApi.Features.Correspondence;

/// <summary>Which way a letter went.</summary>
public enum LetterDirection
{
    /// <summary>From the organisation; a draft until sent.</summary>
    Outgoing,

    /// <summary>To the organisation; recorded as received.</summary>
    Incoming,
}

/// <summary>What kind of letter it is.</summary>
public enum LetterType
{
    /// <summary>Abmahnung / cease-and-desist letter.</summary>
    CeaseAndDesist,

    /// <summary>A complaint sent to an authority.</summary>
    ComplaintSubmission,

    /// <summary>A request for information.</summary>
    RequestForInformation,

    /// <summary>A data subject's request under GDPR Art. 15–22 (starts the Art. 12(3) month).</summary>
    DataSubjectRequest,

    /// <summary>A reminder of an earlier letter.</summary>
    Reminder,

    /// <summary>A reply.</summary>
    Reply,

    /// <summary>A confirmation of receipt.</summary>
    Acknowledgement,

    /// <summary>An authority's decision.</summary>
    Decision,

    /// <summary>Anything else.</summary>
    Other,
}

/// <summary>How a letter travelled.</summary>
public enum LetterChannel
{
    /// <summary>E-mail.</summary>
    Email,

    /// <summary>Ordinary post.</summary>
    Post,

    /// <summary>Registered post (Einschreiben).</summary>
    RegisteredPost,

    /// <summary>Fax.</summary>
    Fax,

    /// <summary>Courier.</summary>
    Courier,

    /// <summary>An authority's or company's web portal.</summary>
    Portal,
}

/// <summary>Where a letter stands.</summary>
public enum LetterStatus
{
    /// <summary>An outgoing letter not sent yet; it can still be changed.</summary>
    Draft,

    /// <summary>An outgoing e-mail letter CaseApi is delivering through the organisation's SMTP server (issue 15): not accepted yet.</summary>
    Sending,

    /// <summary>An outgoing letter that was sent: for one CaseApi delivered, accepted by the organisation's SMTP server.</summary>
    Sent,

    /// <summary>An outgoing e-mail letter whose delivery gave up (<c>deliveryFailure</c> says why); it can be sent again.</summary>
    Failed,

    /// <summary>An incoming letter.</summary>
    Received,
}

/// <summary>A file attached to a letter.</summary>
public sealed record AttachmentDto
{
    /// <summary>The attachment's id.</summary>
    public Guid Id { get; init; }

    /// <summary>The file name.</summary>
    /// <example>abmahnung-meta-2025-04-30.pdf</example>
    public required string FileName { get; init; }

    /// <summary>The content type, checked against the file's bytes.</summary>
    /// <example>application/pdf</example>
    public required string ContentType { get; init; }

    /// <summary>Size in bytes.</summary>
    public long Size { get; init; }

    /// <summary>SHA-256 of the content, hex.</summary>
    public required string Sha256 { get; init; }
}

/// <summary>A letter in a case, outgoing or incoming.</summary>
public sealed record LetterDto : IVersioned
{
    /// <summary>The letter's id.</summary>
    public Guid Id { get; init; }

    /// <summary>The case.</summary>
    public Guid CaseId { get; init; }

    /// <summary>The complaint it belongs to, if any.</summary>
    public Guid? ComplaintId { get; init; }

    /// <summary>Which way it went.</summary>
    public LetterDirection Direction { get; init; }

    /// <summary>What kind of letter.</summary>
    public LetterType Type { get; init; }

    /// <summary>The other side, when a defendant.</summary>
    public Guid? DefendantId { get; init; }

    /// <summary>The other side, when an authority.</summary>
    public Guid? DpaId { get; init; }

    /// <summary>How it travelled.</summary>
    public LetterChannel Channel { get; init; }

    /// <summary>Subject line.</summary>
    /// <example>Unterlassungsaufforderung: KI-Training mit Nutzerdaten</example>
    public required string Subject { get; init; }

    /// <summary>The text.</summary>
    public string? Body { get; init; }

    /// <summary>The letter this one answers.</summary>
    public Guid? InReplyToId { get; init; }

    /// <summary>
    /// For an e-mail letter: its RFC 5322 Message-ID, without angle brackets. CaseApi gives an outgoing one when it is sent; an imported
    /// message keeps its own. A reply naming it in <c>In-Reply-To</c> or <c>References</c> is filed as the answer to this letter.
    /// </summary>
    /// <example>0193f2a4-6c1e-7d2a-9b4e-5f0a1c2d3e4f@caseapi.invalid</example>
    public string? MessageId { get; init; }

    /// <summary>
    /// For an e-mail letter: the address CaseApi delivers it to. Null to take the defendant's <c>email</c> or the authority's published complaint
    /// address when it is sent.
    /// </summary>
    /// <example>legal@meta.example</example>
    public string? RecipientAddress { get; init; }

    /// <summary>Where it stands.</summary>
    public LetterStatus Status { get; init; }

    /// <summary>For a <c>failed</c> letter: why delivery gave up, in CaseApi's words.</summary>
    /// <example>The server refused the message (550): the recipient address does not exist.</example>
    public string? DeliveryFailure { get; init; }

    /// <summary>When it was sent (outgoing).</summary>
    public DateTimeOffset? SentAt { get; init; }

    /// <summary>When it was received (incoming).</summary>
    public DateTimeOffset? ReceivedAt { get; init; }

    /// <summary>The day the other side received it (outgoing), as a delivery receipt shows; null while unknown. The GDPR Art. 12(3) month runs from it.</summary>
    /// <example>2026-04-30</example>
    public DateOnly? DeliveredOn { get; init; }

    /// <summary>For a reply to a cease-and-desist letter: what it is, as recorded.</summary>
    public CeaseAndDesistReply? CeaseAndDesistReply { get; init; }

    /// <summary>The response deadline it set, once sent with one.</summary>
    public DeadlineDto? Deadline { get; init; }

    /// <summary>Attached files.</summary>
    public required IReadOnlyList<AttachmentDto> Attachments { get; init; }

    /// <summary>Changes with every update; send it back as <c>If-Match</c>.</summary>
    public int Version { get; init; }

    /// <summary>When it was recorded.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}

// Not sealed: the sweep reads the reminders it drafts back with the deadline each is for.
// A twin of LetterDto because the DTO adds what other tables hold (the deadline the letter set, its attachments), and the sweep's drafted reminders extend it.
internal record LetterRow
{
    public const string Columns = """
        id, case_id, complaint_id, direction, type, defendant_id, dpa_id, channel, subject, body, in_reply_to_id, message_id, recipient_address, status, delivery_failure,
        sent_at, received_at, delivered_on, cease_and_desist_reply::text AS cease_and_desist_reply, version, created_at, updated_at
        """;

    public Guid Id { get; init; }

    public Guid CaseId { get; init; }

    public Guid? ComplaintId { get; init; }

    public required string Direction { get; init; }

    public required string Type { get; init; }

    public Guid? DefendantId { get; init; }

    public Guid? DpaId { get; init; }

    public required string Channel { get; init; }

    public required string Subject { get; init; }

    public string? Body { get; init; }

    public Guid? InReplyToId { get; init; }

    public string? MessageId { get; init; }

    public string? RecipientAddress { get; init; }

    public required string Status { get; init; }

    public string? DeliveryFailure { get; init; }

    public DateTimeOffset? SentAt { get; init; }

    public DateTimeOffset? ReceivedAt { get; init; }

    public DateOnly? DeliveredOn { get; init; }

    public string? CeaseAndDesistReply { get; init; }

    public int Version { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    public LetterDto ToDto(DeadlineDto? deadline, IReadOnlyList<AttachmentDto> attachments) => new()
    {
        Id = Id, CaseId = CaseId, ComplaintId = ComplaintId, Direction = SnakeCase.ToEnum<LetterDirection>(Direction),
        Type = SnakeCase.ToEnum<LetterType>(Type), DefendantId = DefendantId, DpaId = DpaId, Channel = SnakeCase.ToEnum<LetterChannel>(Channel),
        Subject = Subject, Body = Body, InReplyToId = InReplyToId, MessageId = MessageId, RecipientAddress = RecipientAddress,
        Status = SnakeCase.ToEnum<LetterStatus>(Status), DeliveryFailure = DeliveryFailure, SentAt = SentAt,
        ReceivedAt = ReceivedAt, DeliveredOn = DeliveredOn,
        CeaseAndDesistReply = CeaseAndDesistReply is null ? null : JsonSerializer.Deserialize<CeaseAndDesistReply>(CeaseAndDesistReply, JsonSetup.Api), Deadline = deadline, Attachments = attachments, Version = Version, CreatedAt = CreatedAt, UpdatedAt = UpdatedAt,
    };
}
