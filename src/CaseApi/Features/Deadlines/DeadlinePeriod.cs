using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace CaseApi.Features.Deadlines;

/// <summary>
/// A period of whole years, months, weeks and days in ISO 8601 form (P14D, P2W, P1M14D): the
/// units Reg. 1182/71 Art. 3(2) counts in. Hours are left out on purpose: they follow other rules
/// (Art. 3(1) first subparagraph, and Art. 3(4) does not move them).
/// </summary>
public sealed partial record DeadlinePeriod(int Years, int Months, int Weeks, int Days)
{
    public static bool TryParse(string? text, [MaybeNullWhen(false)] out DeadlinePeriod period)
    {
        period = null;
        var match = text is null ? Match.Empty : Iso8601().Match(text);
        if (!match.Success)
        {
            return false;
        }

        var parsed = new DeadlinePeriod(Part(match, "y"), Part(match, "m"), Part(match, "w"), Part(match, "d"));
        if (parsed.IsEmpty || !parsed.EndsWithinTenYears)
        {
            return false;
        }

        period = parsed;
        return true;
    }

    /// <summary>
    /// The last day of the period counted from the day of the event, before Art. 3(4) moves it.
    /// The event day itself does not count (Art. 3(1)), so a period of days ends that many days
    /// later; weeks end on the same weekday and months or years on the same date, or the month's
    /// last day where that date does not exist (Art. 3(2)(c)), which is what AddMonths does.
    /// Years and months are added as one number of months so that 29 February + P1Y1M is 29 March,
    /// not 28 March; the weeks and days follow the months.
    /// </summary>
    public DateOnly LastDayFrom(DateOnly eventDay) =>
        eventDay.AddMonths(Years * 12 + Months).AddDays(Weeks * 7 + Days);

    public override string ToString()
    {
        var iso = new StringBuilder("P");
        Append(Years, 'Y');
        Append(Months, 'M');
        Append(Weeks, 'W');
        Append(Days, 'D');
        return iso.ToString();

        void Append(int value, char designator)
        {
            if (value > 0)
            {
                iso.Append(value.ToString(CultureInfo.InvariantCulture)).Append(designator);
            }
        }
    }

    private bool IsEmpty => Years + Months + Weeks + Days == 0;

    // A sanity bound against typos such as P14M for P14D or P999Y, not a legal limit; the
    // longest periods we meet are limitation periods of a few years.
    private bool EndsWithinTenYears
    {
        get
        {
            var reference = new DateOnly(2000, 1, 1);
            return Years <= 10 && Months <= 120 && Weeks <= 530 && Days <= 3660
                && LastDayFrom(reference) <= reference.AddYears(10);
        }
    }

    private static int Part(Match match, string group) =>
        match.Groups[group].Success ? int.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture) : 0;

    // [0-9], not \d, which also matches other scripts' digits; at most four digits keep int.Parse
    // safe; \z, not $, which would let a trailing newline through.
    [GeneratedRegex(@"^P(?:(?<y>[0-9]{1,4})Y)?(?:(?<m>[0-9]{1,4})M)?(?:(?<w>[0-9]{1,4})W)?(?:(?<d>[0-9]{1,4})D)?\z", RegexOptions.CultureInvariant)]
    private static partial Regex Iso8601();
}
