using CaseApi.Features.Cases;
using CaseApi.Features.Deadlines;
using CaseApi.Features.Timeline;

namespace CaseApi.Tests.Features.Deadlines;

public sealed class DeadlineTests(CaseApiFactory api) : IClassFixture<CaseApiFactory>
{
    // GDPR Art. 12(3): a request of Friday 19 December 2025 is due Monday 19 January 2026; extended (on 31 December, within that
    // month) by two further months from 19 January: Thursday 19 March 2026 (BGB § 190). Until issue 12 this test extended a request
    // of 31 January 2025 in December 2025, long after its month had ended, which Art. 12(3) sentence 3 does not allow.
    [Fact]
    public async Task A_data_subject_request_can_be_extended_by_two_further_months()
    {
        var world = await Letters.WorldAsync(api);
        var sent = await world.SendAsync(await world.DraftAsync("data_subject_request"), "2025-12-19T09:00:00+01:00");
        var deadline = sent.Deadline!;

        var response = await world.Client.SendWithIfMatchAsync(HttpMethod.Post, $"/v1/deadlines/{deadline.Id}/extend",
            new { period = "P2M", reason = "Extended under Art. 12(3) sentence 2" }, deadline.Version);

        var extended = await response.ReadAsync<DeadlineDto>();
        Assert.Equal(DateOnly.Parse("2026-01-19"), deadline.DueDate);
        Assert.Equal(DateOnly.Parse("2026-03-19"), extended.DueDate);
        Assert.Contains("Extended", extended.Computation, StringComparison.Ordinal);
        var timeline = await world.Client.ItemsAsync<GetCaseTimeline.TimelineEntryDto>($"/v1/cases/{world.CaseId}/timeline");
        Assert.Contains(timeline, e => e.Kind == "deadline.extended");
    }

    [Theory]
    [InlineData("2025-01-01")]
    [InlineData("9999-12-31")]
    public async Task Extending_to_a_date_before_the_deadline_started_or_past_ten_years_is_a_400_naming_dueDate(string dueDate)
    {
        var world = await Letters.WorldAsync(api);
        var deadline = (await world.SendAsync(await world.DraftAsync(), "2025-12-01T10:00:00+01:00", "P14D")).Deadline!;

        var response = await world.Client.SendWithIfMatchAsync(HttpMethod.Post, $"/v1/deadlines/{deadline.Id}/extend",
            new { dueDate, reason = "Typo in the year" }, deadline.Version);

        await ProblemAssert.NamesInvalidFieldAsync(response, "dueDate");
    }

    [Fact]
    public async Task A_waived_deadline_can_be_neither_extended_nor_waived_again()
    {
        var world = await Letters.WorldAsync(api);
        var path = $"/v1/deadlines/{(await world.SendAsync(await world.DraftAsync(), "2025-04-30T10:00:00+02:00", "P14D")).Deadline!.Id}";

        var waived = await (await world.Client.SendWithIfMatchAsync(HttpMethod.Post, $"{path}/waive", new { reason = "Settled by phone" }, 1)).ReadAsync<DeadlineDto>();

        await ProblemAssert.IsProblemAsync(
            await world.Client.SendWithIfMatchAsync(HttpMethod.Post, $"{path}/extend", new { period = "P7D", reason = "x" }, 2), HttpStatusCode.Conflict, "deadline_closed");
        await ProblemAssert.IsProblemAsync(
            await world.Client.SendWithIfMatchAsync(HttpMethod.Post, $"{path}/waive", new { reason = "again" }, 2), HttpStatusCode.Conflict, "deadline_closed");
        await ProblemAssert.IsProblemAsync(
            await world.Client.SendWithIfMatchAsync(HttpMethod.Post, $"{path}/waive", new { reason = "stale" }, 1), HttpStatusCode.PreconditionFailed);
        Assert.Equal(DeadlineStatus.Waived, waived.Status);
        Assert.Equal("Settled by phone", waived.WaivedReason);
    }

    [Fact]
    public async Task An_extension_must_end_later()
    {
        var world = await Letters.WorldAsync(api);
        var deadline = (await world.SendAsync(await world.DraftAsync(), "2025-04-30T10:00:00+02:00", "P14D")).Deadline!;

        var earlier = await world.Client.SendWithIfMatchAsync(HttpMethod.Post, $"/v1/deadlines/{deadline.Id}/extend",
            new { dueDate = "2025-05-10", reason = "typo" }, 1);

        var problem = await ProblemAssert.IsProblemAsync(earlier, HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("dueDate", out _));
    }

    [Fact]
    public async Task Deadlines_are_listed_soonest_first_and_filtered()
    {
        var world = await Letters.WorldAsync(api);
        var late = await world.SendAsync(await world.DraftAsync(), "2025-04-30T10:00:00+02:00", "P1M");
        var soon = await world.SendAsync(await world.DraftAsync(), "2025-04-30T10:00:00+02:00", "P14D");
        await world.ReplyAsync(soon.Id, "2025-05-02T10:00:00+02:00");

        async Task<string[]> Dates(string query) =>
            (await world.Client.ItemsAsync<DeadlineDto>($"/v1/deadlines?caseId={world.CaseId}&{query}")).Select(d => $"{d.DueDate:O}").ToArray();

        Assert.Equal(["2025-05-14", "2025-05-30"], await Dates(""));
        Assert.Equal(["2025-05-30"], await Dates("status=open"));
        Assert.Equal(["2025-05-14"], await Dates("status=met"));
        Assert.Equal(["2025-05-14"], await Dates("dueBefore=2025-05-20T00:00:00Z"));
        Assert.Equal(["2025-05-30"], await Dates("dueAfter=2025-05-20T00:00:00Z"));
        var @case = await world.Client.GetAsync<CaseDto>($"/v1/cases/{world.CaseId}");
        Assert.Equal(1, @case.OpenDeadlineCount);
        Assert.Equal(late.Deadline!.Id, @case.NextDeadlineId);
        Assert.Equal(late.Deadline.Id, (await world.Client.ItemsAsync<DeadlineDto>($"/v1/deadlines?caseId={world.CaseId}&status=open"))[0].Id);
    }
}
