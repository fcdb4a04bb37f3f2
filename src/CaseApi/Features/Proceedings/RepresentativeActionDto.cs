using CaseApi.Features.Deadlines;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Json;

namespace CaseApi.Features.Proceedings;

/// <summary>The list that makes a body a qualified entity entitled to bring representative actions (VDuG § 2(1)).</summary>
public enum QualifiedEntityList
{
    /// <summary>A qualified consumer association on the Federal Office of Justice's list under UKlaG § 4 (VDuG § 2(1) no. 1).</summary>
    Uklag,

    /// <summary>A qualified entity of another member state on the Commission's list under Directive (EU) 2020/1828 Art. 5(1) sentence 4 (VDuG § 2(1) no. 2).</summary>
    EuDirective,
}

/// <summary>Where the implementation of a representative action stands.</summary>
public enum ImplementationStage
{
    /// <summary>Nothing decided or agreed yet.</summary>
    None,

    /// <summary>A judgment on the merits (Abhilfegrundurteil, VDuG § 16; for a model declaratory action its judgment, § 41).</summary>
    JudgmentOnMerits,

    /// <summary>A court settlement (VDuG § 9), with the consumers' exit from it (§ 10).</summary>
    Settlement,

    /// <summary>The implementation procedure (Umsetzungsverfahren, VDuG §§ 22 ff.): Sachwalter (§ 23), opening (§ 24), Umsetzungsfonds (§ 25).</summary>
    Implementation,

    /// <summary>Ended: the end of the implementation procedure was established, or the action ended otherwise (VDuG § 44 nos. 16, 17).</summary>
    Closed,
}

/// <summary>The qualified entity that brings the action.</summary>
public sealed record QualifiedEntity
{
    /// <summary>Its name.</summary>
    /// <example>Verbraucherzentrale Bundesverband e.V.</example>
    public required string Name { get; init; }

    /// <summary>The list it is on (VDuG § 2(1) no. 1 or no. 2).</summary>
    /// <example>uklag</example>
    public required QualifiedEntityList List { get; init; }
}

/// <summary>The number of affected consumers the statute asks for, and whether the register's count shows it.</summary>
public sealed record RepresentativeThreshold
{
    /// <summary>VDuG § 4(1): the action is admissible only if the entity shows plausibly that at least 50 consumers can be affected.</summary>
    public const int Minimum = 50;

    /// <summary>The minimum number of consumers.</summary>
    /// <example>50</example>
    public int MinimumConsumers { get; init; }

    /// <summary>The provision.</summary>
    /// <example>VDuG § 4(1) sentence 1 no. 1</example>
    public required string Basis { get; init; }

    /// <summary>The latest count of consumers registered (by <c>countedOn</c>), or null while none is recorded.</summary>
    public int? LatestRegistered { get; init; }

    /// <summary>The day of that count.</summary>
    public DateOnly? LatestCountedOn { get; init; }

    /// <summary>
    /// Whether the latest count reaches the minimum. § 4(1) asks for a plausible showing that 50 consumers can be affected, not for 50
    /// registrations: false means the register does not yet prove it, not that the action is inadmissible.
    /// </summary>
    public bool Met { get; init; }
}

/// <summary>The representative side of a redress or model declaratory action (VDuG).</summary>
public sealed record RepresentativeActionDto : IVersioned
{
    /// <summary>The proceeding.</summary>
    public Guid ProceedingId { get; init; }

    /// <summary>Redress action (Abhilfeklage) or model declaratory action (Musterfeststellungsklage).</summary>
    /// <example>redress_action</example>
    public ProceedingKind Kind { get; init; }

    /// <summary>Who brings it (VDuG § 2(1)); null until recorded.</summary>
    public QualifiedEntity? QualifiedEntity { get; init; }

    /// <summary>The day the action was published in the Verbandsklageregister (VDuG § 44).</summary>
    /// <example>2025-06-02</example>
    public DateOnly? RegisterEntryOn { get; init; }

    /// <summary>
    /// Read-only: the last day consumers can register or withdraw (VDuG § 46(1), (4)): the due date of the proceeding's
    /// <c>vdug.register_closing_46</c> deadline, opened when the oral hearing closes. Null before that.
    /// </summary>
    public DateOnly? RegisterClosesOn { get; init; }

    /// <summary>Where implementation stands.</summary>
    /// <example>none</example>
    public ImplementationStage ImplementationStage { get; init; }

    /// <summary>The statutory threshold (VDuG § 4(1)) and the register's count against it.</summary>
    public required RepresentativeThreshold Threshold { get; init; }

