using CaseApi.Features.Correspondence;
using CaseApi.Features.Deadlines;
using CaseApi.Features.Obligations;
using CaseApi.Features.Timeline;

namespace CaseApi.Tests.Features.Correspondence;

/// <summary>
/// Issue 13 point 4: what a reply to a cease-and-desist letter is. The organisation is in DE-NW, Europe/Berlin; the clock stays at the factory's
/// start, Wednesday 30 April 2025 09:00 UTC, so that the urgency window is still open. Dates by hand:
/// knowledge on Monday 28 April 2025 → urgency window one month (no court named, UWG § 12(1), OLG Hamm 4 W 97/10) to Wednesday 28 May 2025.
/// A letter sent on Wednesday 30 April with P14D is due Wednesday 14 May; a reminder sent the next day, 15 May, with the policy's P7D is due
/// Thursday 22 May, before 28 May: no warning. With P21D the letter is due Wednesday 21 May; a reminder from 22 May would end on Thursday
/// 29 May, Ascension Day (a holiday in NW), so on Friday 30 May: after the window's 28 May, so the warning.
/// </summary>
public sealed class CeaseAndDesistReplyTests(CaseApiFactory api) : IClassFixture<CaseApiFactory>
{
    private async Task<Letters.World> WorldAsync()
    {
        var organisation = await api.SendAsync(new CaseApi.Features.Organisations.CreateOrganisation.Command("C&D org", "DE-NW", "Europe/Berlin"));
        var client = api.ClientFor(organisation.AdminKeySecret);
        var defendant = await client.DefendantAsync();
        var @case = await client.CaseAsync(null, defendant.Id());
        return new Letters.World(client, @case.Id(), defendant.Id());
    }

    private static Task<JsonElement> KnowledgeAsync(Letters.World world) =>
        world.Client.CreatedAsync($"/v1/cases/{world.CaseId}/deadline-triggers", new { kind = "infringement_known", occurredOn = "2025-04-28" });

    private static Task<LetterDto> ClassifiedReplyAsync(Letters.World world, Guid inReplyTo, object ceaseAndDesistReply) =>
        world.Client.CreatedAsync<LetterDto>($"/v1/cases/{world.CaseId}/letters", new
        {
            direction = "incoming", type = "reply", defendantId = world.DefendantId, channel = "email",
            subject = "Re: Abmahnung", inReplyTo, receivedAt = "2025-04-30T10:30:00+02:00", ceaseAndDesistReply,
        });

    private static Task<IReadOnlyList<GetCaseTimeline.TimelineEntryDto>> TimelineAsync(Letters.World world) =>
        world.Client.ItemsAsync<GetCaseTimeline.TimelineEntryDto>($"/v1/cases/{world.CaseId}/timeline?limit=200");

    private static async Task<DeadlineStatus> StatusAsync(Letters.World world, Guid deadlineId) =>
        (await world.Client.GetAsync<DeadlineDto>($"/v1/deadlines/{deadlineId}")).Status;

    private static Task<GetDeadlinesOverview.OverviewDto> OverviewAsync(Letters.World world) => world.Client.GetAsync<GetDeadlinesOverview.OverviewDto>("/v1/deadlines/overview");

    /// <summary>The feed's event types once it shows <paramref name="written"/>, the last event the step under test wrote.</summary>
    private static Task<string[]> EventTypesAsync(Letters.World world, string written) => ChangeFeed.TypesAsync(world.Client, written);

    [Fact]
    public async Task A_refusal_does_not_meet_the_deadline_and_the_escalation_proposes_an_injunction_while_the_urgency_window_is_open()
    {
        var world = await WorldAsync();
        await KnowledgeAsync(world);
        var sent = await world.SendAsync(await world.DraftAsync(), "2025-04-30T10:00:00+02:00", period: "P14D");
        Assert.Equal(DateOnly.Parse("2025-05-14"), sent.Deadline!.DueDate);

        await ClassifiedReplyAsync(world, sent.Id, new { kind = "refusal" });

        var deadline = await world.Client.GetAsync<DeadlineDto>($"/v1/deadlines/{sent.Deadline!.Id}");
        Assert.Equal(DeadlineStatus.Refused, deadline.Status);
        Assert.Null(deadline.MetAt);
        var summary = (await TimelineAsync(world)).Single(e => e.Kind == "case.escalated").Summary;
        Assert.Contains("preliminary injunction", summary, StringComparison.Ordinal);
        Assert.Contains("by 2025-05-28", summary, StringComparison.Ordinal);
        var events = await EventTypesAsync(world, "case.escalated");
        Assert.Contains("deadline.refused", events);
        Assert.Contains("case.escalated", events);
        Assert.DoesNotContain("deadline.met", events);
        // 14 May plus a reminder to 22 May ends before the window's 28 May: no warning.
        Assert.DoesNotContain("deadline.urgency_window_at_risk", events);
        Assert.Empty((await OverviewAsync(world)).UrgencyWarnings);
    }

