using CaseApi.Features.Cases;
using CaseApi.Features.Complaints;
using CaseApi.Features.Correspondence;
using CaseApi.Features.Deadlines;
using CaseApi.Features.Timeline;

namespace CaseApi.Tests.Features.Deadlines;

/// <summary>
/// Issue 12: deadlines as a court would see them. Every date here was computed by hand from the provision the test
/// names (weekdays from a calendar; DE-NW holidays of 2026: Good Friday 3 April, Easter Monday 6 April, Whit Monday
/// 25 May, Corpus Christi 4 June), never by the code under test.
/// </summary>
public sealed class DeadlineLawTests(CaseApiFactory api) : IClassFixture<CaseApiFactory>
{
    // 20 May 2026, 22:30 UTC: already Thursday 21 May in Berlin (CEST, UTC+2), so that "today" shows whose day it is.
    // Every test here runs at this one moment: the clock never goes back, and each scenario is laid out around it.
    private static readonly DateTimeOffset Now = new(2026, 5, 20, 22, 30, 0, TimeSpan.Zero);

    private async Task<Letters.World> WorldAsync()
    {
        if (api.Clock.GetUtcNow() < Now)
        {
            api.Clock.SetUtcNow(Now);
        }

        return await Letters.WorldAsync(api);
    }

    private static Task<HttpResponseMessage> ExtendAsync(Letters.World world, DeadlineDto deadline, object body) =>
        world.Client.SendWithIfMatchAsync(HttpMethod.Post, $"/v1/deadlines/{deadline.Id}/extend", body, deadline.Version);

    // BGB § 193: "Ist an einem bestimmten Tage ... eine Willenserklärung abzugeben ... und fällt der bestimmte Tag ... auf einen
    // Sonntag, ... oder einen Sonnabend, so tritt an die Stelle eines solchen Tages der nächste Werktag."
    [Theory]
    [InlineData("2026-03-16T10:00:00+01:00", "2026-03-29", "2026-03-30", "2026-03-30T22:00:00Z")] // Sunday → Monday (CEST from 29 March)
    [InlineData("2026-05-18T10:00:00+02:00", "2026-06-13", "2026-06-15", "2026-06-15T22:00:00Z")] // Saturday → Monday
    public async Task BGB_193_moves_a_responseDue_on_a_weekend_to_the_next_working_day(string sentAt, string responseDue, string dueDate, string dueAt)
    {
        var world = await WorldAsync();

        var deadline = (await world.SendAsync(await world.DraftAsync(), sentAt, due: responseDue)).Deadline!;

        Assert.Equal(DateOnly.Parse(dueDate), deadline.DueDate);
        Assert.Equal(DateTimeOffset.Parse(dueAt), deadline.DueAt);
        var computation = deadline.Computation;
        Assert.Contains($"Date given: {responseDue} is a", computation, StringComparison.Ordinal);
        Assert.Contains($"so the day moves to the next working day, Monday {dueDate} (BGB § 193", computation, StringComparison.Ordinal);
    }

    // BGB § 193 is a rule of interpretation: it yields where the Saturday was set on purpose, and the computation says so.
    [Fact]
    public async Task A_responseDue_on_Saturday_13_June_2026_is_kept_with_rollOver_false_and_the_computation_says_so()
    {
        var world = await WorldAsync();
        var draft = await world.DraftAsync();

        var sent = await world.Client.SendWithIfMatchAsync(HttpMethod.Post, $"/v1/letters/{draft.Id}/send",
            new { sentAt = "2026-05-18T10:00:00+02:00", responseDue = "2026-06-13", rollOver = false }, 1).ReadAsync<LetterDto>();

        var deadline = sent.Deadline!;
        Assert.Equal(DateOnly.Parse("2026-06-13"), deadline.DueDate);
        Assert.Equal(
            "Date given: 2026-06-13, a Saturday, kept as given at the organisation's choice (rollOver: false; BGB § 193 yields to a day set on purpose)."
            + " Holidays: DE-NW, the organisation's (Reg. 1182/71 Art. 2(1); BGB §193).",
            deadline.Computation);
    }

