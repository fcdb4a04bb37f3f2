using CaseApi.Features.Deadlines;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Json;

namespace CaseApi.Features.Proceedings;

/// <summary>What kind of proceeding.</summary>
public enum ProceedingKind
{
    /// <summary>Application for a preliminary injunction (einstweilige Verfügung, ZPO §§ 935, 940; UKlaG § 5).</summary>
    PreliminaryInjunction,

    /// <summary>Action on the merits (Hauptsacheklage), e.g. for an injunction under UKlaG § 1, § 2.</summary>
    MainAction,

    /// <summary>Appeal on fact and law (Berufung, ZPO § 511; VwGO § 124).</summary>
    Appeal,

    /// <summary>Appeal on points of law (Revision, ZPO § 542; VwGO § 132).</summary>
    AppealOnPointsOfLaw,

    /// <summary>Redress action of a qualified entity (Abhilfeklage, VDuG § 14).</summary>
    RedressAction,

    /// <summary>Model declaratory action (Musterfeststellungsklage, VDuG § 41).</summary>
    ModelDeclaratoryAction,

    /// <summary>Action against a data protection authority's decision (GDPR Art. 78(1), BDSG § 20; VwGO § 42).</summary>
    AdministrativeAction,
}

/// <summary>Where a proceeding stands; it follows from the events recorded.</summary>
public enum ProceedingStatus
{
    /// <summary>Not yet filed.</summary>
    Preparing,

    /// <summary>Filed and not yet decided.</summary>
    Pending,

    /// <summary>A decision was pronounced: see <c>decision</c>.</summary>
    Decided,

    /// <summary>Final (rechtskräftig): no more appeal lies.</summary>
    Final,
}

/// <summary>A party's role in the proceeding.</summary>
public enum PartyRole
{
    /// <summary>Kläger.</summary>
    Claimant,

    /// <summary>Beklagter.</summary>
    Defendant,

    /// <summary>Antragsteller (Verfügungskläger).</summary>
    Applicant,

    /// <summary>Antragsgegner (Verfügungsbeklagter).</summary>
    Respondent,

    /// <summary>Berufungs- or Revisionskläger.</summary>
    Appellant,

    /// <summary>Berufungs- or Revisionsbeklagter.</summary>
    Appellee,

    /// <summary>Nebenintervenient (ZPO § 66) or Beigeladener (VwGO § 65).</summary>
    Intervener,

    /// <summary>Streitverkündungsempfänger (ZPO § 72).</summary>
    ThirdPartyNotified,
}

/// <summary>What happened in a proceeding.</summary>
public enum ProceedingEventKind
{
    /// <summary>The application or action was filed with the court.</summary>
    Filed,

    /// <summary>It was served on the other side.</summary>
    Served,

    /// <summary>The court set a hearing: <c>hearingAt</c>, <c>place</c>.</summary>
    HearingScheduled,

    /// <summary>The hearing took place (for a redress action: the oral hearing closed, VDuG § 46(1)).</summary>
    HearingHeld,

    /// <summary>A decision (judgment or order) was pronounced: <c>outcome</c>, <c>appealable</c>, <c>ecli</c> where one is assigned.</summary>
    DecisionPronounced,

    /// <summary>The decision was served (Zustellung): periods for appeals run from it (ZPO §§ 517, 548; VwGO § 124a).</summary>
    DecisionServed,

    /// <summary>The decision became final (formelle Rechtskraft, ZPO § 705).</summary>
    Final,
}

/// <summary>What a court decided.</summary>
public enum CourtOutcome
{
    /// <summary>The application or action succeeded.</summary>
    Granted,

    /// <summary>It succeeded in part.</summary>
    PartiallyGranted,

    /// <summary>Rejected as unfounded.</summary>
    Rejected,

    /// <summary>Dismissed as inadmissible.</summary>
    DismissedInadmissible,

    /// <summary>Ended by a court settlement (Vergleich).</summary>
    Settled,

    /// <summary>Ended by withdrawal.</summary>
    Withdrawn,

    /// <summary>Questions referred to the Court of Justice of the EU (TFEU Art. 267); the proceeding is stayed.</summary>
    Referred,
}

/// <summary>A party to a proceeding.</summary>
public sealed record ProceedingParty
{
    /// <summary>Name as in the court's records.</summary>
    /// <example>Meta Platforms Ireland Limited</example>
    public required string Name { get; init; }

