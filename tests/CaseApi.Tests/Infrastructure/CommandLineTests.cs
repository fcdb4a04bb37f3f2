using System.Text.RegularExpressions;

namespace CaseApi.Tests.Infrastructure;

public sealed class CommandLineTests(CaseApiFactory api) : IClassFixture<CaseApiFactory>
{
    [Fact]
    public async Task Create_organisation_prints_a_working_admin_key()
    {
        var (exitCode, output) = await RunAsync("create-organisation", "--name", "Verbraucherzentrale NRW", "--jurisdiction", "DE-NW", "--time-zone", "Europe/Berlin");

        Assert.True(exitCode == 0, output);
        var key = Regex.Match(output, "cak_[0-9a-f]{12}_[A-Za-z0-9_-]{43}").Value;
        Assert.NotEmpty(key);
        using var client = api.ClientFor(key);
        var organisation = await client.GetFromJsonAsync<JsonElement>("/v1/organisation");
        Assert.Equal("Verbraucherzentrale NRW", organisation.GetProperty("name").GetString());
        Assert.Equal("DE-NW", organisation.GetProperty("jurisdiction").GetString());
        Assert.Equal("Europe/Berlin", organisation.GetProperty("timeZone").GetString());
        var keys = await client.GetFromJsonAsync<JsonElement>("/v1/api-keys");
        Assert.Equal("admin", keys.GetProperty("items")[0].GetProperty("role").GetString());
    }

    [Fact]
    public async Task Create_organisation_without_a_name_explains_its_usage()
    {
        var (exitCode, output) = await RunAsync("create-organisation");

        Assert.Equal(64, exitCode);
        Assert.Contains("--name", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_check_fails_when_nothing_answers()
    {
        var (exitCode, _) = await RunAsync("health-check", "--url", $"http://127.0.0.1:{CaseApi.Infrastructure.Data.EmbeddedPostgres.FreePort()}/health/ready");

        Assert.Equal(1, exitCode);
    }

    [Fact]
    public async Task Without_a_connection_string_or_PostgreSQL_binaries_it_says_how_to_get_either()
    {
        var empty = Directory.CreateTempSubdirectory("caseapi-no-postgres-");
        try
        {
            var (exitCode, output) = await RunAsync(new Dictionary<string, string>
            {
                ["ConnectionStrings__CaseDb"] = "",
                ["EmbeddedPostgres__BinDirectory"] = empty.FullName,
            });

            Assert.Equal(2, exitCode);
            Assert.Contains("apt-get install postgresql", output, StringComparison.Ordinal);
            Assert.Contains("ConnectionStrings__CaseDb", output, StringComparison.Ordinal);
            Assert.True(output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length <= 2, $"a short message, not a stack trace: {output}");
        }
        finally
        {
            empty.Delete();
        }
    }

    private Task<(int ExitCode, string Output)> RunAsync(params string[] arguments) => RunAsync(new Dictionary<string, string>
    {
        ["ConnectionStrings__CaseDb"] = api.Database.Application,
        ["ConnectionStrings__CaseDbMigrations"] = api.Database.Migrations,
    }, arguments);

    private static Task<(int ExitCode, string Output)> RunAsync(Dictionary<string, string> environment, params string[] arguments) =>
        CaseApiProcess.RunAsync(environment, arguments);
}
