using CaseApi.Features.Events;
using CaseApi.Features.Timeline;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Json;

namespace CaseApi.Features.Deadlines;

/// <summary>
/// The rules a deadline is computed with: whose public holidays count (<see cref="Jurisdiction"/>, with
/// <see cref="Whose"/> naming that place for the reader) and the organisation's time zone.
/// </summary>
/// <remarks>
/// Reg. 1182/71 Art. 2(1) and BGB §193 take the public holidays of the place where the act must be done: a duty of an
/// authority (GDPR Art. 78(2)) follows the authority's country and region; a reply that must reach the organisation
/// follows the organisation's. The sentence in <c>computation</c> names the calendar, so a reader can check it.
/// </remarks>
public sealed record DeadlineRules(DeadlineCalendar Calendar, Jurisdiction Jurisdiction, TimeZoneInfo TimeZone, string Whose = "the organisation's")
{
    public ComputedDeadline FromPeriod(DateTimeOffset eventAt, DeadlinePeriod period, CountingRules counting = CountingRules.Reg1182) =>
        Named(Calendar.FromPeriod(eventAt, period, Jurisdiction, TimeZone, counting));

    public ComputedDeadline FromDate(DateTimeOffset eventAt, DateOnly dueDate, bool rollOver = true) =>
        Named(Calendar.FromDate(eventAt, dueDate, Jurisdiction, TimeZone, rollOver));

    public DateOnly LocalDay(DateTimeOffset instant) => DeadlineCalendar.LocalDay(instant, TimeZone);

    public ComputedDeadline Extend(ComputedDeadline current, DeadlinePeriod period, CountingRules counting = CountingRules.Reg1182) =>
        Named(Calendar.Extend(current, period, Jurisdiction, TimeZone, counting));

    private ComputedDeadline Named(ComputedDeadline due) =>
        due with { Computation = $"{due.Computation}{LocalNote(due.DueDate)} Holidays: {Jurisdiction}, {Whose} (Reg. 1182/71 Art. 2(1); BGB §193)." };

    // A removed holiday changes the result only on the day the deadline ends: the search for the next working day stopped
    // there. Said outright, since a reader who knows the regional calendar would otherwise expect the next working day.
    private string LocalNote(DateOnly dueDate) =>
        Calendar.Local.NotKeptOn(dueDate) is { } removed && Calendar.JurisdictionHolidayOn(dueDate, Jurisdiction) is { } holiday
            ? $" {dueDate:yyyy-MM-dd} is {holiday}, a public holiday in {Jurisdiction} but not where the organisation is{(removed.Basis is null ? "" : $" ({removed.Basis})")}."
            : "";

    /// <summary>
    /// When a deadline is "due soon": the start of the <paramref name="workingDays"/>-th last working day up to and
    /// including the last day, so that 3 means three working days are left. Null for no warning.
    /// </summary>
    public DateTimeOffset? DueSoonAt(DateOnly dueDate, int workingDays)
    {
        if (workingDays <= 0)
        {
            return null;
        }

        var day = dueDate;
        for (var left = Calendar.IsNonWorkingDay(day, Jurisdiction, out _) ? 0 : 1; left < workingDays;)
        {
            day = day.AddDays(-1);
            left += Calendar.IsNonWorkingDay(day, Jurisdiction, out _) ? 0 : 1;
        }

        return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(day.ToDateTime(TimeOnly.MinValue), TimeZone), TimeSpan.Zero);
    }
}

/// <summary>A deadline to open.</summary>
public sealed record NewDeadline(
    Guid CaseId, DeadlineKind Kind, ComputedDeadline Due, string? Period,
    Guid? LetterId = null, Guid? ComplaintId = null, Guid? DefendantId = null, Guid? DpaId = null, string? Rule = null, Guid? ProceedingId = null)
{
    /// <summary>The catalogue's code: given for a procedural deadline, else the one its kind has always followed.</summary>
    public string RuleCode => Rule ?? DeadlineRuleCatalogue.ForKind(Kind);
}

