using System.Net.Sockets;
using CaseApi.Features.Demo;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace CaseApi.Tests.Infrastructure;

/// <summary>The run command's default: no connection string, so the API starts (or joins) a private cluster of its own.</summary>
public sealed class EmbeddedDatabaseTests : IDisposable
{
    private readonly string dataDirectory = Path.Combine(Path.GetTempPath(), $"caseapi-embedded-{Guid.NewGuid():N}");
    private readonly int port = CaseApi.Infrastructure.Data.EmbeddedPostgres.FreePort();

    [Fact]
    public async Task Without_a_connection_string_the_API_runs_its_own_cluster_which_only_its_starter_stops()
    {
        await using (var first = new EmbeddedApi(dataDirectory, port))
        {
            using var client = first.CreateClient();
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
            Assert.True(File.Exists(Path.Combine(dataDirectory, "cluster", "PG_VERSION")));

            await using (var second = new EmbeddedApi(dataDirectory, EmbeddedApiPortNotUsed))
            {
                using var secondClient = second.CreateClient();
                Assert.Equal(HttpStatusCode.OK, (await secondClient.GetAsync("/health/ready")).StatusCode);
                await AssertDemoKeyWorksAsync(second, secondClient);
            }

            // The second instance joined the first one's cluster and left it running.
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
            await AssertDemoKeyWorksAsync(first, client);
        }

        Assert.False(await AcceptsConnectionsAsync(port), "the instance that started the cluster stops it on shutdown");

        // The next start reuses the cluster and its data: the demo organisation is still there, with a new key.
        await using var restarted = new EmbeddedApi(dataDirectory, port);
        using var restartedClient = restarted.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await restartedClient.GetAsync("/health/ready")).StatusCode);
        await AssertDemoKeyWorksAsync(restarted, restartedClient);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Nothing was created: the test failed before initdb.
        }
    }

    // A second instance must find the running cluster by its pid file, whatever port it was configured with.
    private static int EmbeddedApiPortNotUsed => CaseApi.Infrastructure.Data.EmbeddedPostgres.FreePort();

    private static async Task AssertDemoKeyWorksAsync(EmbeddedApi api, HttpClient client)
    {
        var key = await DemoData.SeedAsync(api.Services, CancellationToken.None);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/organisation");
        request.Headers.Authorization = new("Bearer", key);
        var organisation = await (await client.SendAsync(request)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(SeedDemo.OrganisationName, organisation.GetProperty("name").GetString());
    }

    private static async Task<bool> AcceptsConnectionsAsync(int port)
    {
        using var socket = new TcpClient();
        try
        {
            await socket.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private sealed class EmbeddedApi(string dataDirectory, int port) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Testing");
            builder.UseSetting("ConnectionStrings:CaseDb", "");
            builder.UseSetting("EmbeddedPostgres:DataDirectory", dataDirectory);
            builder.UseSetting("EmbeddedPostgres:Port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
            // Two hosts in one process would share Hangfire's process-wide state; this test is about the database
            // cluster, and several Hangfire servers on one database are tested with real processes (EscalationWorkersTests).
            builder.UseSetting("Mode", "api");
        }
    }
}
