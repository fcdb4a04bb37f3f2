using CaseApi.Features.Correspondence;
using CaseApi.Features.Deadlines;

namespace CaseApi.Tests.Features.Deadlines;

/// <summary>
/// Issue 13 point 2: events that open chains of deadlines. Every date was computed by hand from the provision the test names
/// (weekdays from a calendar; NW holidays of 2026 include All Saints' Day, Sunday 1 November), never by the code under test.
/// The organisation is in DE-NW, Europe/Berlin.
/// </summary>
public sealed class DeadlineChainTests(CaseApiFactory api) : IClassFixture<CaseApiFactory>
{
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);

    private async Task<Letters.World> WorldAsync()
    {
        if (api.Clock.GetUtcNow() < Now)
        {
            api.Clock.SetUtcNow(Now);
        }

        return await Letters.WorldAsync(api);
    }

    private static Task<ChainResult> TriggerAsync(Letters.World world, object body) =>
        world.Client.CreatedAsync<ChainResult>($"/v1/cases/{world.CaseId}/deadline-triggers", body);

    private static DeadlineDto ByRule(ChainResult result, string rule) => result.Created.Single(d => d.Rule == rule);

    private static void AssertDue(DeadlineDto deadline, string dueDate, params string[] cited)
    {
        Assert.Equal(DateOnly.Parse(dueDate), deadline.DueDate);
        Assert.Equal(DeadlineKind.Procedural, deadline.Kind);
        foreach (var provision in cited)
        {
            Assert.Contains(provision, deadline.Computation, StringComparison.Ordinal);
        }
    }

    // UWG § 12(1) presumes urgency; with no court named the shortest window, one month (OLG München 6 U 4127/10, OLG Hamm 4 W 97/10):
    // from Friday 30 January 2026 to 28 February (BGB § 188(3): February has no 30th), a Saturday, not moved (OLG Hamm refused § 193).
    // UWG § 11(1), (2): six months from knowledge: Thursday 30 July 2026.
    [Fact]
    public async Task Knowledge_of_an_infringement_on_30_January_2026_opens_the_urgency_window_to_Saturday_28_February_and_limitation_to_30_July()
    {
        var world = await WorldAsync();

        var result = await TriggerAsync(world, new { kind = "infringement_known", occurredOn = "2026-01-30" });

        AssertDue(ByRule(result, "uwg.urgency_window"), "2026-02-28", "UWG § 12(1)", "no court named", "does not move");
        AssertDue(ByRule(result, "uwg.limitation_11"), "2026-07-30", "UWG § 11(1), (2)", "BGB § 199(1) does not apply");
    }

    // KG Berlin 5 U 282/08, 5 W 295/10: up to two months as a rule: from 30 January 2026 to Monday 30 March 2026.
    [Fact]
    public async Task Before_the_Kammergericht_the_urgency_window_from_30_January_2026_is_two_months_to_30_March()
    {
        var world = await WorldAsync();

        var result = await TriggerAsync(world, new { kind = "infringement_known", occurredOn = "2026-01-30", court = "de-kg", courtJurisdiction = "DE-BE" });

        AssertDue(ByRule(result, "uwg.urgency_window"), "2026-03-30", "Kammergericht Berlin: P2M", "5 U 282/08");
    }

    [Fact]
    public async Task A_court_without_a_recorded_practice_is_a_400_naming_court()
    {
        var world = await WorldAsync();

        var response = await world.Client.PostAsJsonAsync($"/v1/cases/{world.CaseId}/deadline-triggers",
            new { kind = "infringement_known", occurredOn = "2026-01-30", court = "olg-atlantis" });

        await ProblemAssert.NamesInvalidFieldAsync(response, "court");
    }

    // Filing the application is the act the urgency window asks for: it is met; limitation is only suspended (BGB § 204(1) no. 9) and stays open.
    [Fact]
    public async Task Applying_for_a_preliminary_injunction_meets_the_urgency_window_and_leaves_limitation_running()
    {
        var world = await WorldAsync();
        var opened = await TriggerAsync(world, new { kind = "infringement_known", occurredOn = "2026-01-30" });

        var applied = await TriggerAsync(world, new { kind = "preliminary_injunction_applied", occurredOn = "2026-02-20" });

        var ended = Assert.Single(applied.Ended);
        Assert.Equal(ByRule(opened, "uwg.urgency_window").Id, ended.Id);
        Assert.Equal(DeadlineStatus.Met, ended.Status);
        Assert.Equal(DeadlineStatus.Open, (await world.Client.GetAsync<DeadlineDto>($"/v1/deadlines/{ByRule(opened, "uwg.limitation_11").Id}")).Status);
    }

    // ZPO § 517: one month from service on Thursday 30 April 2026: Saturday 30 May, so Monday 1 June 2026 (ZPO § 222(2)).
    // ZPO § 520(2): two months from the same service: Tuesday 30 June 2026. Pronounced 5 March: the five months end 5 August, later.
    [Fact]
    public async Task A_judgment_served_on_30_April_2026_is_appealed_by_1_June_and_the_grounds_are_due_on_30_June()
    {
        var world = await WorldAsync();

        var result = await TriggerAsync(world, new { kind = "judgment_served", occurredOn = "2026-04-30", pronouncedOn = "2026-03-05", courtJurisdiction = "DE-NW" });

        AssertDue(ByRule(result, "zpo.appeal_517"), "2026-06-01", "ZPO § 517", "Notfrist", "ZPO § 222(2)", "the court's (DE-NW)");
        AssertDue(ByRule(result, "zpo.appeal_grounds_520_2"), "2026-06-30", "ZPO § 520(2)");
    }

    // Month end: served Saturday 31 January 2026; one month ends on 28 February (BGB § 188(3)), a Saturday: Monday 2 March 2026
    // (ZPO § 222(2)); two months: Tuesday 31 March 2026.
    [Fact]
    public async Task A_judgment_served_on_31_January_2026_is_appealed_by_Monday_2_March_and_grounded_by_31_March()
    {
        var world = await WorldAsync();

        var result = await TriggerAsync(world, new { kind = "judgment_served", occurredOn = "2026-01-31", pronouncedOn = "2026-01-20" });

        AssertDue(ByRule(result, "zpo.appeal_517"), "2026-03-02", "ZPO § 222(2)", "the organisation's, as no court's place is given");
        AssertDue(ByRule(result, "zpo.appeal_grounds_520_2"), "2026-03-31");
    }

    // ZPO § 517: the period begins "spätestens aber mit dem Ablauf von fünf Monaten nach der Verkündung". Pronounced Thursday 15 January
    // 2026: five months end on Monday 15 June; served only on 20 June, the month runs from 15 June to Wednesday 15 July 2026 (not 20 July).
    // § 520(2): two months from 15 June: Saturday 15 August, so Monday 17 August 2026 (ZPO § 222(2)).
    [Fact]
    public async Task ZPO_517_a_judgment_pronounced_on_15_January_2026_and_served_on_20_June_is_appealed_by_15_July_at_the_latest()
    {
        var world = await WorldAsync();

        var result = await TriggerAsync(world, new { kind = "judgment_served", occurredOn = "2026-06-20", pronouncedOn = "2026-01-15", courtJurisdiction = "DE-NW" });

        var appeal = ByRule(result, "zpo.appeal_517");
        AssertDue(appeal, "2026-07-15", "five-month cap of § 517", "with the end of 2026-06-15");
        Assert.Equal(DateOnly.Parse("2026-06-15"), appeal.StartsOn);
        AssertDue(ByRule(result, "zpo.appeal_grounds_520_2"), "2026-08-17", "ZPO § 520(2)", "ZPO § 222(2)");
    }

    // ZPO § 517 calls the appeal period a Notfrist, which § 224(1), (2) forbids to extend; § 520(2) sentences 2, 3 let the grounds be
    // extended: one month from the unmoved last day 30 June 2026 is Thursday 30 July 2026 (BGB § 190).
    [Fact]
    public async Task Extending_the_appeal_of_ZPO_517_is_a_409_naming_the_Notfrist_but_the_grounds_of_520_2_extend()
    {
        var world = await WorldAsync();
        var result = await TriggerAsync(world, new { kind = "judgment_served", occurredOn = "2026-04-30", pronouncedOn = "2026-03-05", courtJurisdiction = "DE-NW" });
        var appeal = ByRule(result, "zpo.appeal_517");
        var grounds = ByRule(result, "zpo.appeal_grounds_520_2");

        var refused = await world.Client.SendWithIfMatchAsync(HttpMethod.Post, $"/v1/deadlines/{appeal.Id}/extend",
            new { period = "P1M", reason = "More time" }, appeal.Version);
        var extended = await world.Client.SendWithIfMatchAsync(HttpMethod.Post, $"/v1/deadlines/{grounds.Id}/extend",
            new { period = "P1M", reason = "Extended by the presiding judge with the opponent's consent (ZPO § 520(2) sentence 2)" }, grounds.Version);

        var problem = await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.Conflict, "extension_not_allowed");
        Assert.Equal("notfrist", problem.GetProperty("reason").GetString());
        Assert.Equal("zpo.appeal_517", problem.GetProperty("ruleCode").GetString());
        Assert.Equal("ZPO § 517", problem.GetProperty("rule").GetString());
        Assert.Equal(DateOnly.Parse("2026-07-30"), (await extended.ReadAsync<DeadlineDto>()).DueDate);
    }

    // ZPO § 929(2): a month from Thursday 1 October 2026 ends on Sunday 1 November, All Saints' Day in NW: Monday 2 November (ZPO § 222(2)).
    [Fact]
    public async Task An_injunction_order_served_on_1_October_2026_must_be_enforced_by_Monday_2_November()
    {
        var world = await WorldAsync();

        var result = await TriggerAsync(world, new { kind = "injunction_order_issued", occurredOn = "2026-10-01", courtJurisdiction = "DE-NW" });

        AssertDue(ByRule(result, "zpo.enforcement_929_2"), "2026-11-02", "ZPO § 929(2)", "2026-11-01 is", "ZPO § 222(2)");
    }

    // VwGO § 74(1) sentence 2 with BDSG § 20(6) (no Vorverfahren): one month from Tuesday 31 March 2026 ends on 30 April (BGB § 188(3)).
    [Fact]
    public async Task A_DPA_decision_notified_on_31_March_2026_is_challenged_by_30_April()
    {
        var world = await WorldAsync();

        var result = await TriggerAsync(world, new { kind = "dpa_decision_received", occurredOn = "2026-03-31" });

        AssertDue(ByRule(result, "vwgo.action_74"), "2026-04-30", "VwGO § 74(1) sentence 2", "BDSG § 20(6)");
    }

    // VDuG § 46(1): three weeks after the close of the hearing; "§ 193 des Bürgerlichen Gesetzbuchs findet keine Anwendung".
    // Closed (a day set under ZPO § 128(2)) on Sunday 1 March 2026: the register closes on Sunday 22 March 2026 and stays there;
    // closed Thursday 23 April 2026: Thursday 14 May 2026, Ascension Day, stays too.
    [Theory]
    [InlineData("2026-03-01", "2026-03-22", "a Sunday")]
    [InlineData("2026-04-23", "2026-05-14", "Ascension Day")]
    public async Task VDuG_46_the_register_closes_three_weeks_after_the_hearing_without_moving_off_a_Sunday_or_holiday(string closedOn, string dueDate, string day)
    {
        var world = await WorldAsync();

        var result = await TriggerAsync(world, new { kind = "representative_hearing_closed", occurredOn = closedOn });

        AssertDue(ByRule(result, "vdug.register_closing_46"), dueDate, "VDuG § 46(1)", day, "does not move");
    }

    [Fact]
    public async Task A_register_closing_cannot_be_extended_409()
    {
        var world = await WorldAsync();
        var deadline = ByRule(await TriggerAsync(world, new { kind = "representative_hearing_closed", occurredOn = "2026-11-10" }), "vdug.register_closing_46");

        var response = await world.Client.SendWithIfMatchAsync(HttpMethod.Post, $"/v1/deadlines/{deadline.Id}/extend",
            new { period = "P1W", reason = "More time" }, deadline.Version);

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Conflict, "extension_not_allowed");
        Assert.Equal("not_extendable", problem.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task A_judgment_served_without_pronouncedOn_is_a_400_naming_it()
    {
        var world = await WorldAsync();

        var response = await world.Client.PostAsJsonAsync($"/v1/cases/{world.CaseId}/deadline-triggers", new { kind = "judgment_served", occurredOn = "2026-04-30" });

        await ProblemAssert.NamesInvalidFieldAsync(response, "pronouncedOn");
    }

    // The organisation's own periods (UWG § 12(1) urgency window: from Saturday 10 October 2026 one month to Tuesday
    // 10 November 2026) have nobody on the other side to remind: missed, they are the lawyer's alarm, never a draft letter.
    [Fact]
    public async Task A_missed_urgency_window_is_marked_missed_and_drafts_no_reminder_letter()
    {
        var world = await WorldAsync();
        var result = await TriggerAsync(world, new { kind = "infringement_known", occurredOn = "2026-10-10" });
        var window = ByRule(result, "uwg.urgency_window");
        Assert.Equal(DateOnly.Parse("2026-11-10"), window.DueDate);

        while (await api.SendAsync(new SweepDeadlines.Command(BatchSize: 50)) is { Claimed: > 0 })
        {
        }

        Assert.Equal(DeadlineStatus.Missed, (await world.Client.GetAsync<DeadlineDto>($"/v1/deadlines/{window.Id}")).Status);
        Assert.DoesNotContain(await world.Client.ItemsAsync<LetterDto>($"/v1/cases/{world.CaseId}/letters"), l => l.Type == LetterType.Reminder);
    }
}
