using CaseApi.Features.Deadlines;
using CaseApi.Features.Demo;
using CaseApi.Features.Organisations;
using CaseApi.Infrastructure.Json;

namespace CaseApi.Tests.Features.Deadlines;

/// <summary>
/// Holidays that a German state leaves to the municipality. Bavaria keeps Assumption Day (15 August) only in municipalities
/// with a predominantly Catholic population (FTG Art. 1(1) no. 2; the State Office for Statistics determines which, Art. 1(3):
/// Munich yes, Nuremberg no), and Augsburg alone keeps the Augsburger Hohes Friedensfest on 8 August (FTG Art. 1(2)).
/// Thuringia keeps Corpus Christi in some municipalities only (ThürFGtG § 2(2)). BGB §193 and Reg. 1182/71 Art. 2(1) take the
/// holidays of the place: a reply that must reach the organisation follows its municipality's.
/// Dates by hand: 2025-08-01, 2025-08-08 and 2025-08-15 are Fridays, 2025-08-11 and 2025-08-18 Mondays; Easter Sunday 2025
/// is 20 April, so Corpus Christi (Easter + 60 days) is Thursday 2025-06-19, and 2025-06-05 is a Thursday too.
/// </summary>
public sealed class LocalHolidayTests(CaseApiFactory api) : IClassFixture<CaseApiFactory>
{
    private static readonly object Nuremberg = new
    {
        localHolidays = new[] { new { month = 8, day = 15, name = "Assumption Day", basis = "FTG Art. 1(1) no. 2, Art. 1(3)", observed = false } },
    };

    private static readonly object Augsburg = new
    {
        localHolidays = new[] { new { month = 8, day = 8, name = "Augsburger Hohes Friedensfest", basis = "FTG Art. 1(2)" } },
    };

    private async Task<Letters.World> OrganisationAsync(string jurisdiction, object settings)
    {
        var world = await Letters.WorldAsync(api, jurisdiction);
        var response = await world.Client.SendWithIfMatchAsync(HttpMethod.Patch, "/v1/organisation", settings, 1);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return world;
    }

    private static async Task<DeadlineDto> DeadlineOfLetterAsync(Letters.World world, string sentAt, string period) =>
        (await world.SendAsync(await world.DraftAsync(), sentAt, period)).Deadline!;

    [Fact]
    public async Task In_Nuremberg_15_August_is_a_working_day_so_a_period_ending_on_it_stays_there_FTG_Art_1_1_no_2()
    {
        var world = await OrganisationAsync("DE-BY", Nuremberg);

        // P14D from Friday 2025-08-01 ends on Friday 2025-08-15: not a holiday in Nuremberg, so it stays.
        var deadline = await DeadlineOfLetterAsync(world, "2025-08-01T10:00:00+02:00", "P14D");

        Assert.Equal(DateOnly.Parse("2025-08-15"), deadline.DueDate);
        Assert.Contains("2025-08-15 is Assumption Day, a public holiday in DE-BY but not where the organisation is (FTG Art. 1(1) no. 2, Art. 1(3)).",
            deadline.Computation);
    }

    [Fact]
    public async Task In_Munich_the_same_period_moves_off_Assumption_Day_to_Monday_BGB_193()
    {
        var world = await Letters.WorldAsync(api, "DE-BY");

        // Without local entries DE-BY keeps 15 August (as Munich does): Friday 2025-08-15 moves to Monday 2025-08-18.
        var deadline = await DeadlineOfLetterAsync(world, "2025-08-01T10:00:00+02:00", "P14D");

        Assert.Equal(DateOnly.Parse("2025-08-18"), deadline.DueDate);
        Assert.DoesNotContain("not where the organisation is", deadline.Computation);
    }

    [Fact]
    public async Task In_Augsburg_a_period_ending_on_8_August_moves_to_Monday_FTG_Art_1_2()
    {
        var world = await OrganisationAsync("DE-BY", Augsburg);

        // P7D from Friday 2025-08-01 ends on Friday 2025-08-08, the Hohes Friedensfest; Saturday and Sunday follow: Monday 2025-08-11.
        var deadline = await DeadlineOfLetterAsync(world, "2025-08-01T10:00:00+02:00", "P7D");

        Assert.Equal(DateOnly.Parse("2025-08-11"), deadline.DueDate);
        Assert.Contains("2025-08-08 is Augsburger Hohes Friedensfest (a local holiday, FTG Art. 1(2))", deadline.Computation);
    }

    [Fact]
    public async Task In_a_Thuringian_municipality_that_keeps_Corpus_Christi_a_period_ending_on_it_moves_ThuerFGtG_2_2()
    {
        var world = await OrganisationAsync("DE-TH", new
        {
            localHolidays = new[] { new { daysAfterEaster = 60, name = "Corpus Christi", basis = "ThürFGtG § 2(2)" } },
        });

        // P14D from Thursday 2025-06-05 ends on Thursday 2025-06-19, Corpus Christi there: Friday 2025-06-20.
        var deadline = await DeadlineOfLetterAsync(world, "2025-06-05T10:00:00+02:00", "P14D");

        Assert.Equal(DateOnly.Parse("2025-06-20"), deadline.DueDate);
        Assert.Contains("2025-06-19 is Corpus Christi (a local holiday, ThürFGtG § 2(2))", deadline.Computation);
    }

