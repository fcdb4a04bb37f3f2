using System.Net.Sockets;
using Dapper;

namespace CaseApi.Tests.Infrastructure;

/// <summary>
/// SIGTERM, as <c>docker stop</c> and Kubernetes send it, to the API's own process while a request is in flight. The
/// request is held in the database on a row lock this test takes, so it is in flight for exactly as long as the test says.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class GracefulShutdownTests
{
    [Fact]
    public async Task SIGTERM_refuses_new_connections_but_lets_a_request_in_flight_finish_with_its_write_committed()
    {
        var database = await TestDatabase.CreateAsync(nameof(GracefulShutdownTests));
        try
        {
            await using var api = await ServedApi.StartAsync(database, new Dictionary<string, string> { ["Mode"] = "all", ["Demo__Enabled"] = "true" });
            using var client = api.Client(await api.DemoKeyAsync());
            var id = (await client.CaseAsync()).Id();

            await using var holder = await TestDatabase.OpenAsSuperUserAsync(database);
            await using var holding = await holder.BeginTransactionAsync();
            await holder.ExecuteAsync("SELECT 1 FROM cases WHERE id = @id FOR UPDATE", new { id }, holding);
            var edit = client.SendWithIfMatchAsync(HttpMethod.Patch, $"/v1/cases/{id}", new { title = "Edited while the API shut down" }, 1);
            await Poll.UntilAsync(async () => await WaitingOnLocksAsync(database) == 1, "the edit waiting on the row lock", () => api.OutputTail());

            api.Terminate();
            await Poll.UntilAsync(async () => !await AcceptsConnectionsAsync(api.BaseAddress), "the listener closed", () => api.OutputTail());
            Assert.False(edit.IsCompleted, "The request in flight ended before its row was free.");
            Assert.False(api.Process.HasExited, "The process exited with a request in flight.");

            await holding.CommitAsync();
            using var response = await edit;
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}\n{api.OutputTail()}");
            Assert.Equal("Edited while the API shut down", JsonDocument.Parse(body).RootElement.GetProperty("title").GetString());

            using var exited = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await api.Process.WaitForExitAsync(exited.Token);
            Assert.True(api.Process.ExitCode == 0, $"Exit code {api.Process.ExitCode}:\n{api.OutputTail()}");
            await using var superUser = await TestDatabase.OpenAsSuperUserAsync(database);
            Assert.Equal("Edited while the API shut down", await superUser.QuerySingleAsync<string>("SELECT title FROM cases WHERE id = @id", new { id }));
        }
        finally
        {
            await TestDatabase.DropAsync(database);
        }
    }

    private static async Task<long> WaitingOnLocksAsync(CaseApi.Infrastructure.Data.DatabaseConnections database)
    {
        // A connection of its own each time: within one transaction, PostgreSQL shows the same snapshot of its statistics.
        await using var connection = await TestDatabase.OpenAsSuperUserAsync(database);
        return await connection.QuerySingleAsync<long>(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'");
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