/// <summary>
/// Opens and meets deadlines inside the current transaction, for every slice that starts or answers one:
/// sending a letter, recording a reply, filing a complaint.
/// </summary>
public sealed class DeadlineKeeper(DbSession db, TimelineWriter timeline, EventWriter events, TimeProvider clock)
{
    /// <summary>GDPR Art. 78(2): the authority informs the complainant of progress "within three months".</summary>
    public static readonly DeadlinePeriod DpaProgressPeriod = new(0, 3, 0, 0);

    private sealed record Settings
    {
        public required string Jurisdiction { get; init; }

        public required string TimeZone { get; init; }

        public required IReadOnlyList<LocalHoliday> LocalHolidays { get; init; }

        public required IReadOnlyList<AdditionalHoliday> PublicHolidays { get; init; }
    }

    /// <summary>The <c>public_holidays</c> rows of a country and its regions; <c>{0}</c> is the SQL of the country's code.</summary>
    private const string PublicHolidaysOf = "SELECT jurisdiction, day, name FROM public_holidays WHERE jurisdiction = {0} OR jurisdiction LIKE {0} || '-%'";

    /// <summary>
    /// An instant on a day given only as a date (a complaint "filed on 6 June"): noon UTC lies on that same
    /// date in every time zone within ±12 hours, so the local day the period runs from is the day given.
    /// </summary>
    public static DateTimeOffset InstantOf(DateOnly day) => new(day.ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero);

    /// <summary>The organisation's calendar: for deadlines whose act must reach the organisation (replies to its letters).</summary>
    public async Task<DeadlineRules> RulesAsync(CancellationToken ct)
    {
        // One statement: every letter that sets a deadline reads these (issue 16, the cost of a send).
        var settings = await db.QuerySingleAsync<Settings>($"""
            SELECT o.jurisdiction, o.time_zone, o.local_holidays,
                   (SELECT coalesce(jsonb_agg(h), '[]') FROM ({string.Format(PublicHolidaysOf, "split_part(o.jurisdiction, '-', 1)")}) h) AS public_holidays
            FROM organisations o WHERE o.id = current_organisation_id()
            """, ct: ct);
        var jurisdiction = Parsed(settings.Jurisdiction);
        var calendar = new DeadlineCalendar(settings.PublicHolidays, new LocalHolidays(settings.LocalHolidays));
        return new DeadlineRules(calendar, jurisdiction, TimeZoneInfo.FindSystemTimeZoneById(settings.TimeZone), "the organisation's");
    }

    /// <summary>
    /// The authority's calendar, for its own duties (GDPR Art. 78(2)): the holidays of its country, or of its region where it
    /// covers exactly one (the Bavarian authority keeps DE-BY's), as Reg. 1182/71 Art. 2(1) and BGB §193 take the holidays of the
    /// place where the act must be done. The EDPS, which sits in Brussels and has no country in the registry, keeps Belgium's.
    /// Days still end in the organisation's time zone, and the organisation's local holidays do not count: they are its place's.
    /// </summary>
    public async Task<DeadlineRules> RulesForDpaAsync(Guid dpaId, CancellationToken ct)
    {
        var place = await db.QuerySingleAsync<DpaPlace>("""
            SELECT d.code, d.countries, d.regions, o.time_zone
            FROM dpas d CROSS JOIN organisations o
            WHERE d.id = @dpaId AND o.id = current_organisation_id()
            """, new { dpaId }, ct);
        var jurisdiction = place.Regions.Length == 1 ? place.Regions[0] : place.Countries.FirstOrDefault() ?? "BE";
        var authorityJurisdiction = Parsed(jurisdiction);
        return new DeadlineRules(await CalendarAsync(authorityJurisdiction, LocalHolidays.None, ct), authorityJurisdiction,
            TimeZoneInfo.FindSystemTimeZoneById(place.TimeZone), $"the authority's ({place.Code})");
    }

