using CaseApi.Features.Correspondence;
using CaseApi.Features.Deadlines;
using CaseApi.Features.Timeline;
using Dapper;

namespace CaseApi.Tests.Features.Escalation;

/// <summary>
/// The escalation chain on a fake clock: the sweep runs when the test says so. Each test has an API and a database
/// of its own, because each moves its clock to its own dates and a clock only goes forward.
/// </summary>
public sealed class EscalationChainTests : IAsyncLifetime
{
    private readonly CaseApiFactory api = new();

    public Task InitializeAsync() => api.InitializeAsync();

    Task IAsyncLifetime.DisposeAsync() => ((IAsyncLifetime)api).DisposeAsync();

    private static readonly DateTimeOffset Sent = new(2026, 3, 2, 10, 0, 0, TimeSpan.FromHours(1));

    [Fact]
    public async Task A_letter_sent_with_P14D_is_warned_missed_reminded_and_its_case_escalated()
    {
        var world = await WorldAtAsync(Sent);
        // Sent Monday 2 March 2026: due at the end of Monday 16 March (Europe/Berlin).
        var sent = await world.SendAsync(await world.DraftAsync(), Sent.ToString("O"), "P14D");
        var deadline = sent.Deadline!;
        Assert.Equal(DateOnly.Parse("2026-03-16"), deadline.DueDate);

        // Three working days left from the start of Thursday 12 March (12, 13, 16).
        await SweepAtAsync("2026-03-11T22:59:00Z");
        Assert.Empty(await StepsAsync(deadline.Id));
        var warned = await SweepAtAsync("2026-03-11T23:00:00Z");
        Assert.Equal(1, warned.DueSoon);
        Assert.Equal(["due_soon"], await StepsAsync(deadline.Id));

        await SweepAtAsync("2026-03-16T22:59:00Z");
        Assert.Equal(DeadlineStatus.Open, await StatusAsync(world, deadline.Id));
        var missed = await SweepAtAsync("2026-03-16T23:00:00Z");
        Assert.Equal((1, 1), (missed.Missed, missed.RemindersDrafted));
        Assert.Equal(["due_soon", "missed", "reminder_drafted"], await StepsAsync(deadline.Id));
        Assert.Equal(DeadlineStatus.Missed, await StatusAsync(world, deadline.Id));

        var reminder = (await world.Client.ItemsAsync<LetterDto>($"/v1/cases/{world.CaseId}/letters")).Single(l => l.Type == LetterType.Reminder);
        Assert.Equal(LetterStatus.Draft, reminder.Status);
        Assert.Equal(world.DefendantId, reminder.DefendantId);
        // Drafted from the German built-in template: the organisation is in North Rhine-Westphalia.
        Assert.Contains("16. März 2026", reminder.Body, StringComparison.Ordinal);

        // The lawyer sends it on Tuesday 17 March; the policy gives it seven days: Tuesday 24 March.
        MoveClockTo("2026-03-17T09:00:00+01:00");
        var sentReminder = await world.SendAsync(reminder, "2026-03-17T09:00:00+01:00");
        Assert.Equal(DateOnly.Parse("2026-03-24"), sentReminder.Deadline!.DueDate);

        var escalated = await SweepAtAsync("2026-03-24T23:00:00Z");
        Assert.Equal(1, escalated.CasesEscalated);
        Assert.Equal(DeadlineStatus.Escalated, await StatusAsync(world, deadline.Id));
        var kinds = (await world.Client.ItemsAsync<GetCaseTimeline.TimelineEntryDto>($"/v1/cases/{world.CaseId}/timeline?limit=200")).Select(e => e.Kind).ToArray();
        Assert.Contains("deadline.due_soon", kinds);
        Assert.Contains("deadline.missed", kinds);
        Assert.Contains("deadline.escalated", kinds);
        Assert.Contains("case.escalated", kinds);
        await using var superUser = await api.OpenAsSuperUserAsync();
        var recommendation = await superUser.QuerySingleAsync<string>("SELECT escalation_recommendation FROM cases WHERE id = @CaseId", new { world.CaseId });
        Assert.Contains("injunction", recommendation, StringComparison.Ordinal);
        var events = await superUser.QueryAsync<string>(
            """
            SELECT type FROM events
            WHERE type IN ('deadline.due_soon', 'deadline.missed', 'deadline.escalated', 'case.escalated')
              AND ((data->>'caseId')::uuid = @CaseId OR (type = 'case.escalated' AND resource_id = @CaseId))
            """,
            new { world.CaseId });
        // The original deadline: due soon, missed, escalated (reminder drafted), escalated (status, with the case);
        // the reminder's: missed, escalated; then the case.
        Assert.Equal(
            new[] { "case.escalated", "deadline.due_soon", "deadline.escalated", "deadline.escalated", "deadline.escalated", "deadline.missed", "deadline.missed" },
            events.Order());
    }

