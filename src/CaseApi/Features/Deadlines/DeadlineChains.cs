using System.Globalization;
using CaseApi.Features.Organisations;
using CaseApi.Infrastructure.Data;

namespace CaseApi.Features.Deadlines;

/// <summary>An event that starts or ends deadlines (issue 13 point 2).</summary>
public enum TriggerKind
{
    /// <summary>The organisation learnt of an infringement and who committed it: the urgency window (UWG § 12(1)) and limitation (UWG § 11).</summary>
    InfringementKnown,

    /// <summary>An application for a preliminary injunction was filed: it meets the urgency window.</summary>
    PreliminaryInjunctionApplied,

    /// <summary>A judgment in full form was served: appeal (ZPO § 517) and its grounds (ZPO § 520(2)).</summary>
    JudgmentServed,

    /// <summary>An injunction order was pronounced or served on the applicant: its enforcement (ZPO § 929(2)).</summary>
    InjunctionOrderIssued,

    /// <summary>An authority's decision was notified: the action against it (VwGO § 74(1) with BDSG § 20).</summary>
    DpaDecisionReceived,

    /// <summary>The oral hearing of a representative action closed: the register's closing date (VDuG § 46).</summary>
    RepresentativeHearingClosed,

    /// <summary>A court settlement in a representative action was published in the register: the consumers' exit from it (VDuG § 10(1)).</summary>
    SettlementPublished,
}

/// <summary>
/// What a trigger needs: the case, the local day the event happened on, and where it applies. <see cref="Court"/> names an
/// Oberlandesgericht of <see cref="DeadlineRuleCatalogue.UrgencyPractices"/> or a Landgericht below one (for the urgency window); <see cref="CourtJurisdiction"/>
/// the court's place, whose holidays count (ZPO § 222(2)); <see cref="PronouncedOn"/> the day a judgment served was pronounced
/// (ZPO §§ 517, 520(2)); <see cref="DpaId"/> the authority that decided (its seat gives the administrative court, BDSG § 20(3)).
/// </summary>
public sealed record TriggerContext(Guid CaseId, DateOnly OccurredOn)
{
    public Guid? ProceedingId { get; init; }

    public string? Court { get; init; }

    public Jurisdiction? CourtJurisdiction { get; init; }

    public DateOnly? PronouncedOn { get; init; }

    public Guid? DpaId { get; init; }
}

/// <summary>The deadlines a trigger opened, and those it ended (met or waived).</summary>
public sealed record ChainResult(IReadOnlyList<DeadlineDto> Created, IReadOnlyList<DeadlineDto> Ended);

/// <summary>
/// Chains of deadlines: recording an event opens every deadline that follows from it, each with its rule from the catalogue
/// and a computation citing the provision, and ends those it makes moot. The one entry point for any slice that records such
/// an event (deadline triggers, court proceedings); it knows nothing of where the event was recorded.
/// </summary>
public sealed class DeadlineChains(DbSession db, DeadlineKeeper keeper, UrgencyWindowRisk urgency, TimeProvider clock)
{
    /// <summary>ZPO §§ 517, 520(2): the periods begin "spätestens aber mit Ablauf von fünf Monaten nach der Verkündung".</summary>
    public static readonly DeadlinePeriod FiveMonths = new(0, 5, 0, 0);