    [Fact]
    public async Task The_authority_s_Art_78_2_deadline_keeps_its_own_calendar_not_the_organisation_s_local_holiday_Reg_1182_71_Art_2_1()
    {
        var world = await OrganisationAsync("DE-BY", Augsburg);

        // Three months from 2025-05-08 end on Friday 2025-08-08: Augsburg's holiday, but the Bavarian authority acts in Ansbach.
        await world.Client.CreatedAsync($"/v1/cases/{world.CaseId}/complaints",
            new { defendantId = world.DefendantId, dpaId = DemoData.DpaId("de-by-lda"), onBehalfOf = "organisation", filedOn = "2025-05-08" });
        var deadline = (await world.Client.GetAsync<Page<DeadlineDto>>($"/v1/deadlines?caseId={world.CaseId}")).Items.Single();

        Assert.Equal(DateOnly.Parse("2025-08-08"), deadline.DueDate);
        Assert.Contains("Holidays: DE-BY, the authority's (de-by-lda)", deadline.Computation);
    }

    [Fact]
    public async Task The_local_holidays_are_read_back_and_null_empties_them()
    {
        var world = await OrganisationAsync("DE-BY", Augsburg);

        var entry = (await world.Client.GetAsync<OrganisationDto>("/v1/organisation")).LocalHolidays.Single();
        Assert.Equal(8, entry.Month);
        Assert.Equal(8, entry.Day);
        Assert.Equal("FTG Art. 1(2)", entry.Basis);
        Assert.True(entry.Observed);

        var emptied = await world.Client.SendWithIfMatchAsync(HttpMethod.Patch, "/v1/organisation", new { localHolidays = (object?)null }, 2);
        Assert.Empty((await emptied.ReadAsync<OrganisationDto>()).LocalHolidays);

        // With the entry gone, 8 August is an ordinary Friday again: P7D from 2025-08-01 ends on it.
        Assert.Equal(DateOnly.Parse("2025-08-08"), (await DeadlineOfLetterAsync(world, "2025-08-01T10:00:00+02:00", "P7D")).DueDate);
    }

    public static TheoryData<string, object> BadEntries => new()
    {
        { "localHolidays[0].month", new { month = 13, day = 1, name = "x" } },
        { "localHolidays[0].day", new { month = 4, day = 31, name = "x" } },
        { "localHolidays[0].date", new { month = 8, day = 8, daysAfterEaster = 60, name = "x" } },
        { "localHolidays[0].date", new { name = "x" } },
        { "localHolidays[0].daysAfterEaster", new { daysAfterEaster = 200, name = "x" } },
        { "localHolidays[0].name", new { month = 8, day = 8, name = "" } },
        { "localHolidays[0].name", new { month = 8, day = 8, name = new string('x', 101) } },
        // 15 September is no holiday in Bavaria: a removal must name one of the jurisdiction's (a typo for 15 August).
        { "localHolidays[0]", new { month = 9, day = 15, name = "Assumption Day", observed = false } },
    };

    [Theory]
    [MemberData(nameof(BadEntries))]
    public async Task An_entry_that_is_no_real_day_or_removes_no_holiday_is_refused_naming_the_field(string field, object entry)
    {
        var world = await Letters.WorldAsync(api, "DE-BY");

        var response = await world.Client.SendWithIfMatchAsync(HttpMethod.Patch, "/v1/organisation", new { localHolidays = new[] { entry } }, 1);

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task More_than_twenty_entries_or_two_on_one_day_are_refused()
    {
        var world = await Letters.WorldAsync(api, "DE-BY");

        var tooMany = Enumerable.Range(1, 21).Select(day => new { month = 3, day, name = "x" }).ToArray();
        var twice = new[] { new { month = 8, day = 8, name = "x" }, new { month = 8, day = 8, name = "y" } };

        foreach (var entries in new[] { tooMany, twice })
        {
            var response = await world.Client.SendWithIfMatchAsync(HttpMethod.Patch, "/v1/organisation", new { localHolidays = entries }, 1);
            var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "validation_failed");
            Assert.True(problem.GetProperty("errors").TryGetProperty("localHolidays", out _), problem.ToString());
        }
    }

    [Fact]
    public async Task Moving_to_a_state_without_the_removed_holiday_is_refused_until_the_removal_goes()
    {
        var world = await OrganisationAsync("DE-BY", Nuremberg);

        // North Rhine-Westphalia has no 15 August to take away: the stored removal would silently mean nothing.
        var moved = await world.Client.SendWithIfMatchAsync(HttpMethod.Patch, "/v1/organisation", new { jurisdiction = "DE-NW" }, 2);
        var problem = await ProblemAssert.IsProblemAsync(moved, HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("localHolidays[0]", out _), problem.ToString());

        var movedWithout = await world.Client.SendWithIfMatchAsync(HttpMethod.Patch, "/v1/organisation",
            new { jurisdiction = "DE-NW", localHolidays = Array.Empty<object>() }, 2);
        Assert.Equal(HttpStatusCode.OK, movedWithout.StatusCode);
    }
}
