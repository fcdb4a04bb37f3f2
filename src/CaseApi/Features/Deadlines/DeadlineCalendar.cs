using System.Globalization;

namespace CaseApi.Features.Deadlines;

/// <summary>
/// A computed deadline. <see cref="StartsOn"/> is the local day of the event the period runs
/// from (which itself does not count, Reg. 1182/71 Art. 3(1)); <see cref="LastDay"/> the last day
/// as counted or given, before BGB § 193 / Art. 3(4) moved it off a weekend or holiday (an extension
/// counts from it, BGB § 190); <see cref="DueDate"/> the day the act is due, after that move;
/// <see cref="DueAt"/> the instant that day ends, in UTC; <see cref="Computation"/> says how, in one
/// sentence a lawyer can check.
/// </summary>
public sealed record ComputedDeadline(DateOnly StartsOn, DateOnly LastDay, DateOnly DueDate, DateTimeOffset DueAt, string Computation);

/// <summary>A public holiday the library lacks, as a row of the organisation's table.
/// A row for a country ("DE") applies to all its regions; a row for a region ("DE-BY") to that region only.</summary>
public sealed record AdditionalHoliday(string Jurisdiction, DateOnly Day, string Name);

/// <summary>
/// Legal deadlines under Regulation (EEC, Euratom) No 1182/71 Art. 3, whose rules BGB §§ 187–193
/// repeat for German law: no database, no clock; the caller says when the event happened.
/// </summary>
public sealed class DeadlineCalendar
{
    private const string Art3Para4 = "Reg. 1182/71 Art. 3(4)";
    private const string Bgb190 = "BGB § 190";
    private const string Bgb193 = "BGB § 193";

    // How a last day on a non-working day moves, and by which rule: a period's end (Art. 3(4), as BGB § 193 for German
    // law) or a day given outright (BGB § 193 only: Reg. 1182/71 Art. 5(1) leaves Art. 3(4) out for acts due on a date).
    private const string PeriodEnds = $"so the period ends on the next working day, {{0}} ({Art3Para4})";
    private const string BgbPeriodEnds = $"so the period ends on the next working day, {{0}} ({Bgb193})";
    private const string CourtPeriodEnds = "so the period ends with the next working day, {0} (ZPO § 222(2))";
    private const string DateMoves = $"so the day moves to the next working day, {{0}} ({Bgb193}: \"an einem bestimmten Tage oder innerhalb einer Frist\")";

    private readonly ILookup<string, AdditionalHoliday> additionalHolidaysByJurisdiction;

    public DeadlineCalendar(IEnumerable<AdditionalHoliday> additionalHolidays, LocalHolidays? local = null)
    {
        additionalHolidaysByJurisdiction = additionalHolidays.ToLookup(holiday => holiday.Jurisdiction, StringComparer.Ordinal);
        Local = local ?? LocalHolidays.None;
    }

    /// <summary>The organisation's municipality's additions and removals; none for an authority's calendar.</summary>
    public LocalHolidays Local { get; }

    /// <summary>
    /// The period runs from the local day, in the organisation's time zone, on which the event
    /// happened: a letter sent at 23:30 in Berlin was sent that Berlin day, whatever the UTC date.
    /// </summary>
    public ComputedDeadline FromPeriod(DateTimeOffset eventAt, DeadlinePeriod period, Jurisdiction jurisdiction, TimeZoneInfo timeZone,
        CountingRules counting = CountingRules.Reg1182)
    {
        var eventDay = LocalDay(eventAt, timeZone);
        var from = $"{period} from {Iso(eventDay)}{TimeZoneNote(eventAt, eventDay, timeZone)}";
        return Computed(eventDay, from, period.LastDayFrom(eventDay), jurisdiction, timeZone, Moves(counting));
    }

    // Which provision moves a period's end off a non-working day; null where none does (VDuG § 46(1) sentence 2).
    private static string? Moves(CountingRules counting) => counting switch
    {
        CountingRules.Reg1182 => PeriodEnds,
        CountingRules.Bgb => BgbPeriodEnds,
        CountingRules.Zpo222 => CourtPeriodEnds,
        _ => null,
    };