    [Fact]
    public async Task A_reply_before_the_due_moment_stops_the_chain()
    {
        var world = await WorldAtAsync(Sent);
        var sent = await world.SendAsync(await world.DraftAsync(), Sent.ToString("O"), "P14D");
        await SweepAtAsync("2026-03-12T08:00:00Z");

        MoveClockTo("2026-03-13T10:00:00+01:00");
        await world.ReplyAsync(sent.Id, "2026-03-13T10:00:00+01:00");
        var later = await SweepAtAsync("2026-04-30T00:00:00Z");

        Assert.Equal(["due_soon"], await StepsAsync(sent.Deadline!.Id));
        Assert.Equal(DeadlineStatus.Met, await StatusAsync(world, sent.Deadline!.Id));
        Assert.Equal(0, later.Missed);
    }

    [Fact]
    public async Task A_letter_back_dated_past_its_deadline_escalates_at_the_next_run_without_a_late_warning()
    {
        var world = await WorldAtAsync(new DateTimeOffset(2026, 5, 1, 10, 0, 0, TimeSpan.Zero));
        var sent = await world.SendAsync(await world.DraftAsync(), "2026-03-02T10:00:00+01:00", "P14D");

        var result = await SweepAtAsync("2026-05-01T10:01:00Z");

        Assert.Equal(["missed", "reminder_drafted"], await StepsAsync(sent.Deadline!.Id));
        Assert.Equal(0, result.DueSoon);
    }

