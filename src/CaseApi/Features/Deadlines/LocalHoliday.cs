using PublicHoliday;

namespace CaseApi.Features.Deadlines;

/// <summary>
/// A public holiday of the organisation's municipality that its jurisdiction's calendar lacks, or (with <c>observed</c>
/// false) one of that calendar's holidays the municipality does not keep. Either a fixed date (<c>month</c> and <c>day</c>)
/// or a movable feast counted from Easter Sunday (<c>daysAfterEaster</c>).
/// </summary>
/// <remarks>
/// German states leave some holidays to the municipality: Bavaria keeps Assumption Day only where the population is
/// predominantly Catholic (FTG Art. 1(1) no. 2; the State Office for Statistics lists the municipalities, Art. 1(3):
/// Munich and Augsburg yes, Nuremberg, Fürth and Erlangen no), Augsburg alone keeps 8 August (FTG Art. 1(2)), and Thuringia
/// keeps Corpus Christi in some municipalities of Eichsfeld and its neighbours (ThürFGtG § 2(2)). Reg. 1182/71 Art. 2(1) and
/// BGB §193 take the holidays "at the place" where the act is done, so a reply that must reach the organisation follows them.
/// </remarks>
public sealed record LocalHoliday
{
    /// <summary>The month of a holiday on a fixed date (1–12), with <c>day</c>.</summary>
    /// <example>8</example>
    public int? Month { get; init; }

    /// <summary>The day of the month of a holiday on a fixed date, with <c>month</c>.</summary>
    /// <example>8</example>
    public int? Day { get; init; }

    /// <summary>For a movable feast instead of <c>month</c> and <c>day</c>: days after Easter Sunday (Corpus Christi: 60).</summary>
    public int? DaysAfterEaster { get; init; }

    /// <summary>The holiday's name, as <c>computation</c> will show it.</summary>
    /// <example>Augsburger Hohes Friedensfest</example>
    public required string Name { get; init; }

    /// <summary>The provision that makes it a holiday there, or not (optional), shown in <c>computation</c>.</summary>
    /// <example>FTG Art. 1(2)</example>
    public string? Basis { get; init; }

    /// <summary>
    /// True (the default) adds the holiday; false removes a holiday of the jurisdiction that the municipality does not keep
    /// (Assumption Day, 15 August, in Nuremberg).
    /// </summary>
    /// <example>true</example>
    public bool Observed { get; init; } = true;

    /// <summary>
    /// The day it falls on in <paramref name="year"/>; null for 29 February outside leap years. Easter is the Gregorian one,
    /// which the library computes alike for every Western calendar.
    /// </summary>
    public DateOnly? In(int year) =>
        DaysAfterEaster is { } days ? DateOnly.FromDateTime(GermanPublicHoliday.EasterSunday(year)).AddDays(days)
        : Day <= DateTime.DaysInMonth(year, Month!.Value) ? new DateOnly(year, Month.Value, Day.Value)
        : null;

    /// <summary>How <c>computation</c> names an added one: "Augsburger Hohes Friedensfest (a local holiday, FTG Art. 1(2))".</summary>
    public override string ToString() => Basis is null ? $"{Name} (a local holiday)" : $"{Name} (a local holiday, {Basis})";
}

/// <summary>The organisation's <see cref="LocalHoliday"/> entries, applied on top of its jurisdiction's calendar.</summary>
public sealed class LocalHolidays(IReadOnlyList<LocalHoliday> entries)
{
    public static readonly LocalHolidays None = new([]);

    public IReadOnlyList<LocalHoliday> Entries { get; } = entries;

    /// <summary>The holiday on <paramref name="day"/> after the local entries: an addition names it, a removal clears the jurisdiction's.</summary>
    public string? Adjust(DateOnly day, string? jurisdictionHoliday)
    {
        if (jurisdictionHoliday is not null)
        {
            return NotKeptOn(day) is null ? jurisdictionHoliday : null;
        }

        return Entries.FirstOrDefault(entry => entry.Observed && entry.In(day.Year) == day)?.ToString();
    }

    /// <summary>The removal that falls on <paramref name="day"/>, if any.</summary>
    public LocalHoliday? NotKeptOn(DateOnly day) => Entries.FirstOrDefault(entry => !entry.Observed && entry.In(day.Year) == day);
}