    public async Task<ChainResult> OnTriggerAsync(TriggerKind kind, TriggerContext context, CancellationToken ct)
    {
        var created = new List<DeadlineDto>();
        var ended = new List<DeadlineDto>();
        switch (kind)
        {
            case TriggerKind.InfringementKnown:
                created.Add(await UrgencyWindowAsync(context, ct));
                created.Add(await OpenAsync(context, DeadlineRuleCatalogue.UwgLimitation, context.OccurredOn,
                    $"UWG § 11(1), (2): six months from knowledge of the circumstances and the debtor on {Iso(context.OccurredOn)} (not from the year's end: "
                    + "BGB § 199(1) does not apply); BGB §§ 187(1), 188(2), with § 193 by analogy (BGH WM 1978, 461). Filing for a preliminary injunction "
                    + "suspends it (BGB § 204(1) no. 9).", ct));
                await urgency.WarnAsync(context.CaseId, ct);
                break;
            case TriggerKind.PreliminaryInjunctionApplied:
                ended.AddRange(await EndAsync(context.CaseId, proceedingId: null, [DeadlineRuleCatalogue.UrgencyWindow], met: true, context.OccurredOn,
                    $"The application for a preliminary injunction was filed on {Iso(context.OccurredOn)}.", ct));
                break;
            case TriggerKind.JudgmentServed:
                var pronounced = context.PronouncedOn ?? throw new ArgumentException("A judgment served needs the day it was pronounced (ZPO § 517).", nameof(context));
                var (start, why) = AppealStart(context.OccurredOn, pronounced);
                created.Add(await OpenAsync(context, DeadlineRuleCatalogue.Appeal, start,
                    $"ZPO § 517: one month, a Notfrist (never extended, ZPO § 224(2)), {why}; ZPO § 222(1) with BGB §§ 187(1), 188(2).", ct));
                created.Add(await OpenAsync(context, DeadlineRuleCatalogue.AppealGrounds, start,
                    $"ZPO § 520(2) sentence 1: two months, {why}; extendable on application (§ 520(2) sentences 2, 3); ZPO § 222(1) with BGB §§ 187(1), 188(2).", ct));
                break;
            case TriggerKind.InjunctionOrderIssued:
                created.Add(await OpenAsync(context, DeadlineRuleCatalogue.Enforcement, context.OccurredOn,
                    $"ZPO § 929(2) with § 936: enforcement is inadmissible once a month has passed since the order was pronounced or served on the applicant "
                    + $"on {Iso(context.OccurredOn)}; ZPO § 222.", ct));
                break;
            case TriggerKind.DpaDecisionReceived:
                created.Add(await OpenAsync(context, DeadlineRuleCatalogue.AdministrativeAction, context.OccurredOn,
                    $"VwGO § 74(1) sentence 2: the action within one month of notification of the decision on {Iso(context.OccurredOn)}, as no Vorverfahren "
                    + "takes place (BDSG § 20(6)), before the administrative court where the authority sits (BDSG § 20(3)); VwGO § 57(2) with ZPO § 222. "
                    + "One year instead where the notice on remedies is missing or wrong (VwGO § 58(2)).", ct));
                break;
            case TriggerKind.RepresentativeHearingClosed:
                created.Add(await OpenAsync(context, DeadlineRuleCatalogue.RegisterClosing, context.OccurredOn,
                    $"VDuG § 46(1): consumers register until three weeks after the close of the oral hearing on {Iso(context.OccurredOn)}; "
                    + "BGB § 193 does not apply (§ 46(1) sentence 2), so the end stays on a weekend or holiday.", ct));
                break;
            case TriggerKind.SettlementPublished:
                created.Add(await OpenAsync(context, DeadlineRuleCatalogue.SettlementOptOut, context.OccurredOn,
                    $"VDuG § 10(1): registered consumers may declare their exit from the settlement to the Federal Office of Justice within one month, "
                    + $"beginning with its publication (Bekanntgabe) in the Verbandsklageregister on {Iso(context.OccurredOn)}; BGB §§ 187(1), 188(2), "
                    + "and § 193, which § 10 does not exclude.", ct));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }

        return new ChainResult(created, ended);
    }

    /// <summary>
    /// Ends the running deadlines of <paramref name="rules"/> on the case (and the proceeding, where given): met when the event is the
    /// act they asked for (an application filed), waived with <paramref name="reason"/> when it makes them moot.
    /// </summary>
    public async Task<IReadOnlyList<DeadlineDto>> EndAsync(Guid caseId, Guid? proceedingId, IReadOnlyCollection<string> rules, bool met, DateOnly on,
        string reason, CancellationToken ct)
    {
        var at = DeadlineKeeper.InstantOf(on);
        var rows = await db.QueryAsync<DeadlineRow>($"""
            UPDATE deadlines SET status = CASE WHEN @met THEN 'met' ELSE 'waived' END, met_at = CASE WHEN @met THEN @at END,
                waived_reason = CASE WHEN @met THEN NULL ELSE @reason END, version = version + 1, updated_at = @now
            WHERE organisation_id = current_organisation_id() AND case_id = @caseId AND rule = ANY (@rules)
              AND (@proceedingId::uuid IS NULL OR proceeding_id = @proceedingId) AND status IN ('open', 'missed', 'escalated')
            RETURNING {DeadlineRow.Columns}
            """, new { caseId, proceedingId, rules = rules.ToArray(), met, at, reason, now = clock.GetUtcNow() }, ct);
        if (met)
        {
            await keeper.RecordMetAsync(rows, null, ct);
        }
        else
        {
            await keeper.RecordWaivedAsync(rows, at, reason, ct);
        }

        return rows.Select(row => row.ToDto()).ToArray();
    }

