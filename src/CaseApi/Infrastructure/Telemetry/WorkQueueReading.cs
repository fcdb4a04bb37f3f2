using CaseApi.Infrastructure.Data;
using Dapper;
using Npgsql;

namespace CaseApi.Infrastructure.Telemetry;

/// <summary>
/// The jobs' work lists as an operator watches them: the oldest check the deadline sweep has not made yet, and the webhook
/// deliveries still waiting. Read from the database, not reported by the jobs, because what is to be alerted on is the sweep
/// or the dispatcher not running at all, and a job that does not run reports nothing.
/// </summary>
/// <remarks>
/// One round trip, at most once per <c>Telemetry:GaugeCacheSeconds</c> (10) however often metrics are scraped or exported:
/// both oldest times are one probe of their work list's index (<c>deadline_watch_due</c>, <c>webhook_dispatch_due</c>), and
/// the backlog counts at most <see cref="BacklogCap"/> rows of an index. The ages are taken against the clock at each reading,
/// so that a lag keeps growing between two queries while the oldest row stays.
/// </remarks>
public sealed class WorkQueueReading(DatabaseRuntime database, TimeProvider clock, IConfiguration configuration, ILogger<WorkQueueReading> logger)
    : IDisposable
{
    /// <summary>Beyond this the backlog gauge stays put: counting a runaway backlog to the last row would cost a scan per reading.</summary>
    public const int BacklogCap = 100_000;

    private readonly TimeSpan cacheFor = TimeSpan.FromSeconds(configuration.GetValue("Telemetry:GaugeCacheSeconds", 10));
    private readonly Lock gate = new();
    private (Snapshot? Value, DateTimeOffset ReadAt)? cached;
    private NpgsqlDataSource? dataSource;

    public sealed record Snapshot
    {
        public DateTimeOffset? OldestDeadlineCheck { get; init; }

        public DateTimeOffset? OldestWebhookAttempt { get; init; }

        public long WebhookBacklog { get; init; }
    }

    /// <summary>How long the oldest deadline due for the sweep has waited for it; 0 when none is due. Null when the database cannot be read.</summary>
    public double? SweepLagSeconds() => Read() is { } snapshot ? AgeInSeconds(snapshot.OldestDeadlineCheck) : null;

    /// <summary>How long the oldest webhook delivery due for an attempt has waited for it; 0 when none is due.</summary>
    public double? WebhookLagSeconds() => Read() is { } snapshot ? AgeInSeconds(snapshot.OldestWebhookAttempt) : null;

    /// <summary>Webhook deliveries not yet delivered nor given up: due, leased to a dispatcher, or waiting to be retried.</summary>
    public long? WebhookBacklog() => Read()?.WebhookBacklog;

    private double AgeInSeconds(DateTimeOffset? oldest) =>
        oldest is { } due ? Math.Max(0, (clock.GetUtcNow() - due).TotalSeconds) : 0;

    private Snapshot? Read()
    {
        // One reader at a time: scrapes that arrive together share one query rather than each run it.
        lock (gate)
        {
            var now = clock.GetUtcNow();
            if (cached is { } fresh && now - fresh.ReadAt < cacheFor && now >= fresh.ReadAt)
            {
                return fresh.Value;
            }

            try
            {
                // A pool of one connection of its own, created once the database is known (after the meter): a reading never
                // waits for, nor takes, a connection that requests need. Unprepared: in a test, the first use of a connection after
                // this statement, auto-prepared, had been refused failed in Npgsql 10.0.3 ("unexpected backend message DataRow").
                dataSource ??= new NpgsqlDataSourceBuilder(new NpgsqlConnectionStringBuilder(database.Connections.Application)
                {
                    MaxPoolSize = 1, MaxAutoPrepare = 0, ApplicationName = "CaseApi metrics",
                }.ConnectionString)
                { Name = "CaseApi metrics" }.Build();
                using var connection = dataSource.OpenConnection();
                var snapshot = connection.QuerySingle<Snapshot>(new CommandDefinition($"""
                    SELECT (SELECT min(next_check_at) FROM jobs.deadline_watch) AS oldest_deadline_check,
                           (SELECT min(next_attempt_at) FROM jobs.webhook_dispatch) AS oldest_webhook_attempt,
                           (SELECT count(*) FROM (SELECT 1 FROM jobs.webhook_dispatch LIMIT {BacklogCap}) capped) AS webhook_backlog
                    """, commandTimeout: 5));
                cached = (snapshot, now);
                return snapshot;
            }
            // Anything: a callback that throws loses the scrape's other readings too, and says nothing in the log.
            catch (Exception failure)
            {
                // No reading rather than a stale one: an absent series is what an operator's "absent()" alert catches. Kept for
                // the cache period too: in an outage every attempt may wait out the connection timeout, and the scrapes with it.
                logger.LogWarning(failure, "Metrics: the jobs' work lists could not be read; the sweep lag and webhook backlog are left out for {Seconds} s",
                    cacheFor.TotalSeconds);
                cached = (null, now);
                return null;
            }
        }
    }

    public void Dispose() => dataSource?.Dispose();
}
