using CaseApi.Features.Cases;
using CaseApi.Features.Deadlines;
using CaseApi.Features.Demo;
using CaseApi.Features.Timeline;

namespace CaseApi.Tests.Features.Correspondence;

public sealed class ReplyTests(CaseApiFactory api) : IClassFixture<CaseApiFactory>
{
    [Fact]
    public async Task A_reply_meets_the_deadline_and_a_second_reply_does_not_change_when()
    {
        var world = await Letters.WorldAsync(api);
        var sent = await world.SendAsync(await world.DraftAsync(), "2025-04-30T10:00:00+02:00", "P14D");
        var deadlineId = sent.Deadline!.Id;

        var first = await world.ReplyAsync(sent.Id, "2025-05-12T11:00:00+02:00");
        await world.ReplyAsync(sent.Id, "2025-05-13T09:00:00+02:00");

        var deadline = await world.Client.GetAsync<DeadlineDto>($"/v1/deadlines/{deadlineId}");
        Assert.Equal(DeadlineStatus.Met, deadline.Status);
        Assert.Equal(DateTimeOffset.Parse("2025-05-12T09:00:00Z", System.Globalization.CultureInfo.InvariantCulture), deadline.MetAt);
        Assert.Equal(first.Id, deadline.MetByLetterId);
        var kinds = (await world.Client.ItemsAsync<GetCaseTimeline.TimelineEntryDto>($"/v1/cases/{world.CaseId}/timeline")).Select(e => e.Kind).ToArray();
        Assert.Equal(1, kinds.Count(k => k == "deadline.met"));
        Assert.Equal(2, kinds.Count(k => k == "letter.received"));
        var @case = await world.Client.GetAsync<CaseDto>($"/v1/cases/{world.CaseId}");
        Assert.Equal(3, @case.LetterCount);
        Assert.Equal(0, @case.OpenDeadlineCount);
    }

    [Fact]
    public async Task A_late_reply_still_meets_the_deadline_and_shows_it_was_late()
    {
        var world = await Letters.WorldAsync(api);
        var sent = await world.SendAsync(await world.DraftAsync(), "2025-04-01T10:00:00+02:00", "P14D");

        await world.ReplyAsync(sent.Id, "2025-04-25T10:00:00+02:00");

        var deadline = await world.Client.GetAsync<DeadlineDto>($"/v1/deadlines/{sent.Deadline!.Id}");
        Assert.Equal(DeadlineStatus.Met, deadline.Status);
        Assert.True(deadline.MetAt!.Value > deadline.DueAt);
    }

    [Fact]
    public async Task Filing_a_complaint_starts_the_authority_s_three_months_and_its_letter_starts_three_more()
    {
        var world = await Letters.WorldAsync(api);
        var dpc = DemoData.DpaId("ie-dpc");
        var complaint = await world.Client.CreatedAsync($"/v1/cases/{world.CaseId}/complaints",
            new { defendantId = world.DefendantId, dpaId = dpc, onBehalfOf = "organisation", filedOn = "2024-06-06" });

        var first = (await world.Client.ItemsAsync<DeadlineDto>($"/v1/deadlines?caseId={world.CaseId}")).Single();
        Assert.Equal(DeadlineKind.DpaProgress, first.Kind);
        Assert.Equal(DateOnly.Parse("2024-09-06"), first.DueDate);

        await world.Client.CreatedAsync($"/v1/cases/{world.CaseId}/letters", new
        {
            direction = "incoming", type = "acknowledgement", dpaId = dpc, channel = "email", subject = "Your complaint",
            complaintId = complaint.Id(), receivedAt = "2024-08-01T10:00:00+02:00",
        });

        var all = await world.Client.ItemsAsync<DeadlineDto>($"/v1/deadlines?caseId={world.CaseId}");
        Assert.Equal([DeadlineStatus.Met, DeadlineStatus.Open], all.Select(d => d.Status));
        // P3M from 2024-08-01 ends on Friday 2024-11-01. All Saints' Day is a holiday in the organisation's North Rhine-Westphalia,
        // but the duty is the DPC's, in Ireland, where it is a working day (Ireland's October bank holiday was 2024-10-28).
        Assert.Equal(DateOnly.Parse("2024-11-01"), all[1].DueDate);
    }

    [Fact]
    public async Task A_letter_cannot_answer_a_letter_of_another_case()
    {
        var world = await Letters.WorldAsync(api);
        var otherCase = await world.Client.CaseAsync(null, world.DefendantId);
        var sent = await world.SendAsync(await world.DraftAsync(), "2025-04-30T10:00:00+02:00", "P14D");

        var response = await world.Client.PostAsJsonAsync($"/v1/cases/{otherCase.Id()}/letters", new
        {
            direction = "incoming", type = "reply", defendantId = world.DefendantId, channel = "email", subject = "Re", inReplyTo = sent.Id,
        });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.UnprocessableEntity, "other_case");
    }

    [Fact]
    public async Task A_letter_names_exactly_one_other_side()
    {
        var world = await Letters.WorldAsync(api);

        var both = await world.Client.PostAsJsonAsync($"/v1/cases/{world.CaseId}/letters", new
        {
            direction = "outgoing", type = "other", defendantId = world.DefendantId, dpaId = DemoData.DpaId("ie-dpc"), channel = "email", subject = "x",
        });

        var problem = await ProblemAssert.IsProblemAsync(both, HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("defendantId", out _));
    }
}
