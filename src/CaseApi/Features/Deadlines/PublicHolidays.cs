using System.Collections.Concurrent;
using PublicHoliday;

namespace CaseApi.Features.Deadlines;

/// <summary>
/// The public holidays the PublicHoliday library knows, by jurisdiction and year, with English
/// names where we have them.
/// </summary>
/// <remarks>
/// Covered: DE with its 16 Länder (DE-BW … DE-TH), CH with its 26 cantons (CH-ZH …), GB (also
/// written UK) with GB-ENG, GB-WLS, GB-SCT and GB-NIR, FR with Alsace-Moselle (FR-57, FR-67,
/// FR-68, FR-6AE), PT with the Azores (PT-20) and Madeira (PT-30), and without regions AT, BE,
/// CZ, DK, EE, ES, FI, GR, HR, HU, IE, IT, LT, LU, LV, NL, NO, PL, RO, SE, SI, SK. Not covered:
/// BG, CY, IS, LI, MT, and every region not listed, whose own holidays (a Spanish autonomous
/// community's, an Italian city's patron saint) are missing; a bare country code means only
/// the holidays kept throughout that country. The library's non-European calendars are left out:
/// they follow other deadline laws, and their regions would need mapping of their own.
/// </remarks>
internal static class PublicHolidays
{
    private static readonly ConcurrentDictionary<(string Calendar, int Year), IReadOnlyDictionary<DateOnly, string>> Cache = new();

    /// <summary>Does the library know this jurisdiction's holidays, region included?</summary>
    public static bool Covers(Jurisdiction jurisdiction) =>
        Resolve(jurisdiction) is { } calendar && calendar.Key == jurisdiction.ToString();

    /// <summary>The year's holidays by date; empty where the library has no calendar for the country.</summary>
    public static IReadOnlyDictionary<DateOnly, string> InYear(Jurisdiction jurisdiction, int year)
    {
        if (Resolve(jurisdiction) is not { } calendar)
        {
            return new Dictionary<DateOnly, string>();
        }

        return Cache.GetOrAdd((calendar.Key, year), key => Load(calendar, key.Year));
    }

    private sealed record Calendar(string Key, Func<PublicHolidayBase>[] Sources);

    /// <summary>
    /// The calendar for the jurisdiction, keyed by what it resolved to: a region the library does
    /// not know falls back to its country's calendar (and then <see cref="Covers"/> says no).
    /// </summary>
    private static Calendar? Resolve(Jurisdiction jurisdiction)
    {
        var country = jurisdiction.Country == "UK" ? "GB" : jurisdiction.Country;
        var subdivision = jurisdiction.Region?[(jurisdiction.Country.Length + 1)..];
        var regional = subdivision is null ? null : Regional(country, subdivision);
        if (regional is not null)
        {
            return new Calendar(jurisdiction.ToString(), regional);
        }

        return National(country) is { } national ? new Calendar(jurisdiction.Country, national) : null;
    }

    private static Func<PublicHolidayBase>[]? Regional(string country, string subdivision) => country switch
    {
        "DE" when Enum.TryParse<GermanPublicHoliday.States>(subdivision, out var state) && state != GermanPublicHoliday.States.ALL =>
            [() => new GermanPublicHoliday { State = state }],
        "CH" when Enum.TryParse<SwitzerlandPublicHoliday.Cantons>(subdivision, out var canton)
                  && canton is not (SwitzerlandPublicHoliday.Cantons.ALL or SwitzerlandPublicHoliday.Cantons.OnlyOfficial) =>
            [() => new SwitzerlandPublicHoliday(false, false, false) { Canton = canton }],
        "GB" => subdivision switch
        {
            "ENG" or "WLS" => [() => new UKBankHoliday(UKBankHoliday.UkCountries.England)],
            "SCT" => [() => new UKBankHoliday(UKBankHoliday.UkCountries.Scotland)],
            "NIR" => [() => new UKBankHoliday(UKBankHoliday.UkCountries.NorthernIreland)],
            _ => null,
        },
        // Alsace and Moselle keep Good Friday and St Stephen's Day from the German-era local law.
        "FR" when subdivision is "57" or "67" or "68" or "6AE" =>
            [() => new FrancePublicHoliday { Region = FrancePublicHoliday.Regions.AlsaceMoselle }],
        "PT" when subdivision is "20" => [() => new PortugalPublicHoliday { Region = PortugalPublicHoliday.Regions.Acores }],
        "PT" when subdivision is "30" => [() => new PortugalPublicHoliday { Region = PortugalPublicHoliday.Regions.Madeira }],
        _ => null,
    };

