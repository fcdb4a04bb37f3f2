using System.Collections.Concurrent;
using System.Diagnostics;
using CaseApi.Features.Deadlines;
using CaseApi.Infrastructure.Data;
using Dapper;
using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Npgsql;
using Xunit.Abstractions;

namespace CaseApi.Tests.Infrastructure;

/// <summary>
/// PostgreSQL goes away for ten seconds (an immediate shutdown, as in a crash: no checkpoint, crash recovery at the
/// restart) while clients keep writing and reading through the API's own process. On a cluster of this test's own,
/// durable as in production: the shared test cluster runs without fsync and other classes use it.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class DatabaseOutageTests(ITestOutputHelper output)
{
    private const int Writers = 3;
    private const int ConnectTimeoutSeconds = 2;
    private const int CommandTimeoutSeconds = 3;

    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Recovery = TimeSpan.FromSeconds(5);

    // A request may take the database timeouts plus this: the app's own work, on a 2-core machine shared with other builds.
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(3);

    private sealed record Outcome(int Loop, TimeSpan Started, TimeSpan Ended, int Status, string? MediaType, string? Code, bool HasRetryAfter, Guid? Id, string Body)
    {
        public bool Succeeded => Status is >= 200 and < 300;

        public TimeSpan Took => Ended - Started;
    }

    [Fact]
    public async Task With_PostgreSQL_down_for_ten_seconds_under_load_the_API_answers_503_problems_recovers_within_five_seconds_and_loses_no_acknowledged_write()
    {
        var watch = Stopwatch.StartNew();
        var startedAt = DateTime.Now;
        var root = Path.Combine(Path.GetTempPath(), $"caseapi-outage-{Guid.NewGuid():N}");
        var port = EmbeddedPostgres.FreePort();
        var cluster = await EmbeddedPostgres.StartAsync(root, port, durable: true);
        var clusterAt = watch.Elapsed;
        ServedApi? api = null;
        try
        {
            var database = await DatabaseBootstrap.EnsureDatabaseAsync(
                cluster.ConnectionString("postgres", EmbeddedPostgres.SuperUser, cluster.SuperUserPassword), "caseapi", await DatabaseSetup.RolePasswordsAsync(cluster, CancellationToken.None));
            // The bound on every request's wait for the database, as README's Configuration describes it.
            database = database with
            {
                Application = new NpgsqlConnectionStringBuilder(database.Application) { Timeout = ConnectTimeoutSeconds, CommandTimeout = CommandTimeoutSeconds }.ConnectionString,
            };
            api = await ServedApi.StartAsync(database, new Dictionary<string, string> { ["Mode"] = "all", ["Demo__Enabled"] = "true" });
            var key = await api.DemoKeyAsync();
            using var client = api.Client(key);
            var readyAt = watch.Elapsed;

            var outcomes = new ConcurrentQueue<Outcome>();
            using var stop = new CancellationTokenSource();
            var loops = Enumerable.Range(0, Writers)
                .Select(loop => LoopAsync(client, loop, i => new HttpRequestMessage(HttpMethod.Post, "/v1/cases")
                {
                    Content = JsonContent.Create(new { reference = $"OUT-{loop}-{i}", title = "Written through an outage" }),
                }, watch, outcomes, stop.Token))
                .Append(LoopAsync(client, Writers, _ => new HttpRequestMessage(HttpMethod.Get, "/v1/cases?limit=5"), watch, outcomes, stop.Token))
                .ToArray();
            try
            {
                await Poll.UntilAsync(() => Enumerable.Range(0, Writers + 1).All(loop => outcomes.Count(o => o.Loop == loop && o.Succeeded) >= 10), "every loop under way", () => api.OutputTail());

                await using (var superUser = await OpenAsSuperUserAsync(cluster))
                await using (var checkpoint = new NpgsqlCommand("CHECKPOINT", superUser))
                {
                    // Crash recovery replays the log from the last checkpoint: from now, not from the migrations.
                    await checkpoint.ExecuteNonQueryAsync();
                }

                var downAt = watch.Elapsed;
                await StopImmediatelyAsync(root);
                await Poll.UntilAsync(() => outcomes.Any(o => o.Started > downAt && !o.Succeeded), "a failure while PostgreSQL is down", () => api.OutputTail());
                var remaining = downAt + Outage - watch.Elapsed;
                if (remaining > TimeSpan.Zero)
                {
                    // The outage lasts as long as the scenario says; there is nothing to poll for.
                    await Task.Delay(remaining);
                }

                cluster = await EmbeddedPostgres.StartAsync(root, port, durable: true);
                var upAt = watch.Elapsed;
                // Hangfire's logger is process-wide, and still points at the logger factory of the last in-memory host, disposed
                // by now; this test runs alone, so it may point it at nothing.
                GlobalConfiguration.Configuration.UseNoOpLogProvider();
                var jobs = new BackgroundJobClient(HangfireStorage(database));
                var jobId = jobs.Enqueue<SweepDeadlinesJob>(job => job.RunAsync(CancellationToken.None));

                await Poll.UntilAsync(() => Enumerable.Range(0, Writers + 1).All(loop => outcomes.Any(o => o.Loop == loop && o.Started > upAt && o.Succeeded)),
                    "every loop succeeding again", () => api.OutputTail());
                var recoveredAt = Enumerable.Range(0, Writers + 1).Max(loop => outcomes.Where(o => o.Loop == loop && o.Started > upAt && o.Succeeded).Min(o => o.Ended));
                // Steady again: keep the load on a little longer, so that a failure after recovery would show.
                await Task.Delay(TimeSpan.FromSeconds(2));
                await stop.CancelAsync();
                await Task.WhenAll(loops);

                await Poll.UntilAsync(async () => await JobStateAsync(database, jobId) == "Succeeded", "Hangfire running a job after the restart", () => api.OutputTail(), TimeSpan.FromSeconds(60));
                var jobDoneAt = watch.Elapsed;

                var all = outcomes.ToArray();
                var failures = all.Where(o => !o.Succeeded).ToArray();
                var lastFailure = failures.Max(o => o.Ended);
                output.WriteLine($"Set-up {readyAt.TotalSeconds:0.0} s, the cluster {clusterAt.TotalSeconds:0.0} s of it; loops stopped at {all.Max(o => o.Ended).TotalSeconds:0.0} s; Hangfire job done at {jobDoneAt.TotalSeconds:0.0} s.");
                output.WriteLine($"{all.Length} requests, {all.Count(o => o.Succeeded)} succeeded, {failures.Length} failed; " +
                                 $"slowest {all.Max(o => o.Took).TotalMilliseconds:0} ms, slowest while down {all.Where(o => o.Started > downAt && o.Started < upAt).Max(o => o.Took).TotalMilliseconds:0} ms; " +
                                 $"PostgreSQL down from {downAt.TotalSeconds:0.0} s to {upAt.TotalSeconds:0.0} s; every loop succeeding {(recoveredAt - upAt).TotalSeconds:0.00} s after the restart, " +
                                 $"last failure {(lastFailure - upAt).TotalSeconds:0.00} s after it; Hangfire job done {(jobDoneAt - upAt).TotalSeconds:0.0} s after it.");

                var wrong = failures.FirstOrDefault(o => o is not { Status: 503, MediaType: "application/problem+json", Code: "database_unavailable", HasRetryAfter: true });
                Assert.True(wrong is null, $"Expected only 503 database_unavailable problems with Retry-After, got {wrong}\n{api.OutputTail()}");
                var bound = TimeSpan.FromSeconds(ConnectTimeoutSeconds + CommandTimeoutSeconds) + Margin;
                var slow = all.FirstOrDefault(o => o.Took > bound);
                Assert.True(slow is null, $"A request took longer than {bound.TotalSeconds:0} s, from {startedAt + slow?.Started:HH:mm:ss.fff}: {slow}\n{(slow is null ? "" : api.OutputAbout(TraceId(slow)))}");
                // Requests in flight when PostgreSQL goes down fail with it; none fails while it is up.
                var early = failures.MinBy(o => o.Ended)!;
                Assert.True(early.Ended >= downAt, $"A request failed before PostgreSQL went down at {downAt}: {early}\n{api.OutputAbout(TraceId(early))}");
                Assert.True(recoveredAt - upAt <= Recovery, $"Every loop succeeded again only {(recoveredAt - upAt).TotalSeconds:0.0} s after PostgreSQL was back.");
                Assert.True(lastFailure - upAt <= Recovery, $"A request failed {(lastFailure - upAt).TotalSeconds:0.0} s after PostgreSQL was back.");
                Assert.False(api.Process.HasExited);

                var acknowledged = all.Where(o => o.Id is not null).Select(o => o.Id!.Value).ToArray();
                await using var checker = await OpenAsSuperUserAsync(cluster);
                var stored = await checker.QuerySingleAsync<long>("SELECT count(*) FROM cases WHERE id = ANY (@acknowledged)", new { acknowledged });
                Assert.True(acknowledged.Length > 0);
                Assert.Equal(acknowledged.Length, stored);
            }
            finally
            {
                await stop.CancelAsync();
                await Task.WhenAll(loops.Select(loop => loop.ContinueWith(_ => { }, TaskScheduler.Default)));
            }
        }
        finally
        {
            if (api is not null)
            {
                await api.DisposeAsync();
            }

            await cluster.DisposeAsync();
            DeleteQuietly(root);
        }
    }

    /// <summary>One client in a loop, as fast as the API answers; every answer is kept with its timing.</summary>
    private static async Task LoopAsync(
        HttpClient client, int loop, Func<int, HttpRequestMessage> request, Stopwatch watch, ConcurrentQueue<Outcome> outcomes, CancellationToken stop)
    {
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            var started = watch.Elapsed;
            using var message = request(i);
            // No cancellation: a request in flight runs to its end. The client's timeout bounds it; reaching it fails the test.
            using var response = await client.SendAsync(message, CancellationToken.None);
            var body = await response.Content.ReadAsStringAsync(CancellationToken.None);
            var json = response.Content.Headers.ContentType?.MediaType?.EndsWith("json", StringComparison.Ordinal) == true ? JsonDocument.Parse(body).RootElement : default;
            outcomes.Enqueue(new Outcome(
                loop, started, watch.Elapsed, (int)response.StatusCode, response.Content.Headers.ContentType?.MediaType,
                json.ValueKind == JsonValueKind.Object && json.TryGetProperty("code", out var code) ? code.GetString() : null,
                response.Headers.RetryAfter is not null,
                response.StatusCode == HttpStatusCode.Created ? json.Id() : null,
                body));
        }
    }

    /// <summary>SIGQUIT to the postmaster: PostgreSQL's immediate shutdown, what <c>pg_ctl stop -m immediate</c> sends.</summary>
    private static async Task StopImmediatelyAsync(string root)
    {
        var pid = int.Parse(File.ReadLines(Path.Combine(root, "cluster", "postmaster.pid")).First(), System.Globalization.CultureInfo.InvariantCulture);
        Signals.Send(pid, Signals.Quit);
        await Poll.UntilAsync(() => !Signals.IsAlive(pid), "PostgreSQL to stop", timeout: TimeSpan.FromSeconds(30));
    }

    private static string TraceId(Outcome outcome) => JsonDocument.Parse(outcome.Body).RootElement.GetProperty("traceId").GetString()!;

    private static async Task<NpgsqlConnection> OpenAsSuperUserAsync(EmbeddedPostgres cluster)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(
            cluster.ConnectionString("caseapi", EmbeddedPostgres.SuperUser, cluster.SuperUserPassword))
        { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    private static JobStorage HangfireStorage(DatabaseConnections database)
    {
        var options = new PostgreSqlStorageOptions { SchemaName = "hangfire", PrepareSchemaIfNecessary = false };
        return new PostgreSqlStorage(new NpgsqlConnectionFactory(database.Application, options), options);
    }

    private static async Task<string?> JobStateAsync(DatabaseConnections database, string jobId)
    {
        await using var connection = new NpgsqlConnection(database.Application);
        return await connection.QuerySingleOrDefaultAsync<string>("SELECT statename FROM hangfire.job WHERE id = @id", new { id = long.Parse(jobId, System.Globalization.CultureInfo.InvariantCulture) });
    }

    private static void DeleteQuietly(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A leftover folder in the temp directory is harmless; failing the test over it is not.
        }
    }
}