    /// <summary>
    /// A date the letter names moves off a Saturday, Sunday or public holiday like the end of a period: BGB § 193
    /// applies to a declaration or performance due "an einem bestimmten Tage oder innerhalb einer Frist" alike.
    /// § 193 is a rule of interpretation and yields where the day was chosen on purpose, so an organisation that
    /// means the Saturday keeps it with <paramref name="rollOver"/> false, and the computation says so.
    /// The date must not lie before the event.
    /// </summary>
    public ComputedDeadline FromDate(DateTimeOffset eventAt, DateOnly dueDate, Jurisdiction jurisdiction, TimeZoneInfo timeZone, bool rollOver = true)
    {
        var eventDay = LocalDay(eventAt, timeZone);
        ArgumentOutOfRangeException.ThrowIfLessThan(dueDate, eventDay);

        if (!IsNonWorkingDay(dueDate, jurisdiction, out var holiday))
        {
            return new ComputedDeadline(eventDay, dueDate, dueDate, EndOfDay(dueDate, timeZone), $"Date given: {Iso(dueDate)}, a {dueDate.DayOfWeek}.");
        }

        return rollOver
            ? Computed(eventDay, "Date given", dueDate, jurisdiction, timeZone, DateMoves)
            : new ComputedDeadline(eventDay, dueDate, dueDate, EndOfDay(dueDate, timeZone),
                $"Date given: {Iso(dueDate)}, {Describe(dueDate, holiday, jurisdiction)}, kept as given at the organisation's choice (rollOver: false; {Bgb193} yields to a day set on purpose).");
    }

    /// <summary>
    /// A further period (GDPR Art. 12(3): "may be extended by two further months"). BGB § 190: the new period runs
    /// from the end of the old one, and old and new are one period, so § 193 applies to the new end only and the
    /// count starts from the old last day as counted, not from the working day it was moved to; a month from that
    /// day ends on the same date (BGH NJW 1984, 1358: a month from 28 February ends on 28 March).
    /// </summary>
    public ComputedDeadline Extend(ComputedDeadline current, DeadlinePeriod period, Jurisdiction jurisdiction, TimeZoneInfo timeZone,
        CountingRules counting = CountingRules.Reg1182)
    {
        var moved = current.LastDay == current.DueDate ? "" : $", the last day before it moved to {Iso(current.DueDate)}";
        return Computed(current.StartsOn, $"Extended by {period} from {Iso(current.LastDay)}{moved} ({Bgb190})", period.LastDayFrom(current.LastDay),
            jurisdiction, timeZone, Moves(counting));
    }

    /// <summary>Saturday, Sunday or a public holiday; <paramref name="name"/> names the holiday (null for weekends and working days).</summary>
    public bool IsNonWorkingDay(DateOnly day, Jurisdiction jurisdiction, out string? name)
    {
        name = Local.Adjust(day, JurisdictionHolidayOn(day, jurisdiction));
        return name is not null || day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
    }

    /// <summary>The jurisdiction's public holiday on <paramref name="day"/>, before the <see cref="Local"/> entries; null for none.</summary>
    public string? JurisdictionHolidayOn(DateOnly day, Jurisdiction jurisdiction) =>
        PublicHolidays.InYear(jurisdiction, day.Year).GetValueOrDefault(day) ?? AdditionalHolidayOn(day, jurisdiction);

    /// <summary>
    /// False where the library has no holidays for the jurisdiction (or not for its region):
    /// then only weekends and the additional holidays count, and callers should say so.
    /// </summary>
    public bool HasHolidayCalendar(Jurisdiction jurisdiction) => PublicHolidays.Covers(jurisdiction);

