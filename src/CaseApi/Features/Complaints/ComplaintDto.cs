using CaseApi.Infrastructure.Http;

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

    /// <summary>
    /// Handed to the lead supervisory authority (GDPR Art. 56(1), 60). The authority it was lodged with stays the
    /// complainant's contact (Art. 77(2), 60(7)-(9)); GDPR Art. 78(2)'s three months now run against the lead authority.
    /// </summary>
    Transferred,

    /// <summary>An authority decided: <c>decidedByDpaId</c> says which (GDPR Art. 60(7)-(9)).</summary>
    Decided,

    /// <summary>The decision is challenged in court (GDPR Art. 78(1), (3)): <c>appealedBy</c>, <c>appealCourt</c>, and a deadline of kind <c>appeal</c>.</summary>
    Appealed,

    /// <summary>Withdrawn by the complainant or the organisation.</summary>
    Withdrawn,

    /// <summary>Finished.</summary>
    Closed,
}

/// <summary>In whose right a complaint is lodged.</summary>
public enum OnBehalfOf
{
    /// <summary>For the complainants, under their mandate (GDPR Art. 80(1)): the mandate is named in <c>mandateDocument</c>.</summary>
    Complainants,

    /// <summary>In the organisation's own right, independently of a mandate (GDPR Art. 80(2)), where the law of the authority's Member State provides for it.</summary>
    Organisation,
}

/// <summary>Who brought an appeal against an authority's decision (GDPR Art. 78(1)).</summary>
public enum Appellant
{
    /// <summary>The complainants (through the organisation under their mandate, GDPR Art. 80(1)).</summary>
    Complainants,

    /// <summary>The organisation in its own right (GDPR Art. 80(2)).</summary>
    Organisation,

    /// <summary>The controller or processor the decision is against.</summary>
    Controller,
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
    /// <summary>The columns of the complaint; <see cref="Complainants"/> are read apart, for the keys that may see them.</summary>
    internal const string Columns = """
        id, case_id, defendant_id, dpa_id, on_behalf_of, mandate_document, mandate_signed_on, dpa_reference, filed_on, provisions, status,
        transferred_to_dpa_id, decision_outcome, decided_by_dpa_id, decided_on, fine_amount, fine_currency, appealed_by, appeal_court,
        version, created_at, updated_at
        """;

    /// <summary>The complaint's id.</summary>
    public Guid Id { get; init; }

    /// <summary>The case it belongs to.</summary>
    public Guid CaseId { get; init; }

    /// <summary>Whom it is against.</summary>
    public Guid DefendantId { get; init; }

    /// <summary>The authority it was lodged with (GDPR Art. 77(1)). It stays the complainant's contact after a transfer (Art. 77(2), 60(7)-(9)).</summary>
    public Guid DpaId { get; init; }

    /// <summary>In whose right it is lodged: under the complainants' mandate (GDPR Art. 80(1)) or in the organisation's own (Art. 80(2)).</summary>
    public OnBehalfOf OnBehalfOf { get; init; }

    /// <summary>The mandate (GDPR Art. 80(1)): the document in the organisation's files. Only for <c>onBehalfOf: complainants</c>.</summary>
    /// <example>Mandate Jane Doe, signed 2024-05-30.pdf</example>
    public string? MandateDocument { get; init; }

    /// <summary>When the mandate was signed.</summary>
    /// <example>2024-05-30</example>
    public DateOnly? MandateSignedOn { get; init; }

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

    /// <summary>The lead authority it was transferred to (GDPR Art. 56(1)).</summary>
    public Guid? TransferredToDpaId { get; init; }

    /// <summary>What the authority decided.</summary>
    public DecisionOutcome? DecisionOutcome { get; init; }

    /// <summary>
    /// The authority that adopted the decision: after a transfer, the one lodged with for a dismissal or rejection
    /// (GDPR Art. 60(8)), the lead one otherwise (Art. 60(7)). Remedies lie against it, before its Member State's courts (Art. 78(3)).
    /// </summary>
    public Guid? DecidedByDpaId { get; init; }

    /// <summary>When it decided.</summary>
    public DateOnly? DecidedOn { get; init; }

    /// <summary>Any fine imposed.</summary>
    public decimal? FineAmount { get; init; }

    /// <summary>The fine's currency (ISO 4217).</summary>
    /// <example>EUR</example>
    public string? FineCurrency { get; init; }

    /// <summary>Who appealed the decision (GDPR Art. 78(1)).</summary>
    public Appellant? AppealedBy { get; init; }

    /// <summary>The court the appeal is before (GDPR Art. 78(3): a court of the deciding authority's Member State).</summary>
    /// <example>Verwaltungsgericht Wiesbaden</example>
    public string? AppealCourt { get; init; }

    /// <summary>The complainants: only for lawyer and admin keys, null for others.</summary>
    public IReadOnlyList<ComplainantDto>? Complainants { get; init; }

    /// <summary>Changes with every update; send it back as <c>If-Match</c>.</summary>
    public int Version { get; init; }

    /// <summary>When it was recorded.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}