    private static Func<PublicHolidayBase>[]? National(string country) => country switch
    {
        "AT" => [() => new AustriaPublicHoliday()],
        "BE" => [() => new BelgiumPublicHoliday()],
        // Federal holidays only; the cantons add most of the others.
        "CH" => [() => new SwitzerlandPublicHoliday(false, false, false)],
        "CZ" => [() => new CzechRepublicPublicHoliday()],
        "DE" => [() => new GermanPublicHoliday()],
        "DK" => [() => new DenmarkPublicHoliday()],
        "EE" => [() => new EstoniaPublicHoliday()],
        "ES" => [() => new SpainPublicHoliday()],
        // Finnish Act 150/1930 on calculating statutory time limits § 5 also moves a deadline off
        // Midsummer Eve and Christmas Eve, which the library counts only when asked to.
        "FI" => [() => new FinlandPublicHoliday(true)],
        "FR" => [() => new FrancePublicHoliday()],
        // The bank holidays of all four nations: a UK-wide deadline can't rely on one nation's.
        "GB" =>
        [
            () => new UKBankHoliday(UKBankHoliday.UkCountries.England),
            () => new UKBankHoliday(UKBankHoliday.UkCountries.Scotland),
            () => new UKBankHoliday(UKBankHoliday.UkCountries.NorthernIreland),
        ],
        "GR" => [() => new GreecePublicHoliday()],
        "HR" => [() => new CroatiaPublicHoliday()],
        "HU" => [() => new HungaryPublicHoliday()],
        "IE" => [() => new IrelandPublicHoliday()],
        "IT" => [() => new ItalyPublicHoliday()],
        "LT" => [() => new LithuaniaPublicHoliday()],
        "LU" => [() => new LuxembourgPublicHoliday()],
        "LV" => [() => new LatviaPublicHoliday()],
        "NL" => [() => new DutchPublicHoliday()],
        "NO" => [() => new NorwayPublicHoliday()],
        "PL" => [() => new PolandPublicHoliday()],
        "PT" => [() => new PortugalPublicHoliday()],
        "RO" => [() => new RomanianPublicHoliday()],
        "SE" => [() => new SwedenPublicHoliday()],
        "SI" => [() => new SloveniaPublicHoliday()],
        "SK" => [() => new SlovakiaPublicHoliday()],
        _ => null,
    };

    /// <summary>Several sources (the UK's nations) give the days that are holidays in all of them.</summary>
    private static IReadOnlyDictionary<DateOnly, string> Load(Calendar calendar, int year)
    {
        var perSource = calendar.Sources.Select(source => HolidayNames(source(), year)).ToList();
        return perSource[0]
            .Where(holiday => perSource.All(other => other.ContainsKey(holiday.Key)))
            .ToDictionary(holiday => holiday.Key, holiday => holiday.Value);
    }

    private static Dictionary<DateOnly, string> HolidayNames(PublicHolidayBase source, int year)
    {
        // PublicHolidayNames, not PublicHolidaysInformation: the latter's names build
        // CultureInfo("en"), which throws under InvariantGlobalization. Its keys are the days the
        // holiday is kept on (a UK Christmas on a Saturday is kept on Monday the 27th).
        IDictionary<DateTime, string> names;
        try
        {
            names = source.PublicHolidayNames(year);
        }
        catch (ArgumentException)
        {
            // In years where two holidays share a day (Ascension on 1 May, as in 2008 and 2160)
            // the German and Swiss classes add the date twice and throw; the dates alone survive.
            names = source.PublicHolidays(year).Distinct().ToDictionary(day => day, _ => "a public holiday");
        }

        return names.ToDictionary(
            holiday => DateOnly.FromDateTime(holiday.Key),
            holiday => EnglishNames.GetValueOrDefault(holiday.Value, holiday.Value));
    }

    // The library names holidays in the country's language. Lawyers read the German-speaking
    // countries' names most, so those are translated; the rest stay as the library gives them.
    private static readonly Dictionary<string, string> EnglishNames = new(StringComparer.Ordinal)
    {
        ["Neujahrstag"] = "New Year's Day",
        ["Neujahr"] = "New Year's Day",
        ["Berchtoldstag"] = "St Berchtold's Day",
        ["Heilige Drei Könige"] = "Epiphany",
        ["Weltfrauentag"] = "International Women's Day",
        ["Karfreitag"] = "Good Friday",
        ["Ostersonntag"] = "Easter Sunday",
        ["Ostermontag"] = "Easter Monday",
        ["Tag der Arbeit"] = "Labour Day",
        ["Staatsfeiertag"] = "Labour Day",
        ["Tag der Befreiung"] = "Liberation Day",
        ["Christi Himmelfahrt"] = "Ascension Day",
        ["Auffahrt"] = "Ascension Day",
        ["Pfingstsonntag"] = "Whit Sunday",
        ["Pfingstmontag"] = "Whit Monday",
        ["Fronleichnam"] = "Corpus Christi",
        ["Bundesfeier"] = "Swiss National Day",
        ["Mariä Himmelfahrt"] = "Assumption Day",
        ["Kindertag"] = "World Children's Day",
        ["Tag der Deutschen Einheit"] = "German Unity Day",
        ["Nationalfeiertag"] = "National Day",
        ["Reformationstag"] = "Reformation Day",
        ["Allerheiligen"] = "All Saints' Day",
        ["Buß- und Bettag"] = "Day of Repentance and Prayer",
        ["Mariä Empfängnis"] = "Immaculate Conception",
        ["Weihnachtstag"] = "Christmas Day",
        ["Christtag"] = "Christmas Day",
        ["Weihnachten"] = "Christmas Day",
        ["Zweiter Weihnachtsfeiertag"] = "St Stephen's Day",
        ["Stefanitag"] = "St Stephen's Day",
        ["Stephanstag"] = "St Stephen's Day",
    };
}
