using System.Text.Json.Serialization;
using CaseApi.Infrastructure.Http;

namespace CaseApi.Features.Cases;

/// <summary>Where a case stands.</summary>
public enum CaseStatus
{
    /// <summary>Being worked on.</summary>
    Open,

    /// <summary>Paused, e.g. while an authority investigates.</summary>
    OnHold,

    /// <summary>Finished; <c>outcome</c> says how.</summary>
    Closed,
}

/// <summary>A matter the organisation pursues: against one or more defendants, with complaints and correspondence.</summary>
public sealed record CaseDto : IVersioned
{
    /// <summary>
    /// The columns of <see cref="CaseDto"/> for a query whose cases table is aliased <c>c</c>. The defendants, the counts and
    /// the next deadline are the case's own columns, kept by triggers (migrations 0037 and 0042), not read per row per read (issue 16).
    /// </summary>
    internal const string Columns = """
        c.id, c.reference, c.mail_token, c.title, c.summary, c.status, c.outcome, c.legal_bases, c.tags, c.responsible_lawyer, c.opened_on, c.closed_on,
        c.version, c.created_at, c.updated_at,
        c.defendant_ids, c.complaint_count, c.letter_count, c.open_deadline_count, c.next_deadline_id, c.next_deadline_due_at
        """;

    /// <summary>The case's id.</summary>
    public Guid Id { get; init; }

    /// <summary>The organisation's own file reference, unique within the organisation.</summary>
    /// <example>VZ-2025-0142</example>
    public required string Reference { get; init; }

    /// <summary>
    /// The case's random mail token: replies to <c>cases+{mailToken}@</c> the organisation's mailbox are filed in this case (see the README's
    /// matching rules). Unguessable, unlike the reference.
    /// </summary>
    /// <example>3f9c2a7e5b1d08c46a92</example>
    public required string MailToken { get; init; }

    /// <summary>Title.</summary>
    /// <example>Meta: training AI on EU users' posts</example>
    public required string Title { get; init; }

    /// <summary>Summary of the matter.</summary>
    public string? Summary { get; init; }

    /// <summary>Where the case stands.</summary>
    public CaseStatus Status { get; init; }

    /// <summary>How the case ended; set when it is closed.</summary>
    public string? Outcome { get; init; }

    /// <summary>The provisions the case relies on.</summary>
    /// <example>["GDPR Art. 6(1)(f)", "GDPR Art. 21"]</example>
    public required string[] LegalBases { get; init; }

    /// <summary>Free tags for grouping and filtering.</summary>
    /// <example>["ai-training", "meta"]</example>
    public required string[] Tags { get; init; }

    /// <summary>The defendants the case is against.</summary>
    public required Guid[] DefendantIds { get; init; }

    /// <summary>The defendants with their names, in the order of <c>defendantIds</c>; only with <c>expand=defendants</c>, left out otherwise.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<CaseDefendantDto>? Defendants { get; init; }

    /// <summary>The lawyer responsible, by name.</summary>
    public string? ResponsibleLawyer { get; init; }

    /// <summary>When the case was opened.</summary>
    public DateOnly OpenedOn { get; init; }

    /// <summary>When it was closed.</summary>
    public DateOnly? ClosedOn { get; init; }

    /// <summary>How many complaints the case has.</summary>
    public int ComplaintCount { get; init; }

    /// <summary>How many letters, in and out.</summary>
    public int LetterCount { get; init; }

    /// <summary>How many deadlines are running.</summary>
    public int OpenDeadlineCount { get; init; }

    /// <summary>The running deadline that expires first.</summary>
    public Guid? NextDeadlineId { get; init; }

    /// <summary>When it expires.</summary>
    public DateTimeOffset? NextDeadlineDueAt { get; init; }

    /// <summary>Changes with every update; send it back as <c>If-Match</c>.</summary>
    public int Version { get; init; }

    /// <summary>When the case was recorded.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>A defendant as a case names it, for lists that show names without a request per case.</summary>
public sealed record CaseDefendantDto
{
    /// <summary>The defendant's id.</summary>
    public Guid Id { get; init; }

    /// <summary>The registered legal name.</summary>
    /// <example>Meta Platforms Ireland Limited</example>
    public required string LegalName { get; init; }
}