    /// <summary>How many consumers the organisation keeps personal data of for this action (their details: lawyer and admin keys only).</summary>
    public int ConsumersKept { get; init; }

    /// <summary>Changes with every update; 0 while nothing was recorded. Send it back as <c>If-Match</c>.</summary>
    public int Version { get; init; }
}

/// <summary>A count of consumers registered, from the Federal Office of Justice's register.</summary>
public sealed record RegistrationCountDto
{
    internal const string Columns = "id, proceeding_id, counted_on, registered, source, recorded_at";

    /// <summary>The count's id.</summary>
    public Guid Id { get; init; }

    /// <summary>The proceeding.</summary>
    public Guid ProceedingId { get; init; }

    /// <summary>The day the register showed the count.</summary>
    /// <example>2025-07-01</example>
    public DateOnly CountedOn { get; init; }

    /// <summary>Consumers registered.</summary>
    /// <example>1234</example>
    public int Registered { get; init; }

    /// <summary>Where the number comes from.</summary>
    /// <example>Bundesamt für Justiz, Verbandsklageregister</example>
    public required string Source { get; init; }

    /// <summary>When it was recorded.</summary>
    public DateTimeOffset RecordedAt { get; init; }

    /// <summary>The list's keyset, in the order recorded; internal, so not in the JSON.</summary>
    internal long Seq { get; init; }
}

/// <summary>A court settlement in a representative action (VDuG § 9).</summary>
public sealed record SettlementDto
{
    internal const string Columns = "id, proceeding_id, approved_on, served_on, published_on, summary, opt_out_deadline_id, recorded_at";

    /// <summary>The settlement's id.</summary>
    public Guid Id { get; init; }

    /// <summary>The proceeding.</summary>
    public Guid ProceedingId { get; init; }

    /// <summary>The day the court approved it (VDuG § 9(2)).</summary>
    /// <example>2025-08-28</example>
    public DateOnly ApprovedOn { get; init; }

    /// <summary>The day it was served on the parties, where known.</summary>
    public DateOnly? ServedOn { get; init; }

    /// <summary>The day it was published (bekanntgegeben) in the Verbandsklageregister: the opt-out period runs from it (VDuG § 10(1) sentence 2).</summary>
    /// <example>2025-09-04</example>
    public DateOnly PublishedOn { get; init; }

    /// <summary>What was agreed.</summary>
    public required string Summary { get; init; }

    /// <summary>The deadline for registered consumers to leave the settlement (rule <c>vdug.settlement_opt_out_10</c>).</summary>
    public Guid OptOutDeadlineId { get; init; }

    /// <summary>When it was recorded.</summary>
    public DateTimeOffset RecordedAt { get; init; }

    /// <summary>The list's keyset, in the order recorded; internal, so not in the JSON.</summary>
    internal long Seq { get; init; }
}

/// <summary>A consumer the organisation advises in a representative action: personal data (lawyer and admin keys only).</summary>
public sealed record RepresentedConsumerDto
{
    internal const string Columns = "id, proceeding_id, name, email, postal_address, registered_on, erased_at, created_at";

    /// <summary>The consumer's id.</summary>
    public Guid Id { get; init; }

    /// <summary>The proceeding.</summary>
    public Guid ProceedingId { get; init; }

    /// <summary>Name; "Erased consumer" after erasure.</summary>
    /// <example>Jane Doe</example>
    public required string Name { get; init; }

    /// <summary>E-mail address.</summary>
    /// <example>jane@example.org</example>
    public string? Email { get; init; }

    /// <summary>Postal address.</summary>
    public string? PostalAddress { get; init; }

    /// <summary>The day the consumer registered in the Verbandsklageregister, where known.</summary>
    public DateOnly? RegisteredOn { get; init; }

    /// <summary>When the personal data was erased, if it was.</summary>
    public DateTimeOffset? ErasedAt { get; init; }

    /// <summary>When it was recorded.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>The list's keyset, in the order recorded; internal, so not in the JSON.</summary>
    internal long Seq { get; init; }
}

// The representative_actions row of a proceeding, if any: RepresentativeActionDto adds the register's counts, the deadlines and the statutory threshold.
internal sealed record RepresentativeRow(string? QualifiedEntityName, QualifiedEntityList? QualifiedEntityList, DateOnly? RegisterEntryOn, ImplementationStage ImplementationStage, int Version);

