using System.Globalization;
using CaseApi.Features.Deadlines;

namespace CaseApi.Tests.Features.Deadlines;

public sealed class DeadlineCalendarTests
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
    private static readonly Jurisdiction NorthRhineWestphalia = Parse("DE-NW");
    private static readonly DeadlineCalendar Calendar = new([]);

    // Letters go out in the morning, Berlin time, unless a test is about the time of day.
    private static DateTimeOffset SentOn(string day) =>
        new(DateOnly.Parse(day).ToDateTime(new TimeOnly(10, 0)), Berlin.GetUtcOffset(DateOnly.Parse(day).ToDateTime(new TimeOnly(10, 0))));

    private static DeadlinePeriod Period(string text) =>
        DeadlinePeriod.TryParse(text, out var period) ? period : throw new ArgumentException(text);

    private static Jurisdiction Parse(string text) =>
        Jurisdiction.TryParse(text, out var jurisdiction) ? jurisdiction : throw new ArgumentException(text);

    private static ComputedDeadline Due(string sentOn, string period, string jurisdiction = "DE-NW") =>
        Calendar.FromPeriod(SentOn(sentOn), Period(period), Parse(jurisdiction), Berlin);

    private static DateOnly Day(string day) => DateOnly.Parse(day);

    private static DateTimeOffset Utc(string instant) => DateTimeOffset.Parse(instant);

    [Fact]
    public void A_cease_and_desist_letter_sent_on_30_April_2025_with_P1M_is_due_at_the_end_of_30_May_Berlin_time()
    {
        var deadline = Due("2025-04-30", "P1M");

        Assert.Equal(Day("2025-04-30"), deadline.StartsOn);
        Assert.Equal(Day("2025-05-30"), deadline.DueDate);
        Assert.Equal(Utc("2025-05-30T22:00:00Z"), deadline.DueAt);
        Assert.Equal(TimeSpan.Zero, deadline.DueAt.Offset);
        Assert.Equal("P1M from 2025-04-30: 2025-05-30, a Friday.", deadline.Computation);
    }

    [Fact]
    public void The_same_letter_with_P14D_is_due_on_14_May_because_the_day_it_was_sent_does_not_count()
    {
        var deadline = Due("2025-04-30", "P14D");

        Assert.Equal(Day("2025-05-14"), deadline.DueDate);
        Assert.Equal(Utc("2025-05-14T22:00:00Z"), deadline.DueAt);
    }

    [Fact]
    public void Two_weeks_from_a_Wednesday_end_on_a_Wednesday()
    {
        var deadline = Due("2025-09-03", "P2W");

        Assert.Equal(Day("2025-09-17"), deadline.DueDate);
        Assert.Equal(DayOfWeek.Wednesday, deadline.DueDate.DayOfWeek);
    }

    [Theory]
    [InlineData("2025-01-31", "2025-02-28")]
    [InlineData("2024-01-31", "2024-02-29")]
    [InlineData("2025-03-31", "2025-04-30")]
    public void A_month_from_a_date_its_last_month_lacks_ends_on_that_months_last_day(string sentOn, string due)
    {
        Assert.Equal(Day(due), Due(sentOn, "P1M").DueDate);
    }

    [Fact]
    public void Years_and_months_are_counted_together_so_a_year_and_a_month_from_29_February_ends_on_29_March()
    {
        Assert.Equal(Day("2025-03-31"), Due("2024-02-29", "P1Y1M").DueDate); // 29 March 2025 is a Saturday.
        Assert.Equal(Day("2025-02-28"), Due("2024-02-29", "P1Y").DueDate);
    }

    [Fact]
    public void A_month_and_14_days_adds_the_month_first()
    {
        Assert.Equal(Day("2025-03-14"), Due("2025-01-31", "P1M14D").DueDate);
    }

    [Fact]
    public void A_last_day_on_a_Saturday_moves_to_Monday_and_the_computation_says_why()
    {
        var deadline = Due("2025-05-03", "P14D");

        Assert.Equal(Day("2025-05-19"), deadline.DueDate);
        Assert.Equal(Utc("2025-05-19T22:00:00Z"), deadline.DueAt);
        Assert.Equal(
            "P14D from 2025-05-03: 2025-05-17 is a Saturday, so the period ends on the next working day, Monday 2025-05-19 (Reg. 1182/71 Art. 3(4)).",
            deadline.Computation);
    }

    [Fact]
    public void A_last_day_on_a_Sunday_moves_to_Monday()
    {
        Assert.Equal(Day("2025-05-19"), Due("2025-05-11", "P1W").DueDate);
    }

    [Theory]
    [InlineData("2025-03-21", "P1M", "2025-04-22", "2025-04-21 is Easter Monday")]
    [InlineData("2025-04-01", "P1M", "2025-05-02", "2025-05-01 is Labour Day")]
    [InlineData("2025-09-19", "P14D", "2025-10-06", "2025-10-03 is German Unity Day")]
    public void A_last_day_on_a_public_holiday_moves_to_the_next_working_day(string sentOn, string period, string due, string reason)
    {
        var deadline = Due(sentOn, period);

        Assert.Equal(Day(due), deadline.DueDate);
        Assert.Contains(reason + ", a public holiday in DE-NW", deadline.Computation, StringComparison.Ordinal);
    }

    [Fact]
    public void A_last_day_on_Whit_Monday_names_the_holiday_and_the_jurisdiction()
    {
        var deadline = Due("2025-05-26", "P14D");

        Assert.Equal(Day("2025-06-10"), deadline.DueDate);
        Assert.Equal(
            "P14D from 2025-05-26: 2025-06-09 is Whit Monday, a public holiday in DE-NW, so the period ends on the next working day, Tuesday 2025-06-10 (Reg. 1182/71 Art. 3(4)).",
            deadline.Computation);
    }

    [Fact]
    public void A_day_from_Christmas_Eve_skips_both_Christmas_days_and_the_weekend_to_Monday_29_December()
    {
        var deadline = Due("2025-12-24", "P1D");

        Assert.Equal(Day("2025-12-29"), deadline.DueDate);
        Assert.Equal(Utc("2025-12-29T23:00:00Z"), deadline.DueAt);
        Assert.Equal(
            "P1D from 2025-12-24: 2025-12-25 is Christmas Day, a public holiday in DE-NW, and 2025-12-26 is St Stephen's Day, so the period ends on the next working day, Monday 2025-12-29 (Reg. 1182/71 Art. 3(4)).",
            deadline.Computation);
    }

    [Fact]
    public void A_last_day_on_Good_Friday_skips_the_Easter_weekend_and_Easter_Monday()
    {
        var deadline = Due("2025-03-18", "P1M");

        Assert.Equal(Day("2025-04-22"), deadline.DueDate);
        Assert.Contains("2025-04-18 is Good Friday, a public holiday in DE-NW, and 2025-04-21 is Easter Monday", deadline.Computation, StringComparison.Ordinal);
    }

    [Fact]
    public void Corpus_Christi_moves_a_deadline_in_North_Rhine_Westphalia_but_not_in_Berlin()
    {
        Assert.Equal(Day("2025-06-20"), Due("2025-05-19", "P1M", "DE-NW").DueDate);
        Assert.Equal(Day("2025-06-19"), Due("2025-05-19", "P1M", "DE-BE").DueDate);
    }

    [Fact]
    public void Reformation_Day_moves_a_deadline_in_Saxony_over_the_weekend_but_not_in_North_Rhine_Westphalia()
    {
        Assert.Equal(Day("2025-11-03"), Due("2025-10-17", "P14D", "DE-SN").DueDate);
        Assert.Equal(Day("2025-10-31"), Due("2025-10-17", "P14D", "DE-NW").DueDate);
    }

    // The library's regional holidays, checked against the Länder's holiday laws for 2025.
    [Theory]
    [InlineData("2025-06-19", "DE-NW", "Corpus Christi")]
    [InlineData("2025-06-19", "DE-BY", "Corpus Christi")]
    [InlineData("2025-06-19", "DE-BE", null)]
    [InlineData("2025-06-19", "DE-HH", null)]
    [InlineData("2025-06-19", "DE", null)]
    [InlineData("2025-10-31", "DE-SN", "Reformation Day")]
    [InlineData("2025-10-31", "DE-HH", "Reformation Day")]
    [InlineData("2025-10-31", "DE-NW", null)]
    [InlineData("2025-11-01", "DE-NW", "All Saints' Day")]
    [InlineData("2025-11-19", "DE-SN", "Day of Repentance and Prayer")]
    [InlineData("2025-11-19", "DE-BY", null)]
    [InlineData("2025-01-06", "DE-BW", "Epiphany")]
    [InlineData("2025-09-20", "DE-TH", "World Children's Day")]
    [InlineData("2025-05-08", "DE-BE", "Liberation Day")]
    [InlineData("2025-08-15", "DE-SL", "Assumption Day")]
    [InlineData("2025-10-03", "DE", "German Unity Day")]
    public void German_regional_holidays_follow_the_Laender(string day, string jurisdiction, string? holiday)
    {
        Calendar.IsNonWorkingDay(Day(day), Parse(jurisdiction), out var name);

        Assert.Equal(holiday, name);
    }

    [Fact]
    public void Weekends_are_non_working_days_without_a_name_and_working_days_are_neither()
    {
        Assert.True(Calendar.IsNonWorkingDay(Day("2025-05-17"), NorthRhineWestphalia, out var saturday));
        Assert.Null(saturday);
        Assert.False(Calendar.IsNonWorkingDay(Day("2025-05-16"), NorthRhineWestphalia, out var friday));
        Assert.Null(friday);
    }

    [Fact]
    public void A_UK_wide_deadline_counts_only_the_bank_holidays_all_four_nations_keep()
    {
        Assert.True(Calendar.IsNonWorkingDay(Day("2025-03-17"), Parse("GB-NIR"), out _));
        Assert.False(Calendar.IsNonWorkingDay(Day("2025-03-17"), Parse("GB"), out _));
        Assert.True(Calendar.IsNonWorkingDay(Day("2025-08-04"), Parse("GB-SCT"), out _));
        Assert.True(Calendar.IsNonWorkingDay(Day("2025-08-25"), Parse("GB-ENG"), out _));
        Assert.False(Calendar.IsNonWorkingDay(Day("2025-08-25"), Parse("GB"), out _));
        Assert.True(Calendar.IsNonWorkingDay(Day("2025-12-26"), Parse("UK"), out var boxingDay));
        Assert.Equal("Boxing Day", boxingDay);
    }

    [Fact]
    public void An_event_late_in_the_evening_UTC_that_is_already_the_next_day_in_Berlin_counts_from_the_Berlin_day()
    {
        var deadline = Calendar.FromPeriod(Utc("2025-04-30T22:30:00Z"), Period("P14D"), NorthRhineWestphalia, Berlin);

        Assert.Equal(Day("2025-05-01"), deadline.StartsOn);
        Assert.Equal(Day("2025-05-15"), deadline.DueDate);
        Assert.Equal(
            "P14D from 2025-05-01 (the event at 2025-04-30T22:30Z fell on 2025-05-01 in Europe/Berlin): 2025-05-15, a Thursday.",
            deadline.Computation);
    }

    [Fact]
    public void An_event_just_before_midnight_Berlin_time_counts_from_that_day()
    {
        var deadline = Calendar.FromPeriod(Utc("2025-04-30T21:59:59Z"), Period("P14D"), NorthRhineWestphalia, Berlin);

        Assert.Equal(Day("2025-05-14"), deadline.DueDate);
        Assert.DoesNotContain("fell on", deadline.Computation, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2025-10-10", "2025-10-24", "2025-10-24T22:00:00Z")] // summer time until the day ends
    [InlineData("2025-10-13", "2025-10-27", "2025-10-27T23:00:00Z")] // winter time after 26 October
    [InlineData("2025-03-14", "2025-03-28", "2025-03-28T23:00:00Z")] // winter time before 30 March
    [InlineData("2025-03-17", "2025-03-31", "2025-03-31T22:00:00Z")] // summer time after 30 March
    public void A_deadline_on_either_side_of_a_clock_change_ends_at_local_midnight_in_UTC(string sentOn, string due, string dueAt)
    {
        var deadline = Due(sentOn, "P14D");

        Assert.Equal(Day(due), deadline.DueDate);
        Assert.Equal(Utc(dueAt), deadline.DueAt);
        Assert.Equal(TimeSpan.Zero, deadline.DueAt.Offset);
    }

    [Theory]
    [InlineData("2025-03-30", "2025-03-30T22:00:00Z")] // a day of 23 hours
    [InlineData("2025-10-26", "2025-10-26T23:00:00Z")] // a day of 25 hours
    public void A_date_given_on_the_day_the_clocks_change_ends_at_that_days_local_midnight(string due, string dueAt)
    {
        // Both days are Sundays, kept on purpose (rollOver: false): the test is about where that day ends.
        var deadline = Calendar.FromDate(SentOn("2025-03-01"), Day(due), NorthRhineWestphalia, Berlin, rollOver: false);

        Assert.Equal(Utc(dueAt), deadline.DueAt);
    }

    // BGB § 193 moves a day set "an einem bestimmten Tage" as it moves the end of a period: Saturday 17 May 2025 → Monday 19 May.
    // (Until issue 12 this date was kept as given, citing Reg. 1182/71 Art. 3(4), which speaks of periods only.)
    [Fact]
    public void BGB_193_moves_a_date_the_letter_names_off_a_Saturday()
    {
        var deadline = Calendar.FromDate(SentOn("2025-05-02"), Day("2025-05-17"), NorthRhineWestphalia, Berlin);

        Assert.Equal(Day("2025-05-02"), deadline.StartsOn);
        Assert.Equal(Day("2025-05-17"), deadline.LastDay);
        Assert.Equal(Day("2025-05-19"), deadline.DueDate);
        Assert.Equal(Utc("2025-05-19T22:00:00Z"), deadline.DueAt);
        Assert.Equal(
            "Date given: 2025-05-17 is a Saturday, so the day moves to the next working day, Monday 2025-05-19 (BGB § 193: \"an einem bestimmten Tage oder innerhalb einer Frist\").",
            deadline.Computation);
    }

    // BGB § 193 with a holiday: Thursday 1 May 2025 (Tag der Arbeit, a public holiday in all Länder) → Friday 2 May.
    [Fact]
    public void BGB_193_moves_a_date_on_a_public_holiday_and_names_the_holiday()
    {
        var deadline = Calendar.FromDate(SentOn("2025-04-22"), Day("2025-05-01"), NorthRhineWestphalia, Berlin);

        Assert.Equal(Day("2025-05-02"), deadline.DueDate);
        Assert.Contains("2025-05-01 is ", deadline.Computation, StringComparison.Ordinal);
        Assert.Contains("a public holiday in DE-NW", deadline.Computation, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2026-03-16", "2026-03-29", "2026-03-30")] // Sunday → Monday (BGB § 193)
    [InlineData("2026-05-18", "2026-06-13", "2026-06-15")] // Saturday → Monday (BGB § 193)
    public void BGB_193_issue_12_dates(string sentOn, string given, string due)
    {
        Assert.Equal(Day(due), Calendar.FromDate(SentOn(sentOn), Day(given), NorthRhineWestphalia, Berlin).DueDate);
    }

    // § 193 is a rule of interpretation ("im Zweifel"): it does not apply where the day was set on a weekend on purpose.
    [Fact]
    public void A_date_kept_on_purpose_stays_on_the_Saturday_and_the_computation_says_so()
    {
        var deadline = Calendar.FromDate(SentOn("2026-05-18"), Day("2026-06-13"), NorthRhineWestphalia, Berlin, rollOver: false);

        Assert.Equal(Day("2026-06-13"), deadline.DueDate);
        Assert.Equal(Utc("2026-06-13T22:00:00Z"), deadline.DueAt);
        Assert.Equal(
            "Date given: 2026-06-13, a Saturday, kept as given at the organisation's choice (rollOver: false; BGB § 193 yields to a day set on purpose).",
            deadline.Computation);
    }

    [Fact]
    public void A_date_on_a_working_day_is_kept_and_rollOver_changes_nothing()
    {
        var rolled = Calendar.FromDate(SentOn("2026-05-18"), Day("2026-06-15"), NorthRhineWestphalia, Berlin);
        var kept = Calendar.FromDate(SentOn("2026-05-18"), Day("2026-06-15"), NorthRhineWestphalia, Berlin, rollOver: false);

        Assert.Equal("Date given: 2026-06-15, a Monday.", rolled.Computation);
        Assert.Equal(rolled, kept);
    }

    [Fact]
    public void A_date_before_the_event_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            Calendar.FromDate(SentOn("2025-05-20"), Day("2025-05-17"), NorthRhineWestphalia, Berlin));
    }

    [Fact]
    public void Extending_a_GDPR_deadline_by_two_further_months_counts_from_its_last_day()
    {
        var original = Due("2025-04-30", "P1M");

        var extended = Calendar.Extend(original, Period("P2M"), NorthRhineWestphalia, Berlin);

        Assert.Equal(original.StartsOn, extended.StartsOn);
        Assert.Equal(Day("2025-07-30"), extended.DueDate);
        Assert.Equal(Utc("2025-07-30T22:00:00Z"), extended.DueAt);
        Assert.Equal("Extended by P2M from 2025-05-30 (BGB § 190): 2025-07-30, a Wednesday.", extended.Computation);
    }

    // BGB § 190: the extension runs from the end of the old period as counted, before § 193 moved it. A month from Thursday
    // 30 April 2026 ends Saturday 30 May, moved to Monday 1 June; two further months run from 30 May to Thursday 30 July 2026,
    // not from 1 June to 1 August (a Saturday) and Monday 3 August.
    [Fact]
    public void BGB_190_an_extension_counts_from_the_unmoved_end_30_May_2026_not_from_1_June()
    {
        var original = Due("2026-04-30", "P1M");
        Assert.Equal(Day("2026-05-30"), original.LastDay);
        Assert.Equal(Day("2026-06-01"), original.DueDate);

        var extended = Calendar.Extend(original, Period("P2M"), NorthRhineWestphalia, Berlin);

        Assert.Equal(Day("2026-07-30"), extended.LastDay);
        Assert.Equal(Day("2026-07-30"), extended.DueDate);
        Assert.Equal(Utc("2026-07-30T22:00:00Z"), extended.DueAt);
        Assert.Equal("Extended by P2M from 2026-05-30, the last day before it moved to 2026-06-01 (BGB § 190): 2026-07-30, a Thursday.", extended.Computation);
    }

    [Fact]
    public void An_extension_ending_on_a_Saturday_moves_to_Monday()
    {
        var original = Due("2025-05-30", "P1M");

        var extended = Calendar.Extend(original, Period("P2M"), NorthRhineWestphalia, Berlin);

        Assert.Equal(Day("2025-09-01"), extended.DueDate);
        Assert.Equal(
            "Extended by P2M from 2025-06-30 (BGB § 190): 2025-08-30 is a Saturday, so the period ends on the next working day, Monday 2025-09-01 (Reg. 1182/71 Art. 3(4)).",
            extended.Computation);
    }

    [Fact]
    public void An_additional_holiday_for_a_region_applies_there_only_and_one_for_the_country_applies_to_its_regions()
    {
        var calendar = new DeadlineCalendar(
        [
            new AdditionalHoliday("DE-BY", Day("2025-08-08"), "Augsburg Peace Festival"),
            new AdditionalHoliday("DE", Day("2025-07-15"), "A national day of mourning"),
        ]);
        var bavaria = Parse("DE-BY");

        var deadline = calendar.FromPeriod(SentOn("2025-07-08"), Period("P1M"), bavaria, Berlin);

        Assert.Equal(Day("2025-08-11"), deadline.DueDate);
        Assert.Contains("2025-08-08 is Augsburg Peace Festival, a public holiday in DE-BY", deadline.Computation, StringComparison.Ordinal);
        Assert.Equal(Day("2025-08-08"), calendar.FromPeriod(SentOn("2025-07-08"), Period("P1M"), NorthRhineWestphalia, Berlin).DueDate);
        Assert.True(calendar.IsNonWorkingDay(Day("2025-07-15"), NorthRhineWestphalia, out var mourning));
        Assert.Equal("A national day of mourning", mourning);
        Assert.False(calendar.IsNonWorkingDay(Day("2025-07-15"), Parse("AT"), out _));
    }

    [Fact]
    public void Where_the_library_has_no_calendar_only_weekends_and_additional_holidays_count_and_the_calendar_says_so()
    {
        var calendar = new DeadlineCalendar([new AdditionalHoliday("MT", Day("2025-09-08"), "Victory Day")]);
        var malta = Parse("MT");

        Assert.False(calendar.HasHolidayCalendar(malta));
        Assert.False(calendar.IsNonWorkingDay(Day("2025-12-25"), malta, out _));
        Assert.Equal(Day("2025-09-09"), calendar.FromPeriod(SentOn("2025-08-25"), Period("P14D"), malta, Berlin).DueDate);
    }

    [Theory]
    [InlineData("DE", true)]
    [InlineData("DE-NW", true)]
    [InlineData("CH-ZH", true)]
    [InlineData("GB-SCT", true)]
    [InlineData("UK", true)]
    [InlineData("FR-67", true)]
    [InlineData("IE", true)]
    [InlineData("MT", false)]
    [InlineData("DE-XX", false)] // unknown region: national holidays only
    [InlineData("ES-CT", false)] // the library has no Spanish regions
    public void The_calendar_says_whether_the_library_knows_a_jurisdictions_holidays(string jurisdiction, bool known)
    {
        Assert.Equal(known, Calendar.HasHolidayCalendar(Parse(jurisdiction)));
    }

    [Fact]
    public void An_unknown_region_still_gets_its_countrys_holidays()
    {
        Assert.True(Calendar.IsNonWorkingDay(Day("2025-10-03"), Parse("DE-XX"), out var name));
        Assert.Equal("German Unity Day", name);
    }

    [Theory]
    [InlineData("P14D", 0, 0, 0, 14)]
    [InlineData("P2W", 0, 0, 2, 0)]
    [InlineData("P1M", 0, 1, 0, 0)]
    [InlineData("P3M", 0, 3, 0, 0)]
    [InlineData("P1Y", 1, 0, 0, 0)]
    [InlineData("P1M14D", 0, 1, 0, 14)]
    [InlineData("P10Y", 10, 0, 0, 0)]
    public void Periods_parse_from_ISO_8601_and_print_back_the_same(string text, int years, int months, int weeks, int days)
    {
        Assert.True(DeadlinePeriod.TryParse(text, out var period));
        Assert.Equal(new DeadlinePeriod(years, months, weeks, days), period);
        Assert.Equal(text, period.ToString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("P")]
    [InlineData("PT1H")]
    [InlineData("P1DT1H")]
    [InlineData("P-1D")]
    [InlineData("P1.5M")]
    [InlineData("14 days")]
    [InlineData("P0D")]
    [InlineData("P999Y")]
    [InlineData("P10Y1D")]
    [InlineData("P121M")]
    [InlineData("P99999D")]
    [InlineData("p14d")]
    [InlineData(" P14D")]
    [InlineData("P14D1M")]
    [InlineData("P١٤D")] // Arabic-Indic digits
    [InlineData("P14D\n")]
    public void Periods_that_are_not_whole_positive_ISO_8601_periods_of_at_most_ten_years_are_refused(string? text)
    {
        Assert.False(DeadlinePeriod.TryParse(text, out var period));
        Assert.Null(period);
    }

    [Theory]
    [InlineData("DE-NW", "DE", "DE-NW")]
    [InlineData("IE", "IE", null)]
    [InlineData("FR-6AE", "FR", "FR-6AE")]
    public void Jurisdictions_parse_as_a_country_and_an_optional_region(string text, string country, string? region)
    {
        Assert.True(Jurisdiction.TryParse(text, out var jurisdiction));
        Assert.Equal(new Jurisdiction(country, region), jurisdiction);
        Assert.Equal(text, jurisdiction.ToString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("D")]
    [InlineData("DEU")]
    [InlineData("de")]
    [InlineData("DE-nw")]
    [InlineData("DE-")]
    [InlineData("DE-NRWX")]
    [InlineData("DE_NW")]
    [InlineData(" DE")]
    [InlineData("DE-NW\n")]
    public void Anything_else_is_not_a_jurisdiction(string? text)
    {
        Assert.False(Jurisdiction.TryParse(text, out var jurisdiction));
        Assert.Null(jurisdiction);
    }

    // PublicHoliday's Holiday objects build CultureInfo("en"), which throws in the app
    // (InvariantGlobalization) but not in a test host with ICU: the tests must run as the app does.
    [Fact]
    public void The_tests_run_without_cultures_as_the_app_does()
    {
        Assert.Throws<CultureNotFoundException>(() => new CultureInfo("en"));
    }
}
