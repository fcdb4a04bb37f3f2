using CaseApi.Features.Correspondence;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;

namespace CaseApi.Features.Obligations;

/// <summary>A recorded breach of an obligation.</summary>
public sealed record BreachDto
{
    /// <summary>The breach's id.</summary>
    public Guid Id { get; init; }

    /// <summary>The day of the breach.</summary>
    /// <example>2025-06-03</example>
    public DateOnly OccurredOn { get; init; }

    /// <summary>The day the organisation learnt of it (BGB § 199(1) no. 2).</summary>
    /// <example>2025-06-10</example>
    public DateOnly KnownOn { get; init; }

    /// <summary>What happened.</summary>
    public required string Description { get; init; }

    /// <summary>The limitation of the penalty claim it started (rule <c>bgb.penalty_limitation_195</c>).</summary>
    public Guid DeadlineId { get; init; }

    /// <summary>When it was recorded.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Whose breach it is; internal, so not in the JSON, where the breach is shown inside its obligation.</summary>
    internal Guid ObligationId { get; init; }
}

/// <summary>A declaration to cease and desist the organisation accepted: the defendant's obligation, with its penalty clause.</summary>
public sealed record ObligationDto : IVersioned
{
    /// <summary>The obligation's id.</summary>
    public Guid Id { get; init; }

    /// <summary>The case.</summary>
    public Guid CaseId { get; init; }

    /// <summary>The defendant bound by it.</summary>
    public Guid DefendantId { get; init; }

    /// <summary>The incoming letter that carried the declaration.</summary>
    public Guid LetterId { get; init; }

    /// <summary>The penalty clause.</summary>
    public required Penalty Penalty { get; init; }

    /// <summary>The day the declaration was received.</summary>
    /// <example>2025-05-12</example>
    public DateOnly SignedOn { get; init; }

    /// <summary>Breaches recorded, oldest first.</summary>
    public required IReadOnlyList<BreachDto> Breaches { get; init; }

    /// <summary>Changes with every breach recorded.</summary>
    public int Version { get; init; }

    /// <summary>When it was recorded.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}

internal static class ObligationReader
{
    // A twin of ObligationDto because the DTO nests the penalty (three columns) and the breaches (another table).
    private sealed record Row
    {
        public Guid Id { get; init; }

        public Guid CaseId { get; init; }

        public Guid DefendantId { get; init; }

        public Guid LetterId { get; init; }

        public PenaltyKind PenaltyKind { get; init; }

        public decimal? PenaltyAmount { get; init; }

        public string? PenaltyCurrency { get; init; }

        public DateOnly SignedOn { get; init; }

        public int Version { get; init; }

        public DateTimeOffset CreatedAt { get; init; }

        public DateTimeOffset UpdatedAt { get; init; }
    }

    private const string Select = """
        SELECT id, case_id, defendant_id, letter_id, penalty_kind, penalty_amount, penalty_currency, signed_on, version, created_at, updated_at
        FROM defendant_obligations WHERE organisation_id = current_organisation_id()
        """;

    public static async Task<ObligationDto?> LoadAsync(DbSession db, Guid id, CancellationToken ct, bool forUpdate = false) =>
        (await WithBreachesAsync(db, await db.QueryAsync<Row>($"{Select} AND id = @id{(forUpdate ? " FOR UPDATE" : "")}", new { id }, ct), ct)).SingleOrDefault();

    /// <summary>The case's obligations, oldest first.</summary>
    public static async Task<IReadOnlyList<ObligationDto>> LoadForCaseAsync(DbSession db, Guid caseId, CancellationToken ct) =>
        await WithBreachesAsync(db, await db.QueryAsync<Row>($"{Select} AND case_id = @caseId ORDER BY id", new { caseId }, ct), ct);

    private static async Task<IReadOnlyList<ObligationDto>> WithBreachesAsync(DbSession db, IReadOnlyList<Row> rows, CancellationToken ct)
    {
        var breaches = (await db.QueryAsync<BreachDto>("""
            SELECT id, obligation_id, occurred_on, known_on, description, deadline_id, created_at FROM obligation_breaches
            WHERE organisation_id = current_organisation_id() AND obligation_id = ANY (@ids)
            ORDER BY id
            """, new { ids = rows.Select(r => r.Id).ToArray() }, ct)).ToLookup(b => b.ObligationId);
        return rows.Select(r => new ObligationDto
        {
            Id = r.Id, CaseId = r.CaseId, DefendantId = r.DefendantId, LetterId = r.LetterId,
            Penalty = new Penalty { Kind = r.PenaltyKind, Amount = r.PenaltyAmount, Currency = r.PenaltyCurrency },
            SignedOn = r.SignedOn, Version = r.Version, CreatedAt = r.CreatedAt, UpdatedAt = r.UpdatedAt, Breaches = breaches[r.Id].ToArray(),
        }).ToArray();
    }
}