    /// <summary>
    /// A court's place, for acts filed there (ZPO § 222(2): its general holidays): the jurisdiction's holidays without the organisation's
    /// local ones; days still end in the organisation's time zone.
    /// </summary>
    public async Task<DeadlineRules> RulesForPlaceAsync(Jurisdiction place, string whose, CancellationToken ct)
    {
        var timeZone = await db.QuerySingleAsync<string>("SELECT time_zone FROM organisations WHERE id = current_organisation_id()", ct: ct);
        return new DeadlineRules(await CalendarAsync(place, LocalHolidays.None, ct), place, TimeZoneInfo.FindSystemTimeZoneById(timeZone), whose);
    }

    private sealed record DpaPlace
    {
        public required string Code { get; init; }

        public required string[] Countries { get; init; }

        public required string[] Regions { get; init; }

        public required string TimeZone { get; init; }
    }

    // The organisations table's CHECK and the API's validation admit only jurisdictions that parse; the registry's codes are ISO's.
    private static Jurisdiction Parsed(string text) =>
        Jurisdiction.TryParse(text, out var jurisdiction) ? jurisdiction : throw new InvalidOperationException($"The jurisdiction '{text}' does not parse.");

    /// <summary>The jurisdiction's holidays (the library's and the <c>public_holidays</c> table's), with <paramref name="local"/> on top.</summary>
    public async Task<DeadlineCalendar> CalendarAsync(Jurisdiction jurisdiction, LocalHolidays local, CancellationToken ct)
    {
        var holidays = await db.QueryAsync<AdditionalHoliday>(string.Format(PublicHolidaysOf, "@country"), new { country = jurisdiction.Country }, ct);
        return new DeadlineCalendar(holidays, local);
    }

    /// <summary>
    /// Opens <paramref name="deadline"/>: the row (which puts it on the sweep's watch list), its timeline entry and its event. Where
    /// <paramref name="changes"/> is given, the <c>deadline.created</c> event is added to it, for the caller to write with its own in one
    /// statement (an insert into events costs more than its rows); else it is written now.
    /// </summary>
    public async Task<DeadlineDto> OpenAsync(NewDeadline deadline, DeadlineRules rules, CancellationToken ct, List<EventWriter.Change>? changes = null)
    {
        var now = clock.GetUtcNow();
        var policy = await EscalationPolicies.LoadAsync(db, ct);
        var dueSoonAt = rules.DueSoonAt(deadline.Due.DueDate, policy.DueSoonWorkingDays);
        var id = Guid.CreateVersion7(now);
        var kind = SnakeCase.From(deadline.Kind);
        var row = await db.QuerySingleAsync<DeadlineRow>($"""
            WITH {TimelineWriter.EntryCte}
            INSERT INTO deadlines (id, organisation_id, case_id, kind, rule, proceeding_id, letter_id, complaint_id, defendant_id, dpa_id, starts_on, period,
                last_day, due_date, due_at, due_soon_at, computation, status, created_at, updated_at)
            VALUES (@id, current_organisation_id(), @CaseId, @kind, @RuleCode, @ProceedingId, @LetterId, @ComplaintId, @DefendantId, @DpaId, @startsOn, @Period,
                @lastDay, @dueDate, @dueAt, @dueSoonAt, @computation, 'open', @now, @now)
            RETURNING {DeadlineRow.Columns}
            """,
            timeline.WithEntry(
                new
                {
                    id, deadline.CaseId, kind, deadline.RuleCode, deadline.ProceedingId, deadline.LetterId, deadline.ComplaintId, deadline.DefendantId, deadline.DpaId,
                    startsOn = deadline.Due.StartsOn, deadline.Period, lastDay = deadline.Due.LastDay, dueDate = deadline.Due.DueDate, dueAt = deadline.Due.DueAt,
                    dueSoonAt, computation = deadline.Due.Computation, now,
                },
                new TimelineWriter.Entry(deadline.CaseId, "deadline.created", $"Deadline set: {deadline.Due.Computation}", "deadline", id,
                    Details: new { kind, rule = deadline.RuleCode, dueDate = deadline.Due.DueDate, dueAt = deadline.Due.DueAt })),
            ct);
        var opened = row.ToDto();
        var created = new EventWriter.Change("deadline.created", "deadline", opened.Id, opened);
        if (changes is null)
        {
            await events.AppendManyAsync([created], ct);
        }
        else
        {
            changes.Add(created);
        }

        return opened;
    }

