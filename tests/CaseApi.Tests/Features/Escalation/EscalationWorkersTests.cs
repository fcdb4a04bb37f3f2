using CaseApi.Features.Deadlines;
using Dapper;
using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Npgsql;
using Xunit.Abstractions;

namespace CaseApi.Tests.Features.Escalation;

/// <summary>
/// Three real worker processes sweep one database; one is killed with SIGKILL in the middle of the run. Every due
/// deadline must still reach each step exactly once: none skipped, none doubled.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class EscalationWorkersTests(CaseApiFactory api, ITestOutputHelper output) : IClassFixture<CaseApiFactory>
{
    private const int Deadlines = 4000;

    [Fact]
    public async Task Three_workers_one_killed_mid_run_take_every_due_deadline_through_each_step_exactly_once()
    {
        var organisation = await api.CreateOrganisationAsync("Worker test");
        await SeedOverdueDeadlinesAsync(organisation.Id);
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__CaseDb"] = api.Database.Application,
            ["ConnectionStrings__CaseDbMigrations"] = api.Database.Migrations,
            ["Mode"] = "worker",
            ["Demo__Enabled"] = "false",
            // Small batches and two workers each: the run takes long enough for a kill to land in the middle of it.
            ["Jobs__SweepBatchSize"] = "20",
            ["Jobs__WorkerCount"] = "2",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        var workers = Enumerable.Range(0, 3).Select(_ => CaseApiProcess.Start(environment)).ToArray();
        try
        {
            await Poll.UntilAsync(async () => await ScalarAsync("SELECT count(*) FROM hangfire.server", tolerateMissingTable: true) >= 3, "three Hangfire servers up");
            // Hangfire's logger is process-wide, and may still point at the logger factory of an in-memory host disposed by now
            // (the in-memory API no longer serves the dashboard, which pointed it at its own host, unless an operator is set).
            GlobalConfiguration.Configuration.UseNoOpLogProvider();
            var jobs = new BackgroundJobClient(Storage());
            for (var i = 0; i < 6; i++)
            {
                jobs.Enqueue<SweepDeadlinesJob>(job => job.RunAsync(CancellationToken.None));
            }

            await Poll.UntilAsync(async () => await StepCountAsync("missed") >= Deadlines / 10, "the sweep under way");
            var missedAtKill = await StepCountAsync("missed");
            workers[0].Kill(entireProcessTree: true);
            await workers[0].WaitForExitAsync();
            output.WriteLine($"Killed worker {workers[0].Id} with {missedAtKill} of {Deadlines} deadlines missed.");
            Assert.InRange(missedAtKill, 1, Deadlines - 1);
            jobs.Enqueue<SweepDeadlinesJob>(job => job.RunAsync(CancellationToken.None));

            await Poll.UntilAsync(async () => await StepCountAsync("reminder_drafted") == Deadlines, "every deadline reminded", timeout: TimeSpan.FromSeconds(120));

            await using var superUser = await api.OpenAsSuperUserAsync();
            var counts = await superUser.QuerySingleAsync<(long Missed, long Reminded, long Reminders, long Timeline, long Events)>("""
                SELECT (SELECT count(DISTINCT deadline_id) FROM deadline_escalations WHERE step = 'missed'),
                       (SELECT count(DISTINCT deadline_id) FROM deadline_escalations WHERE step = 'reminder_drafted'),
                       (SELECT count(*) FROM letters WHERE type = 'reminder'),
                       (SELECT count(*) FROM timeline_entries WHERE kind = 'deadline.missed'),
                       (SELECT count(*) FROM events WHERE type = 'deadline.missed')
                """);
            Assert.Equal((Deadlines, Deadlines, Deadlines, Deadlines, Deadlines), (counts.Missed, counts.Reminded, counts.Reminders, counts.Timeline, counts.Events));
            // Per deadline, three events: missed, escalated (level 1), and the drafted reminder's letter.created.
            var events = (await superUser.QueryAsync<(string Type, long Count, long Resources)>("""
                SELECT e.type, count(*), count(DISTINCT e.resource_id) FROM events e
                LEFT JOIN letters l ON l.id = e.resource_id
                WHERE e.resource_type = 'deadline' OR l.type = 'reminder'
                GROUP BY e.type ORDER BY e.type
                """)).ToArray();
            Assert.Equal(
                [("deadline.escalated", Deadlines, Deadlines), ("deadline.missed", Deadlines, Deadlines), ("letter.created", Deadlines, Deadlines)],
                events);
            Assert.Equal(0, await ScalarAsync("SELECT count(*) FROM deadlines WHERE status = 'open'"));
        }
        finally
        {
            foreach (var worker in workers.Where(w => !w.HasExited))
            {
                worker.Kill(entireProcessTree: true);
            }
        }
    }

    private async Task SeedOverdueDeadlinesAsync(Guid organisationId)
    {
        await using var superUser = await api.OpenAsSuperUserAsync();
        await superUser.ExecuteAsync("""
            WITH defendant AS (
                INSERT INTO defendants (id, organisation_id, legal_name, created_at, updated_at)
                VALUES (gen_random_uuid(), @organisationId, 'Meta Platforms Ireland Limited', now(), now()) RETURNING id
            ), kase AS (
                INSERT INTO cases (id, organisation_id, reference, title, opened_on, created_at, updated_at)
                VALUES (gen_random_uuid(), @organisationId, 'KILL-1', 'Workers under fire', current_date, now(), now()) RETURNING id
            ), sent AS (
                INSERT INTO letters (id, organisation_id, case_id, direction, type, defendant_id, channel, subject, status, sent_at, created_at, updated_at)
                SELECT gen_random_uuid(), @organisationId, kase.id, 'outgoing', 'cease_and_desist', defendant.id, 'email', 'Letter ' || g, 'sent',
                       now() - interval '30 days', now(), now()
                FROM generate_series(1, @count) g, kase, defendant
                RETURNING id, case_id, defendant_id
            )
            INSERT INTO deadlines (id, organisation_id, case_id, kind, rule, letter_id, defendant_id, starts_on, period, due_date, due_at, computation, status, created_at, updated_at)
            SELECT gen_random_uuid(), @organisationId, case_id, 'response', 'bgb.letter_response', id, defendant_id, current_date - 30, 'P14D', current_date - 16,
                   now() - interval '16 days', 'Seeded overdue.', 'open', now(), now()
            FROM sent
            """, new { organisationId, count = Deadlines });
    }

    private JobStorage Storage()
    {
        var options = new PostgreSqlStorageOptions { SchemaName = "hangfire", PrepareSchemaIfNecessary = false };
        return new PostgreSqlStorage(new NpgsqlConnectionFactory(api.Database.Application, options), options);
    }

    private Task<long> StepCountAsync(string step) => ScalarAsync($"SELECT count(*) FROM deadline_escalations WHERE step = '{step}'");

    private async Task<long> ScalarAsync(string sql, bool tolerateMissingTable = false)
    {
        await using var superUser = await api.OpenAsSuperUserAsync();
        try
        {
            return await superUser.QuerySingleAsync<long>(sql);
        }
        catch (PostgresException e) when (tolerateMissingTable && e.SqlState is PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.InvalidSchemaName)
        {
            return 0;
        }
    }
}