    [Fact]
    public async Task RollOver_without_a_responseDue_is_a_400_naming_rollOver()
    {
        var world = await WorldAsync();
        var draft = await world.DraftAsync();

        var response = await world.Client.SendWithIfMatchAsync(HttpMethod.Post, $"/v1/letters/{draft.Id}/send",
            new { sentAt = "2026-05-18T10:00:00+02:00", responsePeriod = "P14D", rollOver = false }, 1);

        await ProblemAssert.NamesInvalidFieldAsync(response, "rollOver");
    }

    // BGB § 190 ("von dem Ablauf der vorigen Frist an"): old and new period are one, so § 193 does not move the old end first.
    // GDPR Art. 12(3) month from Thursday 30 April 2026: Saturday 30 May, moved to Monday 1 June (Reg. 1182/71 Art. 3(4)).
    // Two further months from 30 May: Thursday 30 July 2026 — not 3 August (two months from 1 June, 1 August a Saturday).
    [Fact]
    public async Task BGB_190_an_Art_12_3_extension_by_P2M_of_a_request_due_1_June_2026_moved_from_Saturday_30_May_ends_30_July()
    {
        var world = await WorldAsync();
        var deadline = (await world.SendAsync(await world.DraftAsync("data_subject_request"), "2026-04-30T10:00:00+02:00")).Deadline!;
        Assert.Equal(DateOnly.Parse("2026-06-01"), deadline.DueDate);

        var extended = await ExtendAsync(world, deadline, new { period = "P2M", reason = "Complex request (Art. 12(3) sentence 2)" }).ReadAsync<DeadlineDto>();

        Assert.Equal(DateOnly.Parse("2026-07-30"), extended.DueDate);
        Assert.Contains("Extended by P2M from 2026-05-30, the last day before it moved to 2026-06-01 (BGB § 190): 2026-07-30, a Thursday.",
            extended.Computation, StringComparison.Ordinal);
    }

    // GDPR Art. 12(3) sentence 2: "may be extended by two further months" — once. One month from 30 May 2026 (unmoved end):
    // Tuesday 30 June; a second extension is refused.
    [Fact]
    public async Task GDPR_Art_12_3_a_second_extension_is_a_409_naming_the_rule()
    {
        var world = await WorldAsync();
        var deadline = (await world.SendAsync(await world.DraftAsync("data_subject_request"), "2026-04-30T10:00:00+02:00")).Deadline!;
        var once = await ExtendAsync(world, deadline, new { period = "P1M", reason = "One more month" }).ReadAsync<DeadlineDto>();
        Assert.Equal(DateOnly.Parse("2026-06-30"), once.DueDate);

        var problem = await ProblemAssert.IsProblemAsync(
            await ExtendAsync(world, once, new { period = "P1M", reason = "And another" }), HttpStatusCode.Conflict, "extension_not_allowed");

        Assert.Equal("GDPR Art. 12(3)", problem.GetProperty("rule").GetString());
        Assert.Equal("second_extension", problem.GetProperty("reason").GetString());
        Assert.Equal(DateOnly.Parse("2026-06-30"), (await world.Client.GetAsync<DeadlineDto>($"/v1/deadlines/{deadline.Id}")).DueDate);
    }

