using System.Data;
using System.Diagnostics;
using CaseApi.Benchmarks.Support;
using CaseApi.Features.Deadlines;
using CaseApi.Features.Organisations;
using CaseApi.Infrastructure.Data;
using Dapper;
using MediatR;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CaseApi.Benchmarks.Scenarios;

/// <summary>
/// The deadline sweep at scale (issue: "1,000,000 open deadlines of which 10,000 are overdue: one worker takes all
/// 10,000 to missed and level 1 in under 10 s, […] the same run with 10,000 open deadlines takes about as long per
/// escalation"). Two measurements on fresh databases: the large one, and a baseline where every open deadline is
/// overdue. Each seeds with PostgreSQL's bulk paths, sweeps with one worker as <see cref="SweepDeadlinesJob"/>
/// does, checks what the sweep wrote, and explains the sweep's claim query.
/// </summary>
internal static class EscalationSweep
{
    public static readonly Scenario Definition = new(
        "escalation",
        "Seeds N open deadlines (M overdue), sweeps them with one worker and checks the result; then the same with M open.",
        ["open", "overdue", "batch-size", "organisations", "cases"],
        ["quick", "batches", "keep"],
        RunAsync);

    private static readonly TimeSpan Target = TimeSpan.FromSeconds(10);

    /// <summary>"Now" for the sweep: Monday 1 June 2026, 10:00 in Berlin. Overdue deadlines ended in the two weeks before.</summary>
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 8, 0, 0, TimeSpan.Zero);

    private static readonly DateTimeOffset SeededAt = Now.AddDays(-120);

    private sealed record Sizes(string Label, int Open, int Overdue);

    private sealed record Batch(SweepDeadlines.Result Result, TimeSpan Elapsed);

    private sealed record Measurement(
        Sizes Sizes, int BatchSize, TimeSpan Seed, TimeSpan Sweep, IReadOnlyList<Batch> Batches, string Plan, IReadOnlyList<string> Failures)
    {
        public double Seconds => Sweep.TotalSeconds;

        public double PerSecond => Sizes.Overdue / Sweep.TotalSeconds;

        public double MillisecondsEach => Sweep.TotalMilliseconds / Sizes.Overdue;
    }

    private static async Task<int> RunAsync(BenchmarkOptions options, CancellationToken ct)
    {
        var quick = options.Has("quick");
        var overdue = options.Int("overdue", 10_000);
        var open = options.Int("open", quick ? 100_000 : 1_000_000);
        var batchSize = options.Int("batch-size", SweepDeadlines.DefaultBatchSize);
        var organisations = options.Int("organisations", 10);
        var casesPerOrganisation = options.Int("cases", 1_000);
        if (overdue > open)
        {
            throw new ArgumentException($"--overdue ({overdue}) cannot exceed --open ({open}).");
        }

        await using var server = await BenchmarkServer.StartAsync(ct);
        Console.WriteLine($"PostgreSQL: {server.Description}; {await server.VersionAsync(ct)}");
        Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}");
        Console.WriteLine($"Sweep: one worker, batch size {batchSize}, {organisations} organisations × {casesPerOrganisation:N0} cases, now = {Now:O}");

        // The large run first: it pays the process's warm-up (JIT, pools), so both its time and the ratio err on the slow side.
        var runs = new List<Measurement>();
        foreach (var sizes in new[] { new Sizes("large", open, overdue), new Sizes("baseline", overdue, overdue) })
        {
            Console.WriteLine();
            Console.WriteLine($"== {sizes.Label}: {sizes.Open:N0} open deadlines, {sizes.Overdue:N0} overdue ==");
            runs.Add(await MeasureAsync(server, sizes, batchSize, organisations, casesPerOrganisation, options, ct));
        }

        Report(runs);
        return runs.Any(r => r.Failures.Count > 0) ? 1 : 0;
    }

    private static async Task<Measurement> MeasureAsync(
        BenchmarkServer server, Sizes sizes, int batchSize, int organisationCount, int casesPerOrganisation, BenchmarkOptions options, CancellationToken ct)
    {
        var database = await server.CreateDatabaseAsync($"escalation_{sizes.Label}", ct);
        try
        {
            var clock = new FakeTimeProvider(SeededAt);
            await using var app = await BenchmarkApp.BuildAsync(database, clock, ct);

            var seed = Stopwatch.StartNew();
            var organisations = new List<Guid>();
            for (var i = 1; i <= organisationCount; i++)
            {
                var created = await SendAsync(app, new CreateOrganisation.Command($"Benchmark organisation {i}", "DE-NW", "Europe/Berlin"), ct);
                organisations.Add(created.Organisation.Id);
            }

            await SeedAsync(database, organisations, casesPerOrganisation, sizes, ct);
            seed.Stop();
            Console.WriteLine($"Seeded in {seed.Elapsed.TotalSeconds:F1} s (bulk INSERT … SELECT as superuser, then VACUUM ANALYZE and CHECKPOINT).");

            clock.SetUtcNow(Now);
            var plan = await ExplainClaimAsync(app, batchSize, ct);
            Console.WriteLine("Claim query, EXPLAIN (ANALYZE, BUFFERS), before the sweep:");
            Console.WriteLine(Indent(plan));

            var (elapsed, batches) = await SweepAsync(app, batchSize, sizes.Overdue, ct);
            PrintBatches(batches, options.Has("batches"));

            var failures = new List<string>();
            if (!plan.Contains("Index Scan using deadline_watch_due", StringComparison.Ordinal) || plan.Contains("Seq Scan", StringComparison.Ordinal))
            {
                failures.Add("the claim query does not run on the index deadline_watch_due");
            }

            failures.AddRange(CheckResults(batches, sizes));
            failures.AddRange(await CheckDatabaseAsync(database, sizes, ct));
            Console.WriteLine(failures.Count == 0
                ? $"Checks: all passed ({sizes.Overdue:N0} missed, reminders, timeline entries and events, each once)."
                : "Checks FAILED:" + Environment.NewLine + string.Join(Environment.NewLine, failures.Select(f => "  - " + f)));
            return new Measurement(sizes, batchSize, seed.Elapsed, elapsed, batches, plan, failures);
        }
        finally
        {
            if (options.Has("keep"))
            {
                Console.WriteLine($"Kept database {database.Name}.");
            }
            else
            {
                await server.DropAsync(database, ct);
            }
        }
    }

    private static async Task<TResponse> SendAsync<TResponse>(WebApplication app, IRequest<TResponse> request, CancellationToken ct)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IMediator>().Send(request, ct);
    }

    /// <summary>
    /// What the API would have written for each deadline (a sent cease-and-desist letter to the case's defendant,
    /// its response deadline, the timeline entries "letter.sent" and "deadline.created", the watch row), written in
    /// bulk. Overdue deadlines are spread evenly through the tables and over the last two weeks; the rest fall due
    /// in one week to three months, beyond their due-soon warning, so the sweep has nothing else to do.
    /// </summary>
    private static async Task SeedAsync(BenchmarkDatabase database, IReadOnlyList<Guid> organisations, int casesPerOrganisation, Sizes sizes,
        CancellationToken ct)
    {
        await using var connection = await database.OpenAsSuperUserAsync(ct);
        await using (var transaction = await connection.BeginTransactionAsync(ct))
        {
            await connection.ExecuteAsync(new CommandDefinition("""
                INSERT INTO defendants (id, organisation_id, legal_name, created_at, updated_at)
                SELECT gen_random_uuid(), o, 'Defendant ' || i, @seededAt, @seededAt
                FROM unnest(@organisations) WITH ORDINALITY AS t(o, i);

                INSERT INTO cases (id, organisation_id, reference, title, status, opened_on, created_at, updated_at)
                SELECT gen_random_uuid(), o, 'BENCH-' || c, 'Benchmark case ' || c, 'open', date '2026-01-05', @seededAt, @seededAt
                FROM unnest(@organisations) AS o CROSS JOIN generate_series(1, @casesPerOrganisation) AS c;

                INSERT INTO case_defendants (organisation_id, case_id, defendant_id)
                SELECT c.organisation_id, c.id, d.id FROM cases c JOIN defendants d ON d.organisation_id = c.organisation_id;

                -- Ids as the API makes them (Guid.CreateVersion7): time-ordered, so the bulk load appends to the primary
                -- keys rather than scattering over them (with random ids, inserting 1,000,000 deadlines took minutes).
                CREATE FUNCTION pg_temp.uuid_v7(ms bigint, salt text) RETURNS uuid LANGUAGE sql IMMUTABLE AS $$
                    SELECT (lpad(to_hex(ms), 12, '0') || '7' || substr(md5(salt), 1, 3) || '8' || substr(md5(salt), 4, 15))::uuid
                $$;

                -- One row per deadline: its case, hashed from n so that organisations, cases and due days mix; and
                -- whether it is overdue: row n is when floor(n·overdue/open) steps up, which picks exactly `overdue`
                -- rows, evenly spread through the tables.
                CREATE TEMP TABLE slots ON COMMIT DROP AS
                SELECT (row_number() OVER (ORDER BY c.reference, c.organisation_id) - 1) AS slot, c.organisation_id, c.id AS case_id, cd.defendant_id
                FROM cases c JOIN case_defendants cd ON cd.case_id = c.id;

                CREATE TEMP TABLE seed ON COMMIT DROP AS
                SELECT n, s.organisation_id, s.case_id, s.defendant_id,
                       pg_temp.uuid_v7(@seededAtMs + n, 'letter' || n) AS letter_id, pg_temp.uuid_v7(@seededAtMs + n, 'deadline' || n) AS deadline_id,
                       CASE WHEN n * @overdue / @open > (n - 1) * @overdue / @open
                            THEN @today - 1 - (abs(hashint8(-n)::bigint) % 14)::int
                            ELSE @today + 7 + (abs(hashint8(-n)::bigint) % 84)::int END AS due_date
                FROM generate_series(1::bigint, @open) AS n
                JOIN slots s ON s.slot = abs(hashint8(n)::bigint) % (SELECT count(*) FROM slots);

                INSERT INTO letters
                    (id, organisation_id, case_id, direction, type, defendant_id, channel, subject, body, status, sent_at, created_at, updated_at)
                SELECT letter_id, organisation_id, case_id, 'outgoing', 'cease_and_desist', defendant_id, 'email',
                       'Cease and desist ' || n, 'We ask you to cease and desist within 14 days.', 'sent',
                       (due_date - 14 + time '10:00') AT TIME ZONE 'Europe/Berlin', @seededAt, @seededAt
                FROM seed ORDER BY n;

                -- The watch list's trigger would add one row per deadline, one at a time; for the bulk load it is
                -- off, and the same rows (the trigger's expression) are written with one INSERT … SELECT below.
                ALTER TABLE deadlines DISABLE TRIGGER deadlines_watch;

                INSERT INTO deadlines (id, organisation_id, case_id, kind, rule, letter_id, defendant_id, starts_on, period, due_date, due_at,
                    due_soon_at, due_soon_notified_at, computation, status, created_at, updated_at)
                SELECT deadline_id, organisation_id, case_id, 'response', 'bgb.letter_response', letter_id, defendant_id, due_date - 14, 'P14D', due_date,
                       (due_date + 1)::timestamp AT TIME ZONE 'Europe/Berlin',
                       (due_date - 4)::timestamp AT TIME ZONE 'Europe/Berlin',
                       -- An overdue deadline was warned when it fell due soon.
                       CASE WHEN due_date < @today THEN (due_date - 4)::timestamp AT TIME ZONE 'Europe/Berlin' END,
                       'Benchmark: 14 days from ' || to_char(due_date - 14, 'YYYY-MM-DD') || ', due ' || to_char(due_date, 'YYYY-MM-DD') || '.',
                       'open', @seededAt, @seededAt
                FROM seed ORDER BY n;

                INSERT INTO jobs.deadline_watch (deadline_id, organisation_id, next_check_at)
                SELECT id, organisation_id,
                       CASE WHEN due_soon_notified_at IS NULL AND due_soon_at IS NOT NULL THEN least(due_soon_at, due_at) ELSE due_at END
                FROM deadlines WHERE status = 'open';

                ALTER TABLE deadlines ENABLE TRIGGER deadlines_watch;

                INSERT INTO timeline_entries (id, organisation_id, case_id, occurred_at, recorded_at, kind, summary, resource_type, resource_id, details)
                SELECT pg_temp.uuid_v7(@seededAtMs + n, 'sent' || n), s.organisation_id, s.case_id, l.sent_at, @seededAt, 'letter.sent',
                       'Letter sent: ' || l.subject, 'letter', s.letter_id, '{}'
                FROM seed s JOIN letters l ON l.id = s.letter_id
                ORDER BY n;

                INSERT INTO timeline_entries (id, organisation_id, case_id, occurred_at, recorded_at, kind, summary, resource_type, resource_id, details)
                SELECT pg_temp.uuid_v7(@seededAtMs + n, 'set' || n), d.organisation_id, d.case_id, @seededAt, @seededAt, 'deadline.created',
                       'Deadline set: ' || d.computation, 'deadline', d.id, jsonb_build_object('kind', d.kind, 'dueDate', d.due_date, 'dueAt', d.due_at)
                FROM seed s JOIN deadlines d ON d.id = s.deadline_id
                ORDER BY n;
                """,
                new
                {
                    organisations = organisations.ToArray(), casesPerOrganisation, open = (long)sizes.Open, overdue = (long)sizes.Overdue,
                    today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(Now, TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin")).Date),
                    seededAt = SeededAt, seededAtMs = SeededAt.ToUnixTimeMilliseconds(),
                },
                transaction, commandTimeout: 0, cancellationToken: ct));
            await transaction.CommitAsync(ct);
        }

        // A database that has been running: statistics current, the new rows vacuumed (so that neither hint-bit writes
        // nor autovacuum land in the measurement) and a checkpoint behind it.
        await connection.ExecuteAsync(new CommandDefinition("VACUUM (ANALYZE)", commandTimeout: 0, cancellationToken: ct));
        // Text, spelled out: Dapper takes a command without a space for the name of a stored procedure.
        await connection.ExecuteAsync(new CommandDefinition("CHECKPOINT", commandTimeout: 0, commandType: CommandType.Text, cancellationToken: ct));

        var (deadlines, due, watched) = await connection.QuerySingleAsync<(long, long, long)>(new CommandDefinition("""
            SELECT (SELECT count(*) FROM deadlines WHERE status = 'open'),
                   (SELECT count(*) FROM deadlines WHERE status = 'open' AND due_at <= @now),
                   (SELECT count(*) FROM jobs.deadline_watch)
            """, new { now = Now }, cancellationToken: ct));
        if (deadlines != sizes.Open || due != sizes.Overdue || watched != sizes.Open)
        {
            throw new InvalidOperationException(
                $"The seed is wrong: {deadlines} open, {due} overdue, {watched} watched; wanted {sizes.Open}, {sizes.Overdue}, {sizes.Open}.");
        }
    }

    /// <summary>The claim as the sweep runs it (<see cref="SweepDeadlines.ClaimSql"/>), as the application role, rolled back.</summary>
    private static async Task<string> ExplainClaimAsync(WebApplication app, int batchSize, CancellationToken ct)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DbSession>();
        // Read-write: FOR UPDATE is refused in a read-only transaction. The session is disposed uncommitted, so the
        // rows EXPLAIN ANALYZE locked are released untouched.
        await db.BeginAsync(readOnly: false, ct);
        var lines = await db.QueryAsync<string>($"EXPLAIN (ANALYZE, BUFFERS) {SweepDeadlines.ClaimSql}", new { now = Now, BatchSize = batchSize }, ct);
        return string.Join(Environment.NewLine, lines);
    }

    /// <summary>
    /// As <see cref="SweepDeadlinesJob.RunAsync"/>: one command per batch, each in a scope and transaction of its own, until nothing is claimed.
    /// </summary>
    private static async Task<(TimeSpan Elapsed, IReadOnlyList<Batch> Batches)> SweepAsync(WebApplication app, int batchSize, int overdue, CancellationToken ct)
    {
        var batches = new List<Batch>();
        // A sweep that keeps claiming without end would be a bug; stop it well after it should have finished.
        var limit = overdue / batchSize * 2 + 10;
        var total = Stopwatch.StartNew();
        while (batches.Count < limit)
        {
            var started = total.Elapsed;
            await using var scope = app.Services.CreateAsyncScope();
            var result = await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new SweepDeadlines.Command(batchSize), ct);
            batches.Add(new Batch(result, total.Elapsed - started));
            if (result.Claimed == 0)
            {
                break;
            }
        }

        total.Stop();
        return (total.Elapsed, batches);
    }

    private static IEnumerable<string> CheckResults(IReadOnlyList<Batch> batches, Sizes sizes)
    {
        var last = batches[^1].Result;
        if (last.Claimed != 0)
        {
            yield return $"the sweep was stopped after {batches.Count} batches and still claimed {last.Claimed}";
        }

        var (claimed, dueSoon, missed, reminders, escalated) = (batches.Sum(b => b.Result.Claimed), batches.Sum(b => b.Result.DueSoon),
            batches.Sum(b => b.Result.Missed), batches.Sum(b => b.Result.RemindersDrafted), batches.Sum(b => b.Result.CasesEscalated));
        foreach (var (what, actual, expected) in new[]
                 {
                     ("claimed (each overdue deadline once)", claimed, sizes.Overdue), ("missed", missed, sizes.Overdue),
                     ("reminders drafted", reminders, sizes.Overdue), ("warned due soon", dueSoon, 0), ("cases escalated", escalated, 0),
                 })
        {
            if (actual != expected)
            {
                yield return $"the sweep's results say {actual:N0} {what}, expected {expected:N0}";
            }
        }
    }

    /// <summary>What the sweep wrote, counted in the database: each overdue deadline missed and reminded once, nothing else touched.</summary>
    private static async Task<IReadOnlyList<string>> CheckDatabaseAsync(BenchmarkDatabase database, Sizes sizes, CancellationToken ct)
    {
        await using var connection = await database.OpenAsSuperUserAsync(ct);
        var counts = (await connection.QueryAsync<(string What, long Count)>(new CommandDefinition("""
            SELECT 'deadlines missed now', count(*) FROM deadlines WHERE status = 'missed' AND missed_at = @now
            UNION ALL SELECT 'deadlines still open', count(*) FROM deadlines WHERE status = 'open'
            UNION ALL SELECT 'open deadlines overdue', count(*) FROM deadlines WHERE status = 'open' AND due_at <= @now
            UNION ALL SELECT 'deadlines in another status', count(*) FROM deadlines WHERE status NOT IN ('open', 'missed')
            UNION ALL SELECT 'watch rows', count(*) FROM jobs.deadline_watch
            UNION ALL SELECT 'watch rows due', count(*) FROM jobs.deadline_watch WHERE next_check_at <= @now
            UNION ALL SELECT 'watch rows of deadlines not open', count(*)
                FROM jobs.deadline_watch w JOIN deadlines d ON d.id = w.deadline_id WHERE d.status <> 'open'
            UNION ALL SELECT 'step ' || step, count(*) FROM deadline_escalations GROUP BY step
            UNION ALL SELECT 'steps on deadlines not missed', count(*)
                FROM deadline_escalations e JOIN deadlines d ON d.id = e.deadline_id WHERE d.status <> 'missed'
            UNION ALL SELECT 'reminder letters', count(*) FROM letters WHERE type = 'reminder'
            UNION ALL SELECT 'letters reminded', count(DISTINCT reminder_of_id) FROM letters WHERE type = 'reminder'
            -- A reminder drafts to the same counterparty, in the same case and organisation, chasing the missed deadline's letter.
            UNION ALL SELECT 'reminders matching their deadline', count(*)
                FROM deadline_escalations e
                JOIN deadlines d ON d.id = e.deadline_id
                JOIN letters r ON r.id = e.letter_id
                WHERE e.step = 'reminder_drafted' AND r.type = 'reminder' AND r.status = 'draft' AND r.reminder_of_id = d.letter_id
                  AND r.case_id = d.case_id AND r.organisation_id = d.organisation_id AND r.defendant_id = d.defendant_id
            UNION ALL SELECT 'timeline ' || kind, count(*) FROM timeline_entries WHERE recorded_at = @now GROUP BY kind
            UNION ALL SELECT 'timeline ' || kind || ' deadlines', count(DISTINCT resource_id) FROM timeline_entries WHERE recorded_at = @now GROUP BY kind
            UNION ALL SELECT 'timeline entries in the deadline''s case', count(*)
                FROM timeline_entries t JOIN deadlines d ON d.id = t.resource_id AND d.case_id = t.case_id AND d.organisation_id = t.organisation_id
                WHERE t.recorded_at = @now
            UNION ALL SELECT 'event ' || type, count(*) FROM events GROUP BY type
            UNION ALL SELECT 'event ' || type || ' resources', count(DISTINCT resource_id) FROM events GROUP BY type
            -- Events carry the resource as the API returns it: the deadline, missed, in its case; the reminder, a draft.
            UNION ALL SELECT 'events in the deadline''s organisation, with the deadline', count(*)
                FROM events e JOIN deadlines d ON d.id = e.resource_id AND d.organisation_id = e.organisation_id AND (e.data->>'caseId')::uuid = d.case_id
                WHERE (e.data->>'id')::uuid = d.id AND e.data->>'status' = d.status
            UNION ALL SELECT 'events in the reminder''s organisation, with the reminder', count(*)
                FROM events e JOIN letters r ON r.id = e.resource_id AND r.organisation_id = e.organisation_id AND (e.data->>'caseId')::uuid = r.case_id
                WHERE r.type = 'reminder' AND (e.data->>'id')::uuid = r.id AND e.data->>'type' = 'reminder' AND e.data->>'status' = 'draft'
            """, new { now = Now }, cancellationToken: ct))).ToDictionary(c => c.What, c => c.Count);

        var overdue = (long)sizes.Overdue;
        var expected = new Dictionary<string, long>
        {
            ["deadlines missed now"] = overdue,
            ["deadlines still open"] = sizes.Open - overdue,
            ["open deadlines overdue"] = 0,
            ["deadlines in another status"] = 0,
            ["watch rows"] = sizes.Open - overdue,
            ["watch rows due"] = 0,
            ["watch rows of deadlines not open"] = 0,
            ["step missed"] = overdue,
            ["step reminder_drafted"] = overdue,
            ["steps on deadlines not missed"] = 0,
            ["reminder letters"] = overdue,
            ["letters reminded"] = overdue,
            ["reminders matching their deadline"] = overdue,
            ["timeline deadline.missed"] = overdue,
            ["timeline deadline.missed deadlines"] = overdue,
            ["timeline deadline.escalated"] = overdue,
            ["timeline deadline.escalated deadlines"] = overdue,
            ["timeline entries in the deadline's case"] = 2 * overdue,
            ["event deadline.missed"] = overdue,
            ["event deadline.missed resources"] = overdue,
            ["event deadline.escalated"] = overdue,
            ["event deadline.escalated resources"] = overdue,
            ["event letter.created"] = overdue,
            ["event letter.created resources"] = overdue,
            ["events in the deadline's organisation, with the deadline"] = 2 * overdue,
            ["events in the reminder's organisation, with the reminder"] = overdue,
        };
        var failures = expected
            .Where(e => counts.GetValueOrDefault(e.Key) != e.Value)
            .Select(e => $"{e.Key}: {counts.GetValueOrDefault(e.Key):N0}, expected {e.Value:N0}")
            .ToList();
        // Anything written that the list above does not expect (another step, another kind of entry or event).
        failures.AddRange(counts.Where(c => !expected.ContainsKey(c.Key) && c.Value != 0).Select(c => $"{c.Key}: {c.Value:N0}, expected none"));
        return failures;
    }

    private static void PrintBatches(IReadOnlyList<Batch> batches, bool all)
    {
        var working = batches.Where(b => b.Result.Claimed > 0).ToArray();
        if (all)
        {
            foreach (var (batch, i) in batches.Select((b, i) => (b, i + 1)))
            {
                Console.WriteLine($"  batch {i,4}: {batch.Result.Claimed,5} claimed, {batch.Result.Missed,5} missed, " +
                                  $"{batch.Result.RemindersDrafted,5} reminded in {batch.Elapsed.TotalMilliseconds,8:F1} ms");
            }
        }

        if (working.Length == 0)
        {
            return;
        }

        var ms = working.Select(b => b.Elapsed.TotalMilliseconds).Order().ToArray();
        Console.WriteLine($"Batches: {working.Length} with work, then 1 empty; ms per batch: first {working[0].Elapsed.TotalMilliseconds:F0}, " +
                          $"min {ms[0]:F0}, median {ms[ms.Length / 2]:F0}, p90 {ms[(int)(ms.Length * 0.9)]:F0}, max {ms[^1]:F0}; " +
                          $"the empty one {batches[^1].Elapsed.TotalMilliseconds:F0}");
    }

    private static void Report(IReadOnlyList<Measurement> runs)
    {
        Console.WriteLine();
        Console.WriteLine("| scenario | open deadlines | overdue | batch size | sweep s | escalations/s | ms per escalation |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var run in runs)
        {
            Console.WriteLine($"| {run.Sizes.Label} | {run.Sizes.Open:N0} | {run.Sizes.Overdue:N0} | {run.BatchSize} | " +
                              $"{run.Seconds:F2} | {run.PerSecond:N0} | {run.MillisecondsEach:F3} |");
        }

        var (large, baseline) = (runs[0], runs[1]);
        Console.WriteLine();
        Console.WriteLine($"Per-escalation time, large / baseline: {large.MillisecondsEach / baseline.MillisecondsEach:F2}");
        Console.WriteLine($"target: < {Target.TotalSeconds:F0} s for {large.Sizes.Overdue:N0} escalations among {large.Sizes.Open:N0} open deadlines: " +
                          $"{large.Seconds:F2} s — {(large.Sweep < Target ? "PASS" : "MISS")}");
        var failed = runs.Where(r => r.Failures.Count > 0).Select(r => r.Sizes.Label).ToArray();
        Console.WriteLine(failed.Length == 0 ? "correctness: PASS" : $"correctness: FAIL ({string.Join(", ", failed)})");
    }

    private static string Indent(string text) => string.Join(Environment.NewLine, text.Split('\n').Select(line => "    " + line.TrimEnd('\r')));
}
