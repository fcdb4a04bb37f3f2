using CaseApi.Features.Demo;

namespace CaseApi.Tests.Features.Deadlines;

/// <summary>
/// Reg. 1182/71 Art. 2(1) (and BGB §193) take the public holidays of the place where the act must be done: an authority's
/// duty follows its country and region, a reply that must reach the organisation the organisation's. Dates by hand: Easter
/// Sunday 2026 is 5 April, so Corpus Christi (Easter + 60 days) is Thursday 4 June 2026, a holiday in North Rhine-Westphalia
/// (FTG NRW §2) and none in Ireland, whose June bank holiday is the first Monday, 1 June 2026.
/// </summary>
public sealed class DeadlinePlaceTests : IClassFixture<CaseApiFactory>
{
    private readonly CaseApiFactory api;

    public DeadlinePlaceTests(CaseApiFactory api)
    {
        this.api = api;
        // After every date below, so that filing and sending lie in the past.
        api.Clock.SetUtcNow(new DateTimeOffset(2026, 7, 1, 9, 0, 0, TimeSpan.Zero));
    }

    private async Task<JsonElement> ProgressDeadlineAsync(Letters.World world, string dpaCode, string filedOn)
    {
        await world.Client.CreatedAsync($"/v1/cases/{world.CaseId}/complaints",
            new { defendantId = world.DefendantId, dpaId = DemoData.DpaId(dpaCode), onBehalfOf = "organisation", filedOn });
        return (await world.Client.GetFromJsonAsync<JsonElement>($"/v1/deadlines?caseId={world.CaseId}")).GetProperty("items")
            .EnumerateArray().Single();
    }

    [Fact]
    public async Task The_Irish_DPC_s_Art_78_2_deadline_ignores_Corpus_Christi_in_the_organisation_s_North_Rhine_Westphalia_Reg_1182_71_Art_2_1()
    {
        var world = await Letters.WorldAsync(api, "DE-NW");

        var deadline = await ProgressDeadlineAsync(world, "ie-dpc", "2026-03-04");

        // GDPR Art. 78(2): three months from Wednesday 2026-03-04 end on Thursday 2026-06-04, a working day in Ireland.
        Assert.Equal("2026-06-04", deadline.GetProperty("dueDate").GetString());
        Assert.Contains("Holidays: IE, the authority's (ie-dpc)", deadline.GetProperty("computation").GetString());
    }

    [Fact]
    public async Task The_North_Rhine_Westphalian_authority_s_Art_78_2_deadline_moves_off_Corpus_Christi_BGB_193()
    {
        var world = await Letters.WorldAsync(api, "IE");

        var deadline = await ProgressDeadlineAsync(world, "de-nw-ldi", "2026-03-04");

        // The same three months end on 2026-06-04, Corpus Christi where the LDI NRW acts, so on Friday 2026-06-05
        // (Reg. 1182/71 Art. 3(4)), whatever the Irish organisation's own calendar says.
        Assert.Equal("2026-06-05", deadline.GetProperty("dueDate").GetString());
        var computation = deadline.GetProperty("computation").GetString()!;
        Assert.Contains("Corpus Christi, a public holiday in DE-NW", computation);
        Assert.Contains("Holidays: DE-NW, the authority's (de-nw-ldi)", computation);
    }

    [Fact]
    public async Task A_reply_to_the_organisation_s_letter_keeps_the_organisation_s_holidays_Reg_1182_71_Art_2_1()
    {
        var world = await Letters.WorldAsync(api, "DE-NW");

        // P14D from Thursday 2026-05-21 ends on Thursday 2026-06-04, Corpus Christi in North Rhine-Westphalia, where the reply
        // must arrive: Friday 2026-06-05.
        var sent = await world.SendAsync(await world.DraftAsync(), "2026-05-21T10:00:00+02:00", "P14D");

        Assert.Equal(DateOnly.Parse("2026-06-05"), sent.Deadline!.DueDate);
        Assert.Contains("Holidays: DE-NW, the organisation's", sent.Deadline.Computation);
    }
}