    /// <summary>
    /// ZPO §§ 517, 520(2): the periods begin with service of the judgment in full form, "spätestens aber mit Ablauf von fünf Monaten nach
    /// der Verkündung". Five months from pronouncement end on the same date five months on (BGB § 188(2)); that end is no period's end for
    /// ZPO § 222(2), so it does not move. Served later, the periods run from that day, so the appeal ends at the latest six months after
    /// pronouncement.
    /// </summary>
    public static (DateOnly Start, string Why) AppealStart(DateOnly servedOn, DateOnly pronouncedOn)
    {
        var latest = FiveMonths.LastDayFrom(pronouncedOn);
        return servedOn <= latest
            ? (servedOn, $"from service of the judgment in full form on {Iso(servedOn)} (pronounced {Iso(pronouncedOn)}; the five months after which it would begin anyway end on {Iso(latest)})")
            : (latest, $"beginning not with service on {Iso(servedOn)} but at the latest with the end of five months from pronouncement on {Iso(pronouncedOn)}, "
                + $"that is with the end of {Iso(latest)} (five-month cap of § 517)");
    }

    // The organisation's own window for the court where it set one (issue 13 point 2: "configurable per court with a sourced default"),
    // quoted with the court's published practice so that a reader sees both; else the court's practice; else the shortest window. At a
    // Landgericht, the Oberlandesgericht's above it (GVG § 119(1) no. 2), said so.
    private async Task<DeadlineDto> UrgencyWindowAsync(TriggerContext context, CancellationToken ct)
    {
        var applied = context.Court is { } court ? await UrgencyWindows.AtCourtAsync(db, court, ct) : null;
        var window = applied?.Window;
        var period = DeadlinePeriod.TryParse(window?.Period, out var parsed) ? parsed : DeadlineRuleCatalogue.StrictestUrgency;
        var whose = window switch
        {
            null => $"{(context.Court is null ? "no court named" : $"the court '{context.Court}' has no recorded practice")}: the shortest window courts apply, one month "
                + "(OLG München 6 U 4127/10, OLG Hamm 4 W 97/10)",
            { Origin: UrgencyWindowOrigin.Organisation } => $"window of {window.Period} set by the organisation for {window.Name}: {window.Reason}; the court's "
                + $"published practice is {window.DefaultPeriod} ({window.DefaultSource})",
            _ => $"{window.Name}: {window.Period} ({window.DefaultSource})",
        };
        var at = applied?.RegionalCourt is { } regional ? $"{regional}: the practice of {window!.Name} above it (GVG § 119(1) no. 2) applies: " : "";
        return await OpenAsync(context, DeadlineRuleCatalogue.UrgencyWindow, context.OccurredOn,
            $"UWG § 12(1) presumes urgency; waiting refutes it after the court's window, from knowledge on {Iso(context.OccurredOn)}, {at}{whose}. Not a statutory "
            + "period: counted without the BGB § 193 shift (OLG Hamm 4 W 97/10 refused it; KG 5 W 240/14 allowed it): file by the last day as counted.",
            ct, period);
    }

    private async Task<DeadlineDto> OpenAsync(TriggerContext context, string code, DateOnly from, string why, CancellationToken ct, DeadlinePeriod? period = null)
    {
        var rule = DeadlineRuleCatalogue.Get(code);
        period ??= rule.ParsedPeriod!;
        var rules = await RulesAsync(rule, context, ct);
        var due = rules.FromPeriod(DeadlineKeeper.InstantOf(from), period, rule.Counting);
        return await keeper.OpenAsync(new NewDeadline(context.CaseId, DeadlineKind.Procedural, due with { Computation = $"{why} {due.Computation}" },
            period.ToString(), DpaId: rule.Calendar == RuleCalendar.Authority ? context.DpaId : null, Rule: code, ProceedingId: context.ProceedingId), rules, ct);
    }

    // The place where the act must be done gives the holidays (ZPO § 222(2): "allgemeiner Feiertag" at the court's seat): the authority's
    // for an action against it (its administrative court, BDSG § 20(3)), the court's where named, else the organisation's, said so.
    private async Task<DeadlineRules> RulesAsync(DeadlineRule rule, TriggerContext context, CancellationToken ct)
    {
        if (rule.Calendar == RuleCalendar.Authority && context.DpaId is { } dpaId)
        {
            return await keeper.RulesForDpaAsync(dpaId, ct);
        }

        return context.CourtJurisdiction is { } place
            ? await keeper.RulesForPlaceAsync(place, $"the court's ({place})", ct)
            : (await keeper.RulesAsync(ct)) with { Whose = "the organisation's, as no court's place is given" };
    }

    private static string Iso(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