    /// <summary>
    /// Moves a running deadline to a new end: an extension (<paramref name="extendedBy"/> the period, or null for a date
    /// given outright), or a new computation from a fact recorded later, such as a delivery receipt (no extension).
    /// Past its new end it is missed at once. The caller writes the timeline entry and event, which say why.
    /// </summary>
    internal async Task<DeadlineRow> MoveAsync(Guid id, ComputedDeadline due, string computation, bool extension, string? extendedBy, CancellationToken ct) =>
        await db.QuerySingleAsync<DeadlineRow>($"""
            UPDATE deadlines SET starts_on = @StartsOn, last_day = @LastDay, due_date = @DueDate, due_at = @DueAt, computation = @computation,
                extended_at = CASE WHEN @extension THEN @now ELSE extended_at END,
                extended_by = CASE WHEN @extension THEN @extendedBy ELSE extended_by END,
                status = CASE WHEN @DueAt > @now THEN 'open' ELSE 'missed' END, version = version + 1, updated_at = @now
            WHERE id = @id AND organisation_id = current_organisation_id()
            RETURNING {DeadlineRow.Columns}
            """, new { id, due.StartsOn, due.LastDay, due.DueDate, due.DueAt, computation, extension, extendedBy, now = clock.GetUtcNow() }, ct);

    /// <summary>
    /// A reply meets the deadline of the letter it answers, also when it comes late (the chain of reminders
    /// stops either way; <c>metAt</c> after <c>dueAt</c> shows the delay). Only the first reply counts.
    /// </summary>
    public async Task MeetByReplyAsync(Guid answeredLetterId, Guid replyId, DateTimeOffset receivedAt, CancellationToken ct)
    {
        var met = await db.QueryAsync<DeadlineRow>($"""
            UPDATE deadlines SET status = 'met', met_at = @receivedAt, met_by_letter_id = @replyId, version = version + 1, updated_at = @now
            WHERE organisation_id = current_organisation_id() AND letter_id = @answeredLetterId AND status IN ('open', 'missed', 'escalated')
            RETURNING {DeadlineRow.Columns}
            """, new { answeredLetterId, replyId, receivedAt, now = clock.GetUtcNow() }, ct);
        await RecordMetAsync(met, replyId, ct);
    }

    /// <summary>
    /// GDPR Art. 78(2): filing starts three months for "the supervisory authority which is competent pursuant to Articles 55
    /// and 56" (<paramref name="dpaId"/>: the one lodged with, or after a transfer the lead authority); every letter on the
    /// complaint from either authority starts three more.
    /// </summary>
    public async Task StartDpaProgressAsync(Guid caseId, Guid complaintId, Guid dpaId, DateTimeOffset from, DeadlineRules rules, CancellationToken ct) =>
        await OpenAsync(new NewDeadline(caseId, DeadlineKind.DpaProgress, rules.FromPeriod(from, DpaProgressPeriod), DpaProgressPeriod.ToString(),
            ComplaintId: complaintId, DpaId: dpaId), rules, ct);

