using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Json;

namespace CaseApi.Features.Deadlines;

/// <summary>What a deadline is for.</summary>
public enum DeadlineKind
{
    /// <summary>The reply to a letter we sent, by the date or period the letter set.</summary>
    Response,

    /// <summary>GDPR Art. 78(2): the authority must inform the complainant of progress within three months.</summary>
    DpaProgress,

    /// <summary>GDPR Art. 12(3): the controller must answer a data subject's request within one month (extendable by two).</summary>
    DataSubjectRequest,

    /// <summary>GDPR Art. 78(1), (3): by when an appeal against an authority's decision must be brought or pursued, as the court or national procedure sets it.</summary>
    Appeal,

    /// <summary>A step the organisation must take itself (apply, appeal, enforce, bring an action, register), set by a recorded event, or an authority's time limit on a complaint under Reg. (EU) 2025/2518; <c>rule</c> says which.</summary>
    Procedural,
}

/// <summary>Where a deadline stands.</summary>
public enum DeadlineStatus
{
    /// <summary>Running.</summary>
    Open,

    /// <summary>Answered: <c>metAt</c> says when (after <c>dueAt</c> when the answer came late).</summary>
    Met,

    /// <summary>Passed without an answer.</summary>
    Missed,

    /// <summary>Missed, and escalated further.</summary>
    Escalated,

    /// <summary>No longer needed; <c>waivedReason</c> says why.</summary>
    Waived,

    /// <summary>
    /// Answered with a refusal, a partial declaration or a declaration the organisation does not accept as adequate (a reply to a
    /// cease-and-desist letter); <c>metByLetterId</c> names that reply. Not reminded about: the case is escalated at once.
    /// </summary>
    Refused,
}

/// <summary>A deadline: its last day, the instant it expires, and how it was computed.</summary>
public sealed record DeadlineDto : IVersioned
{
    /// <summary>The deadline's id.</summary>
    public Guid Id { get; init; }

    /// <summary>The case.</summary>
    public Guid CaseId { get; init; }

    /// <summary>What it is for.</summary>
    public DeadlineKind Kind { get; init; }

    /// <summary>The rule it follows: a code of the catalogue at <c>GET /v1/deadline-rules</c>.</summary>
    /// <example>zpo.appeal_517</example>
    public required string Rule { get; init; }

    /// <summary>The court proceeding it belongs to, when the event that set it came from one.</summary>
    public Guid? ProceedingId { get; init; }

    /// <summary>The letter whose reply it awaits, for response and Art. 12(3) deadlines.</summary>
    public Guid? LetterId { get; init; }

    /// <summary>The complaint, for Art. 78(2) deadlines.</summary>
    public Guid? ComplaintId { get; init; }

    /// <summary>Who must act: a defendant…</summary>
    public Guid? DefendantId { get; init; }

    /// <summary>…or an authority.</summary>
    public Guid? DpaId { get; init; }

    /// <summary>The day of the event the period runs from (not itself counted).</summary>
    /// <example>2025-04-30</example>
    public DateOnly StartsOn { get; init; }

    /// <summary>The period, as ISO 8601, when the deadline was set as one.</summary>
    /// <example>P1M</example>
    public string? Period { get; init; }

    /// <summary>The last day, a date in the organisation's time zone.</summary>
    /// <example>2025-05-30</example>
    public DateOnly DueDate { get; init; }

    /// <summary>The instant the deadline expires: the end of <c>dueDate</c> in the organisation's time zone.</summary>
    /// <example>2025-05-30T22:00:00+00:00</example>
    public DateTimeOffset DueAt { get; init; }

    /// <summary>How the date was computed, for a lawyer to check.</summary>
    /// <example>P1M from 2025-04-30: 2025-05-30, a Friday.</example>
    public required string Computation { get; init; }

    /// <summary>Where it stands.</summary>
    public DeadlineStatus Status { get; init; }

    /// <summary>When it was met.</summary>
    public DateTimeOffset? MetAt { get; init; }

    /// <summary>The letter that met it, or that refused it.</summary>
    public Guid? MetByLetterId { get; init; }

    /// <summary>Why it was waived.</summary>
    public string? WaivedReason { get; init; }

    /// <summary>Changes with every update; send it back as <c>If-Match</c>.</summary>
    public int Version { get; init; }

    /// <summary>When it was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}

// Not sealed: the sweep reads a missed deadline's row together with what it needs to escalate it.
// A twin of DeadlineDto because the law's arithmetic needs columns the API does not show (the unmoved last day, the extension), and the sweep's missed deadlines extend it.
internal record DeadlineRow
{
    public const string Columns = """
        id, case_id, kind, rule, proceeding_id, letter_id, complaint_id, defendant_id, dpa_id, starts_on, period, due_date, due_at, computation, status,
        met_at, met_by_letter_id, waived_reason, version, created_at, updated_at,
        coalesce(last_day, due_date) AS last_day, extended_at, extended_by
        """;

    public Guid Id { get; init; }

    public Guid CaseId { get; init; }

    public required string Kind { get; init; }

    public required string Rule { get; init; }

    public Guid? ProceedingId { get; init; }

    public Guid? LetterId { get; init; }

    public Guid? ComplaintId { get; init; }

    public Guid? DefendantId { get; init; }

    public Guid? DpaId { get; init; }

    public DateOnly StartsOn { get; init; }

    public string? Period { get; init; }

    public DateOnly DueDate { get; init; }

    public DateTimeOffset DueAt { get; init; }

    public required string Computation { get; init; }

    public required string Status { get; init; }

    public DateTimeOffset? MetAt { get; init; }

    public Guid? MetByLetterId { get; init; }

    public string? WaivedReason { get; init; }

    public int Version { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    // Kept for the law's arithmetic, not shown: the computation names the unmoved last day and the extension.
    public DateOnly LastDay { get; init; }

    public DateTimeOffset? ExtendedAt { get; init; }

    public string? ExtendedBy { get; init; }

    public ComputedDeadline Computed() => new(StartsOn, LastDay, DueDate, DueAt, Computation);

    public DeadlineDto ToDto() => new()
    {
        Id = Id, CaseId = CaseId, Kind = SnakeCase.ToEnum<DeadlineKind>(Kind), Rule = Rule, ProceedingId = ProceedingId, LetterId = LetterId, ComplaintId = ComplaintId, DefendantId = DefendantId, DpaId = DpaId,
        StartsOn = StartsOn, Period = Period, DueDate = DueDate, DueAt = DueAt, Computation = Computation,
        Status = SnakeCase.ToEnum<DeadlineStatus>(Status), MetAt = MetAt, MetByLetterId = MetByLetterId, WaivedReason = WaivedReason,
        Version = Version, CreatedAt = CreatedAt, UpdatedAt = UpdatedAt,
    };
}