    [Fact]
    public async Task Sweeping_again_or_at_once_changes_nothing_more()
    {
        var world = await WorldAtAsync(Sent);
        var sent = await world.SendAsync(await world.DraftAsync(), Sent.ToString("O"), "P14D");
        api.Clock.SetUtcNow(DateTimeOffset.Parse("2026-03-17T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => SweepOnceAsync()));
        var again = await SweepOnceAsync();

        Assert.Equal(1, results.Sum(r => r.Missed));
        Assert.Equal(1, results.Sum(r => r.RemindersDrafted));
        Assert.Equal(0, again.Missed + again.RemindersDrafted + again.DueSoon);
        Assert.Equal(["missed", "reminder_drafted"], await StepsAsync(sent.Deadline!.Id));
        var reminders = (await world.Client.ItemsAsync<LetterDto>($"/v1/cases/{world.CaseId}/letters")).Count(l => l.Type == LetterType.Reminder);
        Assert.Equal(1, reminders);
    }

    [Fact]
    public async Task A_deadline_PostgreSQL_refuses_to_change_holds_back_no_other_organisation_and_is_swept_a_minute_later()
    {
        var a = await WorldAtAsync(new DateTimeOffset(2026, 5, 1, 10, 0, 0, TimeSpan.Zero));
        var b = await WorldAtAsync(new DateTimeOffset(2026, 5, 1, 10, 0, 0, TimeSpan.Zero));
        var aDeadline = (await a.SendAsync(await a.DraftAsync(), "2026-03-02T10:00:00+01:00", "P14D")).Deadline!.Id;
        var bDeadline = (await b.SendAsync(await b.DraftAsync(), "2026-03-02T10:00:00+01:00", "P14D")).Deadline!.Id;
        await using (var superUser = await api.OpenAsSuperUserAsync())
        {
            await superUser.ExecuteAsync($"""
                CREATE FUNCTION test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$;
                CREATE TRIGGER test_refuse BEFORE UPDATE ON deadlines
                    FOR EACH ROW WHEN (OLD.case_id = '{b.CaseId}') EXECUTE FUNCTION test_refuse();
                """);
        }

        var first = await SweepAtAsync("2026-05-01T10:01:00Z");
        DateTimeOffset bNextCheck;
        await using (var superUser = await api.OpenAsSuperUserAsync())
        {
            bNextCheck = await superUser.QuerySingleAsync<DateTimeOffset>("SELECT next_check_at FROM jobs.deadline_watch WHERE deadline_id = @bDeadline", new { bDeadline });
            await superUser.ExecuteAsync("DROP TRIGGER test_refuse ON deadlines; DROP FUNCTION test_refuse()");
        }

        Assert.Equal((1, 1), (first.Missed, first.RemindersDrafted));
        Assert.Equal(["missed", "reminder_drafted"], await StepsAsync(aDeadline));
        Assert.Equal(DeadlineStatus.Open, await StatusAsync(b, bDeadline));
        Assert.Empty(await StepsAsync(bDeadline));
        Assert.Equal(new DateTimeOffset(2026, 5, 1, 10, 2, 0, TimeSpan.Zero), bNextCheck);

        var retried = await SweepAtAsync("2026-05-01T10:02:00Z");

        Assert.Equal((1, 1), (retried.Missed, retried.RemindersDrafted));
        Assert.Equal(["missed", "reminder_drafted"], await StepsAsync(bDeadline));
        Assert.Equal(["missed", "reminder_drafted"], await StepsAsync(aDeadline));
    }

    private async Task<Letters.World> WorldAtAsync(DateTimeOffset now)
    {
        if (api.Clock.GetUtcNow() < now)
        {
            api.Clock.SetUtcNow(now);
        }

        var organisation = await api.SendAsync(new CaseApi.Features.Organisations.CreateOrganisation.Command("Escalation org", "DE-NW", "Europe/Berlin"));
        var client = api.ClientFor(organisation.AdminKeySecret);
        var defendant = await client.DefendantAsync();
        var @case = await client.CaseAsync(null, defendant.Id());
        return new Letters.World(client, @case.Id(), defendant.Id());
    }

    private async Task<SweepDeadlines.Result> SweepAtAsync(string instant)
    {
        MoveClockTo(instant);
        return await SweepOnceAsync();
    }

    private void MoveClockTo(string instant)
    {
        var at = DateTimeOffset.Parse(instant, System.Globalization.CultureInfo.InvariantCulture);
        if (at > api.Clock.GetUtcNow())
        {
            api.Clock.SetUtcNow(at);
        }
    }

    private async Task<SweepDeadlines.Result> SweepOnceAsync()
    {
        var total = new SweepDeadlines.Result(0, 0, 0, 0, 0);
        while (await api.SendAsync(new SweepDeadlines.Command(BatchSize: 50)) is { Claimed: > 0 } result)
        {
            total = new(total.Claimed + result.Claimed, total.DueSoon + result.DueSoon, total.Missed + result.Missed,
                total.RemindersDrafted + result.RemindersDrafted, total.CasesEscalated + result.CasesEscalated);
            if (result is { DueSoon: 0, Missed: 0, RemindersDrafted: 0, CasesEscalated: 0 })
            {
                break;
            }
        }

        return total;
    }

    private async Task<string[]> StepsAsync(Guid deadlineId)
    {
        await using var superUser = await api.OpenAsSuperUserAsync();
        return (await superUser.QueryAsync<string>(
            "SELECT step FROM deadline_escalations WHERE deadline_id = @deadlineId ORDER BY array_position(ARRAY['due_soon','missed','reminder_drafted','case_escalated'], step)",
            new { deadlineId })).ToArray();
    }

    private static async Task<DeadlineStatus> StatusAsync(Letters.World world, Guid deadlineId) =>
        (await world.Client.GetAsync<DeadlineDto>($"/v1/deadlines/{deadlineId}")).Status;
}