    /// <summary>
    /// Any letter on the complaint from the authority lodged with or the lead one is the progress report Art. 78(2) asks
    /// for: after a transfer the authority lodged with stays the complainant's contact and passes on the lead's news
    /// (Art. 77(2), 60(7)-(9)), so its letters count against the lead's period as well.
    /// </summary>
    public async Task MeetDpaProgressAsync(Guid caseId, Guid complaintId, Guid dpaId, Guid letterId, DateTimeOffset receivedAt, CancellationToken ct)
    {
        var met = await db.QueryAsync<DeadlineRow>($"""
            UPDATE deadlines SET status = 'met', met_at = @receivedAt, met_by_letter_id = @letterId, version = version + 1, updated_at = @now
            WHERE organisation_id = current_organisation_id() AND kind = 'dpa_progress' AND complaint_id = @complaintId
              AND status IN ('open', 'missed', 'escalated')
              AND EXISTS (SELECT FROM complaints c WHERE c.id = @complaintId AND @dpaId IN (c.dpa_id, c.transferred_to_dpa_id))
            RETURNING {DeadlineRow.Columns}
            """, new { complaintId, dpaId, letterId, receivedAt, now = clock.GetUtcNow() }, ct);
        await RecordMetAsync(met, letterId, ct);
        // The duty runs while the complaint is pending with an authority: from filing until it decides or the complaint
        // ends (a decision under appeal is before a court, not pending with the authority). It runs against the
        // competent authority: the lead one after a transfer (Art. 56(1)).
        var competent = await db.QuerySingleOrDefaultAsync<Guid?>("""
            SELECT coalesce(transferred_to_dpa_id, dpa_id) FROM complaints
            WHERE id = @complaintId AND organisation_id = current_organisation_id() AND status IN ('filed', 'acknowledged', 'under_investigation', 'transferred')
              AND @dpaId IN (dpa_id, transferred_to_dpa_id)
            """, new { complaintId, dpaId }, ct);
        if (competent is { } authority)
        {
            await StartDpaProgressAsync(caseId, complaintId, authority, receivedAt, await RulesForDpaAsync(authority, ct), ct);
        }
    }

    /// <summary>
    /// A step that takes the complaint away from the authority ends its running Art. 78(2) period (issue 12): a decision
    /// or a transfer is the news the period waits for (met at the step's moment, late if the period had passed); a
    /// withdrawal or closing ends the complaint, and with it the duty to report (waived, with the reason).
    /// </summary>
    public async Task EndDpaProgressAsync(Guid complaintId, string step, DateTimeOffset at, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (step is "decided" or "transferred")
        {
            var met = await db.QueryAsync<DeadlineRow>($"""
                UPDATE deadlines SET status = 'met', met_at = @at, version = version + 1, updated_at = @now
                WHERE organisation_id = current_organisation_id() AND kind = 'dpa_progress' AND complaint_id = @complaintId
                  AND status IN ('open', 'missed', 'escalated')
                RETURNING {DeadlineRow.Columns}
                """, new { complaintId, at, now }, ct);
            await RecordMetAsync(met, null, ct);
            return;
        }

        var reason = $"The complaint was {step} on {at.UtcDateTime:yyyy-MM-dd}: the GDPR Art. 78(2) period runs only while a complaint is pending with the authority.";
        var waived = await db.QueryAsync<DeadlineRow>($"""
            UPDATE deadlines SET status = 'waived', waived_reason = @reason, version = version + 1, updated_at = @now
            WHERE organisation_id = current_organisation_id() AND kind = 'dpa_progress' AND complaint_id = @complaintId
              AND status IN ('open', 'missed', 'escalated')
            RETURNING {DeadlineRow.Columns}
            """, new { complaintId, reason, now }, ct);
        await RecordWaivedAsync(waived, at, reason, ct);
    }