    private ComputedDeadline Computed(DateOnly startsOn, string from, DateOnly lastDay, Jurisdiction jurisdiction, TimeZoneInfo timeZone, string? moves)
    {
        if (!IsNonWorkingDay(lastDay, jurisdiction, out var holiday))
        {
            return new ComputedDeadline(startsOn, lastDay, lastDay, EndOfDay(lastDay, timeZone), $"{from}: {Iso(lastDay)}, a {lastDay.DayOfWeek}.");
        }

        if (moves is null)
        {
            return new ComputedDeadline(startsOn, lastDay, lastDay, EndOfDay(lastDay, timeZone),
                $"{from}: {Iso(lastDay)}, {Describe(lastDay, holiday, jurisdiction)}, does not move: no rule shifts this period's end ({Bgb193} excluded).");
        }

        // Art. 3(4) / BGB § 193: the period ends on, or the day given moves to, the following working day. Holidays skipped
        // on the way are named so the reader can check them; weekends speak for themselves.
        var reasons = new List<string> { $"{Iso(lastDay)} is {Describe(lastDay, holiday, jurisdiction)}" };
        var dueDate = lastDay.AddDays(1);
        while (IsNonWorkingDay(dueDate, jurisdiction, out var next))
        {
            if (next is not null)
            {
                reasons.Add($"{Iso(dueDate)} is {next}");
            }

            dueDate = dueDate.AddDays(1);
        }

        var why = reasons.Count == 1 ? reasons[0] : $"{string.Join(", ", reasons[..^1])}, and {reasons[^1]}";
        return new ComputedDeadline(startsOn, lastDay, dueDate, EndOfDay(dueDate, timeZone),
            $"{from}: {why}, {string.Format(CultureInfo.InvariantCulture, moves, $"{dueDate.DayOfWeek} {Iso(dueDate)}")}.");
    }

    private static string Describe(DateOnly day, string? holiday, Jurisdiction jurisdiction) =>
        holiday is null ? $"a {day.DayOfWeek}" : $"{holiday}, a public holiday in {jurisdiction}";

    private string? AdditionalHolidayOn(DateOnly day, Jurisdiction jurisdiction)
    {
        var rows = additionalHolidaysByJurisdiction[jurisdiction.ToString()];
        if (jurisdiction.Region is not null)
        {
            rows = rows.Concat(additionalHolidaysByJurisdiction[jurisdiction.Country]);
        }

        return rows.FirstOrDefault(row => row.Day == day)?.Name;
    }

    /// <summary>
    /// The sanity bound of <see cref="DeadlinePeriod"/> for dates given outright: a last day more than ten years after
    /// <paramref name="from"/> is a typo (2205 for 2025), and one near 9999 would leave the calendar's range.
    /// </summary>
    public static bool IsWithinTenYears(DateOnly from, DateOnly dueDate) => dueDate <= from.AddYears(10);

    /// <summary>The day an instant falls on where the organisation is: the day a deadline counts from.</summary>
    public static DateOnly LocalDay(DateTimeOffset instant, TimeZoneInfo timeZone) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, timeZone).DateTime);

    private static string TimeZoneNote(DateTimeOffset eventAt, DateOnly eventDay, TimeZoneInfo timeZone) =>
        DateOnly.FromDateTime(eventAt.UtcDateTime) == eventDay
            ? ""
            : $" (the event at {eventAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm'Z'", CultureInfo.InvariantCulture)} fell on {Iso(eventDay)} in {timeZone.Id})";

    /// <summary>
    /// Days end at 24:00 local time (Art. 3(2)(b)): the instant the next local day begins. The
    /// offset is the one in force just before that midnight, so a zone whose clocks change at
    /// midnight still gets the moment its day ended; TimeZoneInfo handles summer time.
    /// </summary>
    private static DateTimeOffset EndOfDay(DateOnly day, TimeZoneInfo timeZone)
    {
        var midnight = day.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        var offset = timeZone.GetUtcOffset(midnight.AddTicks(-1));
        return new DateTimeOffset(midnight, offset).ToUniversalTime();
    }

    private static string Iso(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
