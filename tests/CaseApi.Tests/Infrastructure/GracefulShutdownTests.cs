using System.Diagnostics;
using System.Net.Sockets;
using CaseApi.Infrastructure.Data;
using Dapper;
using Npgsql;
using Xunit.Abstractions;

namespace CaseApi.Tests.Infrastructure;

/// <summary>
/// SIGTERM, as <c>docker stop</c> and Kubernetes send it, to the API's own process while two requests are in flight. Each
/// is held in the database on a row lock this test takes, so it is in flight for exactly as long as the test says: one
/// is let go during the shutdown, the other never.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class GracefulShutdownTests(ITestOutputHelper output)
{
    private const int ShutdownTimeoutSeconds = 3;

    [Fact]
    public async Task On_SIGTERM_a_request_in_flight_finishes_and_commits_and_one_that_outlasts_the_shutdown_timeout_is_cut_off_uncommitted()
    {
        var database = await TestDatabase.CreateAsync(nameof(GracefulShutdownTests));
        try
        {
            await using var api = await ServedApi.StartAsync(database, new Dictionary<string, string>
            {
                ["Mode"] = "all",
                ["Demo__Enabled"] = "true",
                [CaseApiSetup.ShutdownTimeoutKey] = ShutdownTimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            });
            using var client = api.Client(await api.DemoKeyAsync());
            var finishing = (await client.CaseAsync()).Id();
            var outlasting = (await client.CaseAsync()).Id();
            await using var finishingHolder = await TestDatabase.OpenAsSuperUserAsync(database);
            await using var finishingLock = await LockAsync(finishingHolder, finishing);
            await using var outlastingHolder = await TestDatabase.OpenAsSuperUserAsync(database);
            await using var outlastingLock = await LockAsync(outlastingHolder, outlasting);
            var finishingEdit = client.SendWithIfMatchAsync(HttpMethod.Patch, $"/v1/cases/{finishing}", new { title = "Edited while the API shut down" }, 1);
            var outlastingEdit = client.SendWithIfMatchAsync(HttpMethod.Patch, $"/v1/cases/{outlasting}", new { title = "Never written" }, 1);
            await Poll.UntilAsync(async () => await BackendsAsync(database, "wait_event_type = 'Lock'") == 2, "both edits waiting on their rows", () => api.OutputTail());

            api.Terminate();
            var terminated = Stopwatch.StartNew();
            await Poll.UntilAsync(async () => !await AcceptsConnectionsAsync(api.BaseAddress), "the listener closed", () => api.OutputTail());
            Assert.False(finishingEdit.IsCompleted, "The request in flight ended before its row was free.");
            Assert.False(api.Process.HasExited, "The process exited with requests in flight.");

            await finishingLock.CommitAsync();
            using var finished = await finishingEdit;
            var body = await finished.Content.ReadAsStringAsync();
            Assert.True(finished.StatusCode == HttpStatusCode.OK, $"{(int)finished.StatusCode}: {body}\n{api.OutputTail()}");
            var finishedAfter = terminated.Elapsed;

            using var exited = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await api.Process.WaitForExitAsync(exited.Token);
            var exitedAfter = terminated.Elapsed;
            output.WriteLine($"After SIGTERM: the held request finished at {finishedAfter.TotalSeconds:0.0} s, the process exited at {exitedAfter.TotalSeconds:0.0} s.");
            Assert.True(api.Process.ExitCode == 0, $"Exit code {api.Process.ExitCode}:\n{api.OutputTail()}");
            Assert.True(exitedAfter >= TimeSpan.FromSeconds(ShutdownTimeoutSeconds), "The process did not wait for the request still in flight.");
            await Assert.ThrowsAnyAsync<HttpRequestException>(() => outlastingEdit);

            await outlastingLock.RollbackAsync();
            // The cut-off request's backend notices its client is gone once it gets the row; then nothing of the app is left.
            await Poll.UntilAsync(async () => await BackendsAsync(database, $"usename = '{DatabaseBootstrap.ApplicationRole}'") == 0, "the app's backends gone", () => api.OutputTail());
            await using var superUser = await TestDatabase.OpenAsSuperUserAsync(database);
            var titles = (await superUser.QueryAsync<(Guid Id, string Title)>("SELECT id, title FROM cases WHERE id = ANY (@ids)", new { ids = new[] { finishing, outlasting } }))
                .ToDictionary(c => c.Id, c => c.Title);
            Assert.Equal("Edited while the API shut down", titles[finishing]);
            Assert.NotEqual("Never written", titles[outlasting]);
        }
        finally
        {
            await TestDatabase.DropAsync(database);
        }
    }

    /// <summary>A transaction of the test's own holding the case's row: an edit of it waits until the transaction ends.</summary>
    private static async Task<NpgsqlTransaction> LockAsync(NpgsqlConnection connection, Guid caseId)
    {
        var transaction = await connection.BeginTransactionAsync();
        await connection.ExecuteAsync("SELECT 1 FROM cases WHERE id = @caseId FOR UPDATE", new { caseId }, transaction);
        return transaction;
    }

    private static async Task<long> BackendsAsync(DatabaseConnections database, string condition)
    {
        // A connection of its own each time: within one transaction, PostgreSQL shows the same snapshot of its statistics.
        await using var connection = await TestDatabase.OpenAsSuperUserAsync(database);
        return await connection.QuerySingleAsync<long>($"SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND {condition}");
    }

    private static async Task<bool> AcceptsConnectionsAsync(Uri address)
    {
        using var probe = new TcpClient();
        try
        {
            await probe.ConnectAsync(address.Host, address.Port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