/// <summary>Reads the representative side of a proceeding, refusing proceedings of other kinds.</summary>
internal static class RepresentativeReader
{
    /// <summary>The proceeding, if it exists and is a representative action (409 <c>proceeding_not_representative</c> otherwise).</summary>
    public static async Task<ProceedingDto> ProceedingAsync(DbSession db, Guid id, CancellationToken ct, bool forUpdate = false)
    {
        var proceeding = await ProceedingReader.LoadAsync(db, id, ct, forUpdate) ?? throw new NotFoundException("proceeding", id);
        return proceeding.Kind is ProceedingKind.RedressAction or ProceedingKind.ModelDeclaratoryAction
            ? proceeding
            : throw new ConflictException("proceeding_not_representative",
                $"Proceeding {id} is a {SnakeCase.From(proceeding.Kind)}; only redress and model declaratory actions (VDuG § 1(1)) have a representative side.");
    }

    /// <summary>
    /// A page of a representative action's <paramref name="table"/> rows (registrations, settlements, consumers), in the order
    /// recorded: each such table has a <c>seq</c> identity for its cursor. <paramref name="table"/> and <paramref name="columns"/>
    /// are the callers' constants, never input.
    /// </summary>
    public static async Task<Page<TRow>> PageAsync<TRow>(DbSession db, string table, string columns, Func<TRow, long> seqOf, Guid proceedingId,
        int limit, string? cursor, CancellationToken ct)
    {
        await ProceedingAsync(db, proceedingId, ct);
        Cursor.TryDecode<long>(cursor, out var after);
        var rows = await db.QueryAsync<TRow>($"""
            SELECT seq, {columns} FROM {table}
            WHERE organisation_id = current_organisation_id() AND proceeding_id = @proceedingId
              AND (@after::bigint IS NULL OR seq > @after)
            ORDER BY seq
            LIMIT @take
            """, new { proceedingId, after = cursor is null ? (long?)null : after, take = limit + 1 }, ct);
        return Cursor.ToPage(rows, limit, seqOf);
    }

    public static async Task<RepresentativeActionDto> LoadAsync(DbSession db, ProceedingDto proceeding, CancellationToken ct)
    {
        var row = await db.QuerySingleOrDefaultAsync<RepresentativeRow>("""
            SELECT qualified_entity_name, qualified_entity_list, register_entry_on, implementation_stage, version FROM representative_actions
            WHERE organisation_id = current_organisation_id() AND proceeding_id = @Id
            """, new { proceeding.Id }, ct);
        var latest = await db.QuerySingleOrDefaultAsync<(DateOnly CountedOn, int Registered)?>("""
            SELECT counted_on, registered FROM representative_registrations
            WHERE organisation_id = current_organisation_id() AND proceeding_id = @Id
            ORDER BY counted_on DESC, seq DESC LIMIT 1
            """, new { proceeding.Id }, ct);
        // The latest hearing's register closing counts: a hearing reopened and closed again moves it (VDuG § 46(1) "Schluss der mündlichen Verhandlung").
        var closesOn = await db.QuerySingleOrDefaultAsync<DateOnly?>("""
            SELECT due_date FROM deadlines
            WHERE organisation_id = current_organisation_id() AND proceeding_id = @Id AND rule = @rule AND status <> 'waived'
            ORDER BY created_at DESC, id DESC LIMIT 1
            """, new { proceeding.Id, rule = DeadlineRuleCatalogue.RegisterClosing }, ct);
        var kept = await db.QuerySingleAsync<int>(
            "SELECT count(*)::int FROM represented_consumers WHERE organisation_id = current_organisation_id() AND proceeding_id = @Id AND erased_at IS NULL",
            new { proceeding.Id }, ct);
        return new RepresentativeActionDto
        {
            ProceedingId = proceeding.Id,
            Kind = proceeding.Kind,
            QualifiedEntity = row?.QualifiedEntityName is { } name
                ? new QualifiedEntity { Name = name, List = row.QualifiedEntityList!.Value }
                : null,
            RegisterEntryOn = row?.RegisterEntryOn,
            RegisterClosesOn = closesOn,
            ImplementationStage = row?.ImplementationStage ?? ImplementationStage.None,
            Threshold = new RepresentativeThreshold
            {
                MinimumConsumers = RepresentativeThreshold.Minimum,
                Basis = proceeding.Kind == ProceedingKind.RedressAction ? "VDuG § 4(1) sentence 1 no. 1" : "VDuG § 4(1) sentence 1 no. 2",
                LatestRegistered = latest?.Registered,
                LatestCountedOn = latest?.CountedOn,
                Met = latest?.Registered >= RepresentativeThreshold.Minimum,
            },
            ConsumersKept = kept,
            Version = row?.Version ?? 0,
        };
    }
}