    /// <summary>
    /// Reg. (EU) 2025/2518 Art. 4, with Art. 37: a complaint lodged from 2 April 2027 gives the authority lodged with two weeks to declare it
    /// inadmissible (Art. 4(2)) and six weeks to transmit it to the lead authority; one lodged before keeps only GDPR Art. 78(2), which the
    /// Regulation leaves in force. The lodging day is the local day of <paramref name="lodgedAt"/> where the organisation is.
    /// </summary>
    public async Task StartProceduralRegulationAsync(Guid caseId, Guid complaintId, Guid dpaId, DateTimeOffset lodgedAt, DeadlineRules rules, CancellationToken ct)
    {
        var lodgedOn = rules.LocalDay(lodgedAt);
        if (lodgedOn < DeadlineRuleCatalogue.ProceduralRegulationAppliesFrom)
        {
            return;
        }

        string[] why =
        [
            $"Reg. (EU) 2025/2518 Art. 4(2): the authority lodged with declares a complaint concerning cross-border processing inadmissible, for lacking the "
            + $"information of Art. 4(1), within two weeks of receiving it on {lodgedOn:yyyy-MM-dd} (lodged from 2 April 2027, Art. 37).",
            $"Reg. (EU) 2025/2518 Art. 4: the authority lodged with transmits a complaint concerning cross-border processing to the lead authority within six "
            + $"weeks of receiving it on {lodgedOn:yyyy-MM-dd} (lodged from 2 April 2027, Art. 37; the six weeks per Arthur Cox, 19 December 2025: the paragraph of Art. 4 is not yet checked against the Official Journal).",
        ];
        foreach (var (code, text) in new[] { DeadlineRuleCatalogue.ProcAdmissibility, DeadlineRuleCatalogue.ProcTransmission }.Zip(why))
        {
            var rule = DeadlineRuleCatalogue.Get(code);
            var due = rules.FromPeriod(lodgedAt, rule.ParsedPeriod!, rule.Counting);
            await OpenAsync(new NewDeadline(caseId, DeadlineKind.Procedural, due with { Computation = $"{text} {due.Computation}" }, rule.Period,
                ComplaintId: complaintId, DpaId: dpaId, Rule: code), rules, ct);
        }
    }

    /// <summary>
    /// Reg. (EU) 2025/2518 Chapter III: once the lead authority investigates (the step <c>under_investigation</c>, its confirmation of competence
    /// under Art. 4(6)), it has fifteen months to submit its draft decision (Art. 12), or twelve in the simple cooperation procedure (Art. 6(1),
    /// 12(6)). Art. 36 applies Chapter III only to complaints lodged after 2 April 2027: one lodged on that day or before gets neither.
    /// </summary>
    public async Task StartInvestigationAsync(Guid caseId, Guid complaintId, Guid leadDpaId, DateOnly lodgedOn, DateTimeOffset startedAt, bool simpleCooperation,
        CancellationToken ct)
    {
        if (!DeadlineRuleCatalogue.ChapterThreeApplies(lodgedOn))
        {
            return;
        }

        var rules = await RulesForDpaAsync(leadDpaId, ct);
        var rule = DeadlineRuleCatalogue.Get(simpleCooperation ? DeadlineRuleCatalogue.ProcSimpleCooperation : DeadlineRuleCatalogue.ProcInvestigation);
        var due = rules.FromPeriod(startedAt, rule.ParsedPeriod!, rule.Counting);
        var why = simpleCooperation
            ? $"Reg. (EU) 2025/2518 Art. 6(1), 12(6): in the simple cooperation procedure the lead authority submits its draft decision within twelve months "
                + $"of starting its investigation on {rules.LocalDay(startedAt):yyyy-MM-dd}; not extendable."
            : $"Reg. (EU) 2025/2518 Art. 12: the lead authority submits its draft decision within fifteen months of starting its investigation on "
                + $"{rules.LocalDay(startedAt):yyyy-MM-dd}, extendable once by at most twelve months in complex cases.";
        await OpenAsync(new NewDeadline(caseId, DeadlineKind.Procedural,
            due with { Computation = $"{why} Chapter III applies as the complaint was lodged after 2 April 2027, on {lodgedOn:yyyy-MM-dd} (Art. 36). {due.Computation}" },
            rule.Period, ComplaintId: complaintId, DpaId: leadDpaId, Rule: rule.Code), rules, ct);
    }

