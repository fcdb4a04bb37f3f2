using System.Collections.Concurrent;
using CaseApi.Features.Deadlines;
using Dapper;

namespace CaseApi.Tests.Features.Cases;

/// <summary>
/// A case's counts and next deadline are kept by triggers (migration 0037), not counted when read (issue 16): they must
/// be exactly what a recount says, whatever races with whatever.
/// </summary>
public sealed class CaseCountersTests(CaseApiFactory api) : IClassFixture<CaseApiFactory>
{
    private static readonly TimeSpan RaceFor = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan MaxRace = TimeSpan.FromSeconds(60);

    private sealed record Counters(Guid Id, int ComplaintCount, int LetterCount, int OpenDeadlineCount, Guid? NextDeadlineId, DateTimeOffset? NextDeadlineDueAt);

    [Fact]
    public async Task Counts_and_next_deadline_stay_exact_while_letters_complaints_deadline_changes_and_the_sweep_race_on_the_same_cases()
    {
        var world = await Letters.WorldAsync(api);
        Guid[] cases = [world.CaseId, (await world.Client.CaseAsync(null, world.DefendantId)).Id(), (await world.Client.CaseAsync(null, world.DefendantId)).Id()];
        var sent = new ConcurrentQueue<(Guid CaseId, Guid LetterId)>();
        var deadlines = new ConcurrentQueue<(Guid Id, int Version)>();
        var outcomes = new ConcurrentDictionary<string, int>();
        var failures = new ConcurrentBag<string>();
        string[] mustHappen = ["send 200", "reply 201", "waive 200", "extend 200", "complaint 201", "swept missed", "swept reminders"];
        // New deadlines stop coming a while before the end: a deadline's insert recomputes its case's next deadline, and would
        // otherwise mend what a broken update trigger left wrong (the test then fails without that trigger, as it must). The
        // open count is added to since migration 0040, so a wrong delta stays wrong until the recount below finds it.
        using var creating = new CancellationTokenSource();
        using var racing = new CancellationTokenSource();

        // Each kind of change must have happened before creating stops, or the comparison below proves little. On a slow
        // machine a few seconds gave too few letters for an extension to beat both the reply and the sweep to one of them,
        // so the first half goes on until every kind has happened (or the limit passes, and the assertions below say what did not).
        async Task Referee()
        {
            var giveUpAt = DateTime.UtcNow + MaxRace;
            await Task.Delay(RaceFor / 2);
            while (mustHappen.Any(done => outcomes.GetValueOrDefault(done) == 0) && DateTime.UtcNow < giveUpAt)
            {
                await Task.Delay(50);
            }

            await creating.CancelAsync();
            await Task.Delay(RaceFor / 2);
            await racing.CancelAsync();
        }

        async Task Record(string what, HttpResponseMessage response)
        {
            // A change that lost its race (the deadline was met or waived meanwhile, or changed its version) is refused; nothing else may fail.
            // A waiver, an extension or a reply locks its deadline and then the sweep's watch-list row (the watch trigger): the sweep skips
            // the deadlines it cannot lock rather than wait for them while it holds their watch rows, which deadlocked (a 503) until it did.
            if (!response.IsSuccessStatusCode && response.StatusCode is not (HttpStatusCode.Conflict or HttpStatusCode.PreconditionFailed))
            {
                failures.Add($"{what}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }

            outcomes.AddOrUpdate($"{what} {(int)response.StatusCode}", 1, (_, n) => n + 1);
        }

        async Task Worker(int n, Func<Guid, int, Task> step, CancellationTokenSource? until = null)
        {
            for (var i = 0; !(until ?? racing).IsCancellationRequested; i++)
            {
                await step(cases[(n + i) % cases.Length], i);
            }
        }

        async Task SendLetters(Guid caseId, int i)
        {
            var draft = await world.Client.CreatedAsync($"/v1/cases/{caseId}/letters", new
            {
                direction = "outgoing", type = "cease_and_desist", defendantId = world.DefendantId, channel = "registered_post", subject = "Abmahnung", body = "…",
            });
            // Every other letter went out in November, so that its deadline has passed and the sweep marks it missed and reminds.
            var response = await world.Client.SendWithIfMatchAsync(HttpMethod.Post, $"/v1/letters/{draft.Id()}/send",
                new { sentAt = i % 2 == 0 ? "2025-12-30T10:00:00+01:00" : "2025-11-03T10:00:00+01:00", responsePeriod = "P14D" }, 1);
            await Record("send", response);
            if (response.IsSuccessStatusCode)
            {
                var letter = await response.Content.ReadFromJsonAsync<JsonElement>();
                sent.Enqueue((caseId, letter.Id()));
                var deadline = letter.GetProperty("deadline");
                deadlines.Enqueue((deadline.Id(), deadline.GetProperty("version").GetInt32()));
            }
        }

        async Task Reply(Guid caseId, int i)
        {
            if (!sent.TryDequeue(out var letter))
            {
                await Task.Delay(5);
                return;
            }

            using var response = await world.Client.PostAsJsonAsync($"/v1/cases/{letter.CaseId}/letters", new
            {
                direction = "incoming", type = "reply", defendantId = world.DefendantId, channel = "email", subject = "Re: Abmahnung",
                inReplyTo = letter.LetterId, receivedAt = "2025-12-31T09:00:00+01:00",
            });
            await Record("reply", response);
        }

        async Task ChangeDeadline(Guid caseId, int i)
        {
            if (!deadlines.TryDequeue(out var deadline))
            {
                await Task.Delay(5);
                return;
            }

            var (action, body) = i % 2 == 0 ? ("waive", (object)new { reason = "Settled by phone" }) : ("extend", new { period = "P7D", reason = "Asked for time" });
            using var response = await world.Client.SendWithIfMatchAsync(HttpMethod.Post, $"/v1/deadlines/{deadline.Id}/{action}", body, deadline.Version);
            await Record(action, response);
        }

        async Task FileComplaint(Guid caseId, int i) =>
            await Record("complaint", await world.Client.PostAsJsonAsync($"/v1/cases/{caseId}/complaints", new
            {
                defendantId = world.DefendantId, dpaId = CaseApi.Features.Demo.DemoData.DpaId("ie-dpc"), onBehalfOf = "organisation",
                filedOn = i % 2 == 0 ? "2024-06-06" : null,
            }));

        async Task Sweep(Guid caseId, int i)
        {
            var result = await api.SendAsync(new SweepDeadlines.Command(BatchSize: 5));
            outcomes.AddOrUpdate("swept missed", result.Missed, (_, n) => n + result.Missed);
            outcomes.AddOrUpdate("swept reminders", result.RemindersDrafted, (_, n) => n + result.RemindersDrafted);
            if (result.Claimed == 0)
            {
                await Task.Delay(10);
            }
        }

        await Task.WhenAll(
            Referee(),
            Worker(0, SendLetters, creating), Worker(1, SendLetters, creating), Worker(2, SendLetters, creating),
            Worker(0, Reply), Worker(1, ChangeDeadline), Worker(2, ChangeDeadline),
            Worker(0, FileComplaint, creating), Worker(1, FileComplaint, creating), Worker(0, Sweep), Worker(1, Sweep));

        var report = string.Join(", ", outcomes.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key}: {o.Value}"));
        Assert.True(failures.IsEmpty, string.Join(Environment.NewLine, failures.Take(5)));
        foreach (var done in mustHappen)
        {
            Assert.True(outcomes.GetValueOrDefault(done) > 0, $"no {done} in the race: {report}");
        }

        var (stored, recounted) = await StoredAndRecountedAsync(cases);
        Assert.Equal(recounted, stored);
        Assert.All(recounted, c => Assert.True(c.LetterCount > 0 && c.ComplaintCount > 0, $"case {c.Id} took no part in the race: {report}"));
    }

    [Fact]
    public async Task Letters_complaints_and_deadlines_moved_to_another_case_are_counted_there_and_no_longer_in_the_first()
    {
        var world = await Letters.WorldAsync(api);
        var other = (await world.Client.CaseAsync(null, world.DefendantId)).Id();
        var sent = await world.SendAsync(await world.DraftAsync(), "2025-12-30T10:00:00+01:00", due: "2026-01-15");
        var complaint = await world.Client.ComplaintAsync(world.CaseId, world.DefendantId);

        // No operation of the API moves these rows today; the move triggers keep the counts right when someone fixes data by hand.
        await using (var superUser = await api.OpenAsSuperUserAsync())
        {
            await superUser.ExecuteAsync("""
                UPDATE letters SET case_id = @other WHERE id = @letter;
                UPDATE complaints SET case_id = @other WHERE id = @complaint;
                UPDATE deadlines SET case_id = @other WHERE id = @deadline
                """, new { other, letter = sent.Id, complaint = complaint.Id(), deadline = sent.Deadline!.Id });
        }

        var (stored, recounted) = await StoredAndRecountedAsync([world.CaseId, other]);
        Assert.Equal(recounted, stored);
        var moved = stored.Single(c => c.Id == other);
        Assert.Equal((1, 1, 1, sent.Deadline.Id, new DateTimeOffset(2026, 1, 15, 23, 0, 0, TimeSpan.Zero)),
            (moved.ComplaintCount, moved.LetterCount, moved.OpenDeadlineCount, moved.NextDeadlineId, moved.NextDeadlineDueAt));
        var left = stored.Single(c => c.Id == world.CaseId);
        Assert.Equal((0, 0, 0, (Guid?)null, (DateTimeOffset?)null),
            (left.ComplaintCount, left.LetterCount, left.OpenDeadlineCount, left.NextDeadlineId, left.NextDeadlineDueAt));
    }

    /// <summary>The counts the cases store, and what a recount of their rows says they should be.</summary>
    private async Task<(IReadOnlyList<Counters> Stored, IReadOnlyList<Counters> Recounted)> StoredAndRecountedAsync(Guid[] cases)
    {
        await using var superUser = await api.OpenAsSuperUserAsync();
        var stored = await superUser.QueryAsync<Counters>("""
            SELECT id, complaint_count, letter_count, open_deadline_count, next_deadline_id, next_deadline_due_at FROM cases WHERE id = ANY (@cases) ORDER BY id
            """, new { cases });
        var recounted = await superUser.QueryAsync<Counters>("""
            SELECT c.id,
                   (SELECT count(*) FROM complaints k WHERE k.case_id = c.id)::int AS complaint_count,
                   (SELECT count(*) FROM letters l WHERE l.case_id = c.id)::int AS letter_count,
                   (SELECT count(*) FROM deadlines d WHERE d.case_id = c.id AND d.status = 'open')::int AS open_deadline_count,
                   (SELECT d.id FROM deadlines d WHERE d.case_id = c.id AND d.status = 'open' ORDER BY d.due_at, d.id LIMIT 1) AS next_deadline_id,
                   (SELECT min(d.due_at) FROM deadlines d WHERE d.case_id = c.id AND d.status = 'open') AS next_deadline_due_at
            FROM cases c WHERE c.id = ANY (@cases) ORDER BY c.id
            """, new { cases });
        return (stored.ToList(), recounted.ToList());
    }

    [Fact]
    public async Task A_case_shows_its_counts_and_next_deadline_as_they_change()
    {
        var world = await Letters.WorldAsync(api);
        var later = await world.SendAsync(await world.DraftAsync(), "2025-12-30T10:00:00+01:00", "P1M");
        var sooner = await world.SendAsync(await world.DraftAsync(), "2025-12-30T10:00:00+01:00", "P14D");
        await world.Client.ComplaintAsync(world.CaseId, world.DefendantId);

        var @case = await world.Client.GetFromJsonAsync<JsonElement>($"/v1/cases/{world.CaseId}");
        Assert.Equal((1, 2, 2), (@case.GetProperty("complaintCount").GetInt32(), @case.GetProperty("letterCount").GetInt32(), @case.GetProperty("openDeadlineCount").GetInt32()));
        Assert.Equal(sooner.Deadline!.Id, @case.GetProperty("nextDeadlineId").GetGuid());

        await world.ReplyAsync(sooner.Id, "2025-12-31T09:00:00+01:00");

        var listed = (await world.Client.GetFromJsonAsync<JsonElement>("/v1/cases?status=open")).GetProperty("items").EnumerateArray().Single(c => c.Id() == world.CaseId);
        Assert.Equal((3, 1), (listed.GetProperty("letterCount").GetInt32(), listed.GetProperty("openDeadlineCount").GetInt32()));
        Assert.Equal(later.Deadline!.Id, listed.GetProperty("nextDeadlineId").GetGuid());
        Assert.Equal(later.Deadline!.DueAt, listed.GetProperty("nextDeadlineDueAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task Extending_the_next_deadline_past_another_or_waiving_it_moves_the_case_s_next_deadline()
    {
        var world = await Letters.WorldAsync(api);
        var later = await world.SendAsync(await world.DraftAsync(), "2025-12-30T10:00:00+01:00", due: "2026-01-30");
        var sooner = await world.SendAsync(await world.DraftAsync(), "2025-12-30T10:00:00+01:00", due: "2026-01-15");

        async Task<(Guid? Id, DateTimeOffset? DueAt)> NextDeadlineAsync()
        {
            var @case = await world.Client.GetFromJsonAsync<JsonElement>($"/v1/cases/{world.CaseId}");
            return (@case.GetProperty("nextDeadlineId").Deserialize<Guid?>(), @case.GetProperty("nextDeadlineDueAt").Deserialize<DateTimeOffset?>());
        }

        // Each deadline ends at midnight at the end of its last day in Berlin (CET, UTC+1).
        Assert.Equal((sooner.Deadline!.Id, new DateTimeOffset(2026, 1, 15, 23, 0, 0, TimeSpan.Zero)), await NextDeadlineAsync());

        // An extension changes no status, only the end: the case's next deadline must follow it all the same.
        using var extended = await world.Client.SendWithIfMatchAsync(HttpMethod.Post, $"/v1/deadlines/{sooner.Deadline.Id}/extend",
            new { dueDate = "2026-02-13", reason = "Asked for time" }, sooner.Deadline.Version);
        Assert.Equal(HttpStatusCode.OK, extended.StatusCode);
        Assert.Equal((later.Deadline!.Id, new DateTimeOffset(2026, 1, 30, 23, 0, 0, TimeSpan.Zero)), await NextDeadlineAsync());

        using var waived = await world.Client.SendWithIfMatchAsync(HttpMethod.Post, $"/v1/deadlines/{later.Deadline.Id}/waive",
            new { reason = "Settled by phone" }, later.Deadline.Version);
        Assert.Equal(HttpStatusCode.OK, waived.StatusCode);
        Assert.Equal((sooner.Deadline.Id, new DateTimeOffset(2026, 2, 13, 23, 0, 0, TimeSpan.Zero)), await NextDeadlineAsync());
    }

    [Fact]
    public async Task Changes_made_after_the_counters_were_settled_or_after_a_savepoint_was_rolled_back_are_counted_at_the_commit()
    {
        var world = await Letters.WorldAsync(api);
        await using var superUser = await api.OpenAsSuperUserAsync();
        var before = await superUser.QuerySingleAsync<int>("SELECT open_deadline_count FROM cases WHERE id = @CaseId", new { world.CaseId });
        const string open = """
            INSERT INTO deadlines (id, organisation_id, case_id, kind, starts_on, due_date, due_at, computation, status, created_at, updated_at, rule)
            SELECT gen_random_uuid(), organisation_id, id, 'procedural', DATE '2026-01-05', DATE '2026-01-19', TIMESTAMPTZ '2026-01-19 23:00Z', 'test',
                   'open', now(), now(), 'bgb.letter_response'
            FROM cases WHERE id = @CaseId
            """;
        const string settle = "SET CONSTRAINTS jobs.case_counter_changes_applied IMMEDIATE; SET CONSTRAINTS jobs.case_counter_changes_applied DEFERRED";

        // Migration 0039: only the first note since the last apply arms the deferred apply. Settling disarms, and so does
        // rolling back the savepoint that armed it: were either forgotten, the next change would never be applied.
        await using (var transaction = await superUser.BeginTransactionAsync())
        {
            foreach (var step in new[] { open, settle, open, settle, "SAVEPOINT opening", open, "ROLLBACK TO SAVEPOINT opening", open })
            {
                await superUser.ExecuteAsync(step, new { world.CaseId }, transaction);
            }

            await transaction.CommitAsync();
        }

        var (stored, recounted) = await superUser.QuerySingleAsync<(int, int)>("""
            SELECT open_deadline_count, (SELECT count(*) FROM deadlines d WHERE d.case_id = c.id AND d.status = 'open')::int FROM cases c WHERE id = @CaseId
            """, new { world.CaseId });
        Assert.Equal((before + 3, before + 3), (stored, recounted));
        Assert.Equal(0, await superUser.QuerySingleAsync<int>("SELECT count(*)::int FROM jobs.case_counter_changes"));
    }
}