    // At most two further months: from 30 May 2026 that is 30 July (a Thursday). P3M, or a date after 30 July, is refused.
    [Theory]
    [InlineData("P3M", null)]
    [InlineData("P2M1D", null)]
    [InlineData(null, "2026-07-31")]
    public async Task GDPR_Art_12_3_an_extension_longer_than_two_further_months_is_a_409(string? period, string? dueDate)
    {
        var world = await WorldAsync();
        var deadline = (await world.SendAsync(await world.DraftAsync("data_subject_request"), "2026-04-30T10:00:00+02:00")).Deadline!;

        var problem = await ProblemAssert.IsProblemAsync(
            await ExtendAsync(world, deadline, new { period, dueDate, reason = "Too long" }), HttpStatusCode.Conflict, "extension_not_allowed");

        Assert.Equal("longer_than_two_months", problem.GetProperty("reason").GetString());
        Assert.Contains("2026-07-30", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    // Art. 12(3) sentence 3: the controller informs the data subject of the extension "within one month of receipt". A request of
    // Monday 16 March 2026 was due Thursday 16 April; recorded on 20 May, the extension comes too late.
    [Fact]
    public async Task GDPR_Art_12_3_an_extension_recorded_after_the_first_month_ended_is_a_409()
    {
        var world = await WorldAsync();
        var deadline = (await world.SendAsync(await world.DraftAsync("data_subject_request"), "2026-03-16T10:00:00+01:00")).Deadline!;
        Assert.Equal(DateOnly.Parse("2026-04-16"), deadline.DueDate);

        var problem = await ProblemAssert.IsProblemAsync(
            await ExtendAsync(world, deadline, new { period = "P2M", reason = "Late" }), HttpStatusCode.Conflict, "extension_not_allowed");

        Assert.Equal("after_deadline", problem.GetProperty("reason").GetString());
    }

    // Art. 12(3) counts "from receipt of the request". Sent Monday 27 April 2026, received Wednesday 29 April: due Friday 29 May.
    // Without a delivery date the month runs from sending, Wednesday 27 May, and the computation says what it assumed.
    [Fact]
    public async Task GDPR_Art_12_3_the_month_runs_from_receipt_when_the_letter_says_when_it_was_delivered()
    {
        var world = await WorldAsync();
        var delivered = await world.Client.SendWithIfMatchAsync(HttpMethod.Post, $"/v1/letters/{(await world.DraftAsync("data_subject_request")).Id}/send",
            new { sentAt = "2026-04-27T10:00:00+02:00", deliveredOn = "2026-04-29" }, 1).ReadAsync<LetterDto>();
        var assumed = await world.SendAsync(await world.DraftAsync("data_subject_request"), "2026-04-27T10:00:00+02:00");

        Assert.Equal(DateOnly.Parse("2026-04-29"), delivered.DeliveredOn);
        Assert.Equal(DateOnly.Parse("2026-05-29"), delivered.Deadline!.DueDate);
        Assert.Equal(DateOnly.Parse("2026-04-29"), delivered.Deadline.StartsOn);
        Assert.StartsWith("GDPR Art. 12(3), one month from receipt of the request on 2026-04-29 (delivery recorded); Reg. 1182/71 Art. 3: P1M from 2026-04-29: 2026-05-29, a Friday.",
            delivered.Deadline.Computation, StringComparison.Ordinal);
        Assert.Equal(DateOnly.Parse("2026-05-27"), assumed.Deadline!.DueDate);
        Assert.Contains("assumed on the day of sending as no delivery is recorded", assumed.Deadline.Computation, StringComparison.Ordinal);
    }

    // A delivery receipt recorded later recomputes the running Art. 12(3) deadline: received Thursday 30 April 2026, the month ends
    // Saturday 30 May and moves to Monday 1 June (Reg. 1182/71 Art. 3(4)); it was 27 May from the day of sending.
    [Fact]
    public async Task A_delivery_receipt_recorded_later_recomputes_the_Art_12_3_deadline_from_receipt()
    {
        var world = await WorldAsync();
        var sent = await world.SendAsync(await world.DraftAsync("data_subject_request"), "2026-04-27T10:00:00+02:00");
        Assert.Equal(DateOnly.Parse("2026-05-27"), sent.Deadline!.DueDate);

        var letter = await world.Client.SendWithIfMatchAsync(HttpMethod.Post, $"/v1/letters/{sent.Id}/delivery",
            new { deliveredOn = "2026-04-30" }, sent.Version).ReadAsync<LetterDto>();

        Assert.Equal(DateOnly.Parse("2026-04-30"), letter.DeliveredOn);
        Assert.Equal(sent.Version + 1, letter.Version);
        var deadline = letter.Deadline!;
        Assert.Equal(DateOnly.Parse("2026-06-01"), deadline.DueDate);
        Assert.Equal(DateOnly.Parse("2026-04-30"), deadline.StartsOn);
        Assert.Contains("receipt of the request on 2026-04-30", deadline.Computation, StringComparison.Ordinal);
        var events = await ChangeFeed.ItemsAsync(world.Client, items => items.Length >= 2, "the delivery's events in the change feed",
            "/v1/events?limit=200&types=letter.delivered,deadline.recomputed");
        Assert.Equal(["deadline.recomputed", "letter.delivered"], events.Select(e => e.Type));
        var timeline = await world.Client.ItemsAsync<GetCaseTimeline.TimelineEntryDto>($"/v1/cases/{world.CaseId}/timeline");
        Assert.Contains(timeline, e => e.Kind == "deadline.recomputed");
    }

    // An extension by P2M recorded before the receipt (27 May → Monday 27 July) is counted anew from the new end: 30 May + 2 months
    // = Thursday 30 July 2026 (BGB § 190, from the unmoved end).
    [Fact]
    public async Task A_delivery_receipt_after_an_extension_counts_the_extension_anew_from_the_end_of_the_month_from_receipt()
    {
        var world = await WorldAsync();
        var sent = await world.SendAsync(await world.DraftAsync("data_subject_request"), "2026-04-27T10:00:00+02:00");
        var extended = await ExtendAsync(world, sent.Deadline!, new { period = "P2M", reason = "Complex request" }).ReadAsync<DeadlineDto>();
        Assert.Equal(DateOnly.Parse("2026-07-27"), extended.DueDate);

        var letter = await world.Client.SendWithIfMatchAsync(HttpMethod.Post, $"/v1/letters/{sent.Id}/delivery",
            new { deliveredOn = "2026-04-30" }, sent.Version).ReadAsync<LetterDto>();

        Assert.Equal(DateOnly.Parse("2026-07-30"), letter.Deadline!.DueDate);
    }

    // The escalation policy's reminderPeriod, P7D by default, counted as BGB §§ 187(1), 188(1): a reminder sent Friday 15 May 2026
    // is due at the end of Friday 22 May 2026.
    [Fact]
    public async Task A_reminder_sent_without_a_deadline_gets_the_policy_s_seven_days()
    {
        var world = await WorldAsync();

        var deadline = (await world.SendAsync(await world.DraftAsync("reminder"), "2026-05-15T10:00:00+02:00")).Deadline!;

        Assert.Equal("P7D", deadline.Period);
        Assert.Equal(DateOnly.Parse("2026-05-22"), deadline.DueDate);
        Assert.Equal(DateTimeOffset.Parse("2026-05-22T22:00:00Z"), deadline.DueAt);
    }

    [Theory]
    [InlineData("2026-04-26")] // before the day of sending
    [InlineData("2026-05-22")] // after today in Berlin (21 May)
    public async Task A_delivery_day_before_sending_or_after_today_is_a_400_naming_deliveredOn(string deliveredOn)
    {
        var world = await WorldAsync();
        var sent = await world.SendAsync(await world.DraftAsync("data_subject_request"), "2026-04-27T10:00:00+02:00");

        var response = await world.Client.SendWithIfMatchAsync(HttpMethod.Post, $"/v1/letters/{sent.Id}/delivery",
            new { deliveredOn }, sent.Version);

        await ProblemAssert.NamesInvalidFieldAsync(response, "deliveredOn");
    }

    [Fact]
    public async Task Delivery_today_in_Berlin_is_accepted_though_it_is_tomorrow_in_UTC()
    {
        var world = await WorldAsync();
        var sent = await world.SendAsync(await world.DraftAsync(), "2026-05-20T10:00:00+02:00", "P14D");

        var letter = await world.Client.SendWithIfMatchAsync(HttpMethod.Post, $"/v1/letters/{sent.Id}/delivery",
            new { deliveredOn = "2026-05-21" }, sent.Version).ReadAsync<LetterDto>();

        Assert.Equal(DateOnly.Parse("2026-05-21"), letter.DeliveredOn);
        // A response period the letter set stays counted from sending: 20 May + 14 days = Wednesday 3 June.
        Assert.Equal(DateOnly.Parse("2026-06-03"), letter.Deadline!.DueDate);
    }

    [Fact]
    public async Task A_draft_has_no_delivery_409()
    {
        var world = await WorldAsync();
        var draft = await world.DraftAsync();

        await ProblemAssert.IsProblemAsync(await world.Client.SendWithIfMatchAsync(HttpMethod.Post, $"/v1/letters/{draft.Id}/delivery",
            new { deliveredOn = "2026-05-20" }, 1), HttpStatusCode.Conflict, "letter_not_sent");
    }

    // Issue 12 point 5: a complaint filed at 23:30 UTC on 3 March 2026 was filed on 4 March in Berlin (CET, UTC+1), and the
    // Art. 78(2) three months count from that day (Reg. 1182/71 Art. 3(1): the day of the event does not count). Its end is left to
    // the tests of whose holidays apply.
    [Fact]
    public async Task A_complaint_filed_at_23_30_UTC_on_3_March_2026_was_filed_on_4_March_in_Berlin()
    {
        var world = await WorldAsync();
        var complaint = (await world.Client.ComplaintAsync(world.CaseId, world.DefendantId)).As<ComplaintDto>();

        var filed = await world.Client.SendWithIfMatchAsync(HttpMethod.Post, $"/v1/complaints/{complaint.Id}/transitions",
            new { to = "filed", at = "2026-03-03T23:30:00Z" }, complaint.Version).ReadAsync<ComplaintDto>();
        var decided = await world.Client.SendWithIfMatchAsync(HttpMethod.Post, $"/v1/complaints/{complaint.Id}/transitions",
            new { to = "decided", at = "2026-05-19T22:15:00Z", outcome = "upheld" }, filed.Version).ReadAsync<ComplaintDto>();

        Assert.Equal(DateOnly.Parse("2026-03-04"), filed.FiledOn);
        Assert.Equal(DateOnly.Parse("2026-05-20"), decided.DecidedOn); // 00:15 CEST on 20 May
        var progress = (await world.Client.ItemsAsync<DeadlineDto>($"/v1/deadlines?caseId={world.CaseId}"))[0];
        Assert.Equal(DateOnly.Parse("2026-03-04"), progress.StartsOn);
        Assert.StartsWith("P3M from 2026-03-04 (the event at 2026-03-03T23:30Z fell on 2026-03-04 in Europe/Berlin):", progress.Computation, StringComparison.Ordinal);
    }

    // Now is 22:30 UTC on 20 May, 00:30 on 21 May in Berlin: a case opened or closed now was opened or closed on 21 May.
    [Fact]
    public async Task A_case_opened_and_closed_without_dates_gets_todays_date_in_Berlin()
    {
        var world = await WorldAsync();
        var @case = await world.Client.GetAsync<CaseDto>($"/v1/cases/{world.CaseId}");

        var closed = await world.Client.SendWithIfMatchAsync(HttpMethod.Patch, $"/v1/cases/{world.CaseId}",
            new { status = "closed", outcome = "Settled" }, @case.Version).ReadAsync<CaseDto>();

        Assert.Equal(DateOnly.Parse("2026-05-21"), @case.OpenedOn);
        Assert.Equal(DateOnly.Parse("2026-05-21"), closed.ClosedOn);
    }
}