    /// <summary>Role.</summary>
    /// <example>respondent</example>
    public required PartyRole Role { get; init; }

    /// <summary>The defendant of this organisation the party is, if any.</summary>
    public Guid? DefendantId { get; init; }
}

/// <summary>The decision that ended the instance.</summary>
public sealed record ProceedingDecision
{
    /// <summary>What the court decided.</summary>
    public CourtOutcome Outcome { get; init; }

    /// <summary>The day it was pronounced.</summary>
    /// <example>2025-05-23</example>
    public DateOnly DecidedOn { get; init; }

    /// <summary>The European Case Law Identifier, where the court assigned one.</summary>
    /// <example>ECLI:EU:C:2023:537</example>
    public string? Ecli { get; init; }

    /// <summary>Whether an appeal or further remedy lies against it.</summary>
    public bool Appealable { get; init; }
}

/// <summary>A court proceeding in a case.</summary>
public sealed record ProceedingDto : IVersioned
{
    /// <summary>The proceeding's id.</summary>
    public Guid Id { get; init; }

    /// <summary>The case it belongs to.</summary>
    public Guid CaseId { get; init; }

    /// <summary>What kind of proceeding.</summary>
    public ProceedingKind Kind { get; init; }

    /// <summary>The court (from <c>/v1/courts</c>).</summary>
    public Guid CourtId { get; init; }

    /// <summary>The court's file number (Aktenzeichen), once assigned.</summary>
    /// <example>15 UKl 2/25</example>
    public string? FileNumber { get; init; }

    /// <summary>Where it stands.</summary>
    public ProceedingStatus Status { get; init; }

    /// <summary>The parties, in the order given.</summary>
    public required IReadOnlyList<ProceedingParty> Parties { get; init; }

    /// <summary>The last decision pronounced, or null.</summary>
    public ProceedingDecision? Decision { get; init; }

    /// <summary>Changes with every update; send it back as <c>If-Match</c>.</summary>
    public int Version { get; init; }

    /// <summary>When it was recorded.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>An event in a proceeding.</summary>
public sealed record ProceedingEventDto
{
    internal const string Columns = "id, seq, proceeding_id, kind, occurred_on, hearing_at, place, outcome, ecli, appealable, note, recorded_at";

    /// <summary>The event's id.</summary>
    public Guid Id { get; init; }

    /// <summary>The proceeding.</summary>
    public Guid ProceedingId { get; init; }

    /// <summary>What happened.</summary>
    public ProceedingEventKind Kind { get; init; }

    /// <summary>The day it happened (for <c>hearing_scheduled</c>: the day the court set the hearing).</summary>
    /// <example>2025-05-14</example>
    public DateOnly OccurredOn { get; init; }

    /// <summary>For <c>hearing_scheduled</c>: when the hearing begins.</summary>
    public DateTimeOffset? HearingAt { get; init; }

    /// <summary>For <c>hearing_scheduled</c>: where (courtroom, address).</summary>
    public string? Place { get; init; }

    /// <summary>For <c>decision_pronounced</c>: what the court decided.</summary>
    public CourtOutcome? Outcome { get; init; }

    /// <summary>For <c>decision_pronounced</c>: the ECLI, where one is assigned.</summary>
    public string? Ecli { get; init; }

    /// <summary>For <c>decision_pronounced</c>: whether an appeal lies.</summary>
    public bool? Appealable { get; init; }

    /// <summary>A note.</summary>
    public string? Note { get; init; }

    /// <summary>When it was recorded.</summary>
    public DateTimeOffset RecordedAt { get; init; }

    /// <summary>The list's keyset, in the order recorded; internal, so not in the JSON.</summary>
    internal long Seq { get; init; }
}

// A twin of ProceedingDto because the DTO nests what the row holds flat: the parties (another table) and the decision (set together or not at all).
internal sealed record ProceedingRow
{
    public const string Columns = "id, case_id, kind, court_id, file_number, status, decision_outcome, decided_on, ecli, appealable, version, created_at, updated_at";

    public Guid Id { get; init; }

    public Guid CaseId { get; init; }

    public ProceedingKind Kind { get; init; }

    public Guid CourtId { get; init; }

    public string? FileNumber { get; init; }

    public ProceedingStatus Status { get; init; }

    public CourtOutcome? DecisionOutcome { get; init; }

    public DateOnly? DecidedOn { get; init; }

    public string? Ecli { get; init; }