    [Fact]
    public async Task Without_an_open_urgency_window_a_refusal_escalates_to_the_policy_s_recommendation()
    {
        var world = await WorldAsync();
        var sent = await world.SendAsync(await world.DraftAsync(), "2025-04-30T10:00:00+02:00", period: "P14D");

        await ClassifiedReplyAsync(world, sent.Id, new { kind = "declaration", penalty = new { kind = "hamburger_brauch" }, acceptedAsAdequate = false });

        Assert.Equal(DeadlineStatus.Refused, await StatusAsync(world, sent.Deadline!.Id));
        var summary = (await TimelineAsync(world)).Single(e => e.Kind == "case.escalated").Summary;
        Assert.DoesNotContain("preliminary injunction", summary, StringComparison.Ordinal);
        Assert.Contains("no urgency window is open", summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_warning_appears_once_when_the_urgency_window_closes_before_the_reminder_could_escalate()
    {
        var world = await WorldAsync();
        await KnowledgeAsync(world);

        var sent = await world.SendAsync(await world.DraftAsync(), "2025-04-30T10:00:00+02:00", period: "P21D");
        Assert.Equal(DateOnly.Parse("2025-05-21"), sent.Deadline!.DueDate);

        var warning = (await OverviewAsync(world)).UrgencyWarnings.Single();
        Assert.Equal(sent.Deadline.Id, warning.DeadlineId);
        Assert.Equal(DateOnly.Parse("2025-05-28"), warning.UrgencyWindowDueDate);
        Assert.Equal(DateOnly.Parse("2025-05-30"), warning.ReminderDueDate);
        // Recording the same knowledge again opens a second window; the deadline was warned about already.
        await KnowledgeAsync(world);
        var feed = await ChangeFeed.ItemsAsync(world.Client, items => items.Count(e => e.Type == "deadline.created"
            && e.Data.As<DeadlineDto>().Rule == "uwg.urgency_window") == 2, "the second urgency window in the change feed");
        Assert.Single(feed, e => e.Type == "deadline.urgency_window_at_risk");
    }

    [Fact]
    public async Task The_warning_is_written_when_the_urgency_window_comes_second()
    {
        var world = await WorldAsync();
        await world.SendAsync(await world.DraftAsync(), "2025-04-30T10:00:00+02:00", period: "P21D");
        Assert.DoesNotContain("deadline.urgency_window_at_risk", await EventTypesAsync(world, "letter.sent"));

        await KnowledgeAsync(world);

        Assert.Single(await EventTypesAsync(world, "deadline.urgency_window_at_risk"), type => type == "deadline.urgency_window_at_risk");
    }

    [Fact]
    public async Task An_adequate_declaration_meets_the_deadline_and_is_kept_as_the_defendant_s_obligation()
    {
        var world = await WorldAsync();
        var sent = await world.SendAsync(await world.DraftAsync(), "2025-04-30T10:00:00+02:00", period: "P14D");

        var reply = await ClassifiedReplyAsync(world, sent.Id,
            new { kind = "declaration", penalty = new { kind = "fixed", amount = 5100, currency = "EUR" }, acceptedAsAdequate = true });

        Assert.Equal(CeaseAndDesistReplyKind.Declaration, reply.CeaseAndDesistReply!.Kind);
        Assert.Equal(DeadlineStatus.Met, await StatusAsync(world, sent.Deadline!.Id));
        var obligation = (await world.Client.GetAsync<ObligationDto[]>($"/v1/cases/{world.CaseId}/obligations")).Single();
        Assert.Equal(reply.Id, obligation.LetterId);
        Assert.Equal(world.DefendantId, obligation.DefendantId);
        Assert.Equal(PenaltyKind.Fixed, obligation.Penalty.Kind);
        Assert.Equal(5100m, obligation.Penalty.Amount);
        Assert.Equal(DateOnly.Parse("2025-04-30"), obligation.SignedOn);
    }

    [Fact]
    public async Task A_partial_declaration_is_refused_and_an_extension_request_leaves_the_deadline_open()
    {
        var world = await WorldAsync();
        var first = await world.SendAsync(await world.DraftAsync(), "2025-04-30T10:00:00+02:00", period: "P14D");
        var second = await world.SendAsync(await world.DraftAsync(), "2025-04-30T10:00:00+02:00", period: "P14D");

        await ClassifiedReplyAsync(world, first.Id, new { kind = "partial_declaration", penalty = new { kind = "fixed", amount = 1000, currency = "EUR" } });
        await ClassifiedReplyAsync(world, second.Id, new { kind = "extension_request", requestedUntil = "2025-05-21" });

        Assert.Equal(DeadlineStatus.Refused, await StatusAsync(world, first.Deadline!.Id));
        Assert.Equal(DeadlineStatus.Open, await StatusAsync(world, second.Deadline!.Id));
        Assert.Empty(await world.Client.GetAsync<ObligationDto[]>($"/v1/cases/{world.CaseId}/obligations"));
    }

    [Fact]
    public async Task A_declaration_without_its_penalty_is_a_400_naming_the_field_and_a_classified_reply_to_another_letter_a_422()
    {
        var world = await WorldAsync();
        var sent = await world.SendAsync(await world.DraftAsync(), "2025-04-30T10:00:00+02:00", period: "P14D");
        var request = await world.SendAsync(await world.DraftAsync("request_for_information"), "2025-04-30T10:00:00+02:00", period: "P14D");

        var missing = await world.Client.PostAsJsonAsync($"/v1/cases/{world.CaseId}/letters", new
        {
            direction = "incoming", type = "reply", defendantId = world.DefendantId, channel = "email", subject = "Re", inReplyTo = sent.Id,
            receivedAt = "2025-04-30T10:30:00+02:00", ceaseAndDesistReply = new { kind = "declaration", acceptedAsAdequate = true },
        });
        await ProblemAssert.NamesInvalidFieldAsync(missing, "ceaseAndDesistReply.penalty");

        var other = await world.Client.PostAsJsonAsync($"/v1/cases/{world.CaseId}/letters", new
        {
            direction = "incoming", type = "reply", defendantId = world.DefendantId, channel = "email", subject = "Re", inReplyTo = request.Id,
            receivedAt = "2025-04-30T10:30:00+02:00", ceaseAndDesistReply = new { kind = "refusal" },
        });
        await ProblemAssert.IsProblemAsync(other, HttpStatusCode.UnprocessableEntity, "not_a_cease_and_desist_letter");
    }
}