    /// <summary>
    /// A step ends the Reg. (EU) 2025/2518 periods it answers: a transfer is the transmission (and shows the complaint admissible), an
    /// investigation or a decision is the authority's answer on admissibility (a decision of the authority lodged with also makes the
    /// transmission moot), a decision is the end of the investigation (Art. 12); a transfer during an investigation hands it to a lead
    /// authority that starts its own (waived); a withdrawal or closing ends the complaint.
    /// </summary>
    public async Task EndProceduralRegulationAsync(Guid complaintId, string step, DateTimeOffset at, CancellationToken ct)
    {
        string[] investigation = [DeadlineRuleCatalogue.ProcInvestigation, DeadlineRuleCatalogue.ProcSimpleCooperation];
        string[] met = step switch
        {
            "transferred" => [DeadlineRuleCatalogue.ProcAdmissibility, DeadlineRuleCatalogue.ProcTransmission],
            "under_investigation" => [DeadlineRuleCatalogue.ProcAdmissibility],
            "decided" => [DeadlineRuleCatalogue.ProcAdmissibility, .. investigation],
            _ => [],
        };
        string[] waived = step switch
        {
            "transferred" => investigation,
            "decided" => [DeadlineRuleCatalogue.ProcTransmission],
            "withdrawn" or "closed" => [DeadlineRuleCatalogue.ProcAdmissibility, DeadlineRuleCatalogue.ProcTransmission, .. investigation],
            _ => [],
        };
        var reason = $"The complaint was {step} on {at.UtcDateTime:yyyy-MM-dd}: the Reg. (EU) 2025/2518 time limit no longer runs (Art. 4; Art. 12, "
            + "which a lead authority starts anew after a transfer).";
        var rows = await db.QueryAsync<DeadlineRow>($"""
            UPDATE deadlines SET status = CASE WHEN rule = ANY (@met) THEN 'met' ELSE 'waived' END,
                met_at = CASE WHEN rule = ANY (@met) THEN @at END, waived_reason = CASE WHEN rule = ANY (@met) THEN NULL ELSE @reason END,
                version = version + 1, updated_at = @now
            WHERE organisation_id = current_organisation_id() AND complaint_id = @complaintId AND rule = ANY (@rules)
              AND status IN ('open', 'missed', 'escalated')
            RETURNING {DeadlineRow.Columns}
            """, new { complaintId, met, rules = met.Concat(waived).ToArray(), at, reason, now = clock.GetUtcNow() }, ct);
        await RecordMetAsync(rows.Where(row => row.Status == "met").ToArray(), null, ct);
        await RecordWaivedAsync(rows.Where(row => row.Status == "waived").ToArray(), at, reason, ct);
    }

    internal async Task RecordWaivedAsync(IReadOnlyList<DeadlineRow> waived, DateTimeOffset at, string reason, CancellationToken ct)
    {
        foreach (var deadline in waived)
        {
            await timeline.AppendAsync(deadline.CaseId, "deadline.waived", $"Deadline of {deadline.DueDate:yyyy-MM-dd} waived.", "deadline", deadline.Id,
                occurredAt: at, details: new { reason }, ct: ct);
            await events.AppendAsync("deadline.waived", "deadline", deadline.Id, deadline.ToDto(), ct);
        }
    }

    internal async Task RecordMetAsync(IReadOnlyList<DeadlineRow> met, Guid? letterId, CancellationToken ct)
    {
        foreach (var deadline in met)
        {
            var late = deadline.MetAt > deadline.DueAt;
            // The day it was met where the organisation is, as the due date is: a reply at 23:30 UTC came the next day in Berlin.
            var metOn = late ? await db.QuerySingleAsync<DateOnly>("SELECT local_day(@MetAt)", new { deadline.MetAt }, ct) : default;
            await timeline.AppendAsync(deadline.CaseId, "deadline.met",
                late ? $"Deadline of {deadline.DueDate:yyyy-MM-dd} met late, on {metOn:yyyy-MM-dd}." : $"Deadline of {deadline.DueDate:yyyy-MM-dd} met.",
                "deadline", deadline.Id, occurredAt: deadline.MetAt, details: new { letterId, late }, ct: ct);
            await events.AppendAsync("deadline.met", "deadline", deadline.Id, deadline.ToDto(), ct);
        }
    }
}