    public bool? Appealable { get; init; }

    public int Version { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }
}

internal sealed record PartyRow(Guid ProceedingId, string Name, PartyRole Role, Guid? DefendantId);

/// <summary>Reads proceedings as the API returns them, with their parties.</summary>
internal static class ProceedingReader
{
    public static async Task<ProceedingDto?> LoadAsync(DbSession db, Guid id, CancellationToken ct, bool forUpdate = false) =>
        (await ToDtosAsync(db, await db.QueryAsync<ProceedingRow>(
            $"SELECT {ProceedingRow.Columns} FROM proceedings WHERE id = @id AND organisation_id = current_organisation_id(){(forUpdate ? " FOR UPDATE" : "")}",
            new { id }, ct), ct)).SingleOrDefault();

    /// <summary>The rows as DTOs, with the parties of all of them read in one query.</summary>
    public static async Task<IReadOnlyList<ProceedingDto>> ToDtosAsync(DbSession db, IReadOnlyList<ProceedingRow> rows, CancellationToken ct)
    {
        if (rows.Count == 0)
        {
            return [];
        }

        var parties = (await db.QueryAsync<PartyRow>("""
            SELECT proceeding_id, name, role, defendant_id FROM proceeding_parties
            WHERE organisation_id = current_organisation_id() AND proceeding_id = ANY (@ids)
            ORDER BY proceeding_id, position
            """, new { ids = rows.Select(r => r.Id).ToArray() }, ct)).ToLookup(p => p.ProceedingId);
        return rows.Select(r => new ProceedingDto
        {
            Id = r.Id, CaseId = r.CaseId, Kind = r.Kind, CourtId = r.CourtId, FileNumber = r.FileNumber,
            Status = r.Status,
            Parties = parties[r.Id].Select(p => new ProceedingParty { Name = p.Name, Role = p.Role, DefendantId = p.DefendantId }).ToArray(),
            Decision = r.DecisionOutcome is null ? null : new ProceedingDecision
            {
                Outcome = r.DecisionOutcome.Value, DecidedOn = r.DecidedOn!.Value, Ecli = r.Ecli, Appealable = r.Appealable!.Value,
            },
            Version = r.Version, CreatedAt = r.CreatedAt, UpdatedAt = r.UpdatedAt,
        }).ToArray();
    }

    /// <summary>
    /// A deadline trigger on the proceeding: the court's seat decides the holidays (ZPO § 222(2)) and, for the urgency window,
    /// the court's practice.
    /// </summary>
    public static async Task<TriggerContext> TriggerContextAsync(DbSession db, ProceedingDto proceeding, DateOnly occurredOn, CancellationToken ct)
    {
        var court = await db.QuerySingleAsync<(string Code, string Jurisdiction)>(
            "SELECT code, jurisdiction FROM courts WHERE id = @CourtId", new { proceeding.CourtId }, ct);
        Jurisdiction.TryParse(court.Jurisdiction, out var seat);
        return new TriggerContext(proceeding.CaseId, occurredOn) { ProceedingId = proceeding.Id, Court = court.Code, CourtJurisdiction = seat };
    }

    /// <summary>Replaces the parties of a proceeding.</summary>
    public static async Task WritePartiesAsync(DbSession db, Guid proceedingId, IReadOnlyList<ProceedingParty> parties, DateTimeOffset now, CancellationToken ct)
    {
        await db.ExecuteAsync("DELETE FROM proceeding_parties WHERE organisation_id = current_organisation_id() AND proceeding_id = @proceedingId", new { proceedingId }, ct);
        // Unknown or foreign defendant ids fail the foreign key: 422, with nothing written.
        await db.ExecuteAsync("""
            INSERT INTO proceeding_parties (id, organisation_id, proceeding_id, position, name, role, defendant_id)
            SELECT p.id, current_organisation_id(), @proceedingId, p.position, p.name, p.role, p.defendant_id
            FROM unnest(@ids, @names, @roles, @defendantIds) WITH ORDINALITY AS p(id, name, role, defendant_id, position)
            """,
            new
            {
                proceedingId, ids = parties.Select(_ => Guid.CreateVersion7(now)).ToArray(), names = parties.Select(p => p.Name).ToArray(),
                roles = parties.Select(p => SnakeCase.From(p.Role)).ToArray(), defendantIds = parties.Select(p => p.DefendantId).ToArray(),
            },
            ct);
    }
}
