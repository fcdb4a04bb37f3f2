using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Json;

namespace CaseApi.Features.Complaints;

/// <summary>Where a complaint stands with the authority.</summary>
public enum ComplaintStatus
{
    /// <summary>Being prepared.</summary>
    Draft,

    /// <summary>Lodged with the authority.</summary>
    Filed,

    /// <summary>The authority confirmed receipt.</summary>
    Acknowledged,

    /// <summary>The authority is investigating.</summary>
    UnderInvestigation,

    /// <summary>Handed to the lead supervisory authority (GDPR Art. 56, 60).</summary>
    Transferred,

    /// <summary>The authority decided.</summary>
    Decided,

    /// <summary>The decision is challenged in court (GDPR Art. 78).</summary>
    Appealed,

    /// <summary>Withdrawn by the complainant or the organisation.</summary>
    Withdrawn,

    /// <summary>Finished.</summary>
    Closed,
}

/// <summary>On whose behalf a complaint is lodged.</summary>
public enum OnBehalfOf
{
    /// <summary>Mandated by the data subjects (GDPR Art. 80(1)).</summary>
    Complainants,

    /// <summary>In the organisation's own name (GDPR Art. 80(2)).</summary>
    Organisation,
}

/// <summary>What the authority decided.</summary>
public enum DecisionOutcome
{
    /// <summary>The complaint was upheld.</summary>
    Upheld,

    /// <summary>Upheld in part.</summary>
    PartiallyUpheld,

    /// <summary>Rejected on the merits.</summary>
    Rejected,

    /// <summary>Dismissed without a decision on the merits.</summary>
    Dismissed,

    /// <summary>Settled amicably (GDPR recital 131).</summary>
    Settled,
}

/// <summary>A person on whose behalf a complaint is lodged. Personal data: shown to lawyer and admin keys only.</summary>
public sealed record ComplainantDto
{
    internal const string Columns = "id, complaint_id, name, email, postal_address, phone, erased_at";

    /// <summary>The complainant's id.</summary>
    public Guid Id { get; init; }

    /// <summary>The complaint.</summary>
    public Guid ComplaintId { get; init; }

    /// <summary>Name; "Erased complainant" after erasure.</summary>
    /// <example>Jane Doe</example>
    public required string Name { get; init; }

    /// <summary>E-mail address.</summary>
    /// <example>jane@example.org</example>
    public string? Email { get; init; }

    /// <summary>Postal address.</summary>
    public string? PostalAddress { get; init; }

    /// <summary>Phone number.</summary>
    public string? Phone { get; init; }

    /// <summary>When the personal data was erased, if it was.</summary>
    public DateTimeOffset? ErasedAt { get; init; }
}

/// <summary>A complaint to a data protection authority, within a case.</summary>
public sealed record ComplaintDto : IVersioned
{
    /// <summary>The complaint's id.</summary>
    public Guid Id { get; init; }

    /// <summary>The case it belongs to.</summary>
    public Guid CaseId { get; init; }

    /// <summary>Whom it is against.</summary>
    public Guid DefendantId { get; init; }

    /// <summary>The authority it was lodged with.</summary>
    public Guid DpaId { get; init; }

    /// <summary>On whose behalf it is lodged.</summary>
    public OnBehalfOf OnBehalfOf { get; init; }

    /// <summary>The authority's reference number.</summary>
    /// <example>C-24-6-123</example>
    public string? DpaReference { get; init; }

    /// <summary>When it was lodged.</summary>
    /// <example>2024-06-06</example>
    public DateOnly? FiledOn { get; init; }

    /// <summary>The provisions invoked.</summary>
    /// <example>["GDPR Art. 6(1)", "GDPR Art. 9(1)", "GDPR Art. 21"]</example>
    public required string[] Provisions { get; init; }

    /// <summary>Where it stands.</summary>
    public ComplaintStatus Status { get; init; }

    /// <summary>The lead authority it was transferred to.</summary>
    public Guid? TransferredToDpaId { get; init; }

    /// <summary>What the authority decided.</summary>
    public DecisionOutcome? DecisionOutcome { get; init; }

    /// <summary>When it decided.</summary>
    public DateOnly? DecidedOn { get; init; }

    /// <summary>Any fine imposed.</summary>
    public decimal? FineAmount { get; init; }

    /// <summary>The fine's currency (ISO 4217).</summary>
    /// <example>EUR</example>
    public string? FineCurrency { get; init; }

    /// <summary>The complainants: only for lawyer and admin keys, null for others.</summary>
    public IReadOnlyList<ComplainantDto>? Complainants { get; init; }

    /// <summary>Changes with every update; send it back as <c>If-Match</c>.</summary>
    public int Version { get; init; }

    /// <summary>When it was recorded.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}

internal sealed record ComplaintRow
{
    public const string Columns = """
        id, case_id, defendant_id, dpa_id, on_behalf_of, dpa_reference, filed_on, provisions, status, transferred_to_dpa_id,
        decision_outcome, decided_on, fine_amount, fine_currency, version, created_at, updated_at
        """;

    public Guid Id { get; init; }

    public Guid CaseId { get; init; }

    public Guid DefendantId { get; init; }

    public Guid DpaId { get; init; }

    public required string OnBehalfOf { get; init; }

    public string? DpaReference { get; init; }

    public DateOnly? FiledOn { get; init; }

    public required string[] Provisions { get; init; }

    public required string Status { get; init; }

    public Guid? TransferredToDpaId { get; init; }

    public string? DecisionOutcome { get; init; }

    public DateOnly? DecidedOn { get; init; }

    public decimal? FineAmount { get; init; }

    public string? FineCurrency { get; init; }

    public int Version { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    public ComplaintDto ToDto(IReadOnlyList<ComplainantDto>? complainants) => new()
    {
        Id = Id, CaseId = CaseId, DefendantId = DefendantId, DpaId = DpaId, OnBehalfOf = SnakeCase.ToEnum<OnBehalfOf>(OnBehalfOf),
        DpaReference = DpaReference, FiledOn = FiledOn, Provisions = Provisions, Status = SnakeCase.ToEnum<ComplaintStatus>(Status),
        TransferredToDpaId = TransferredToDpaId, DecisionOutcome = DecisionOutcome is null ? null : SnakeCase.ToEnum<DecisionOutcome>(DecisionOutcome),
        DecidedOn = DecidedOn, FineAmount = FineAmount, FineCurrency = FineCurrency, Complainants = complainants,
        Version = Version, CreatedAt = CreatedAt, UpdatedAt = UpdatedAt,
    };
}
