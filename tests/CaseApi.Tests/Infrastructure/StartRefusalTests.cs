using CaseApi.Infrastructure.Data;
using Dapper;
using Npgsql;

namespace CaseApi.Tests.Infrastructure;

/// <summary>
/// Configurations the API refuses to start with (issue 11): an application role that row-level security does not
/// apply to, and demo mode, which prints an admin key in the log, in the Production environment.
/// </summary>
public sealed class StartRefusalTests(CaseApiFactory api) : IClassFixture<CaseApiFactory>
{
    private const int ExConfig = 78;

    [Fact]
    public async Task A_superuser_as_the_application_role_stops_the_API_before_it_serves_with_a_message_naming_the_role()
    {
        var server = await TestDatabase.ServerAsync();
        var superUser = new NpgsqlConnectionStringBuilder(server.SuperUserConnectionString)
        {
            Database = new NpgsqlConnectionStringBuilder(api.Database.Application).Database,
        };

        var (exitCode, output) = await RunUntilExitAsync(new Dictionary<string, string>
        {
            ["ConnectionStrings__CaseDb"] = superUser.ConnectionString,
            ["ConnectionStrings__CaseDbMigrations"] = api.Database.Migrations,
            ["Demo__Enabled"] = "false",
            ["Mode"] = "api",
            ["Urls"] = $"http://127.0.0.1:{EmbeddedPostgres.FreePort()}",
        });

        Assert.True(exitCode == ExConfig, $"exit code {exitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none: still running after 90 s"}:\n{output}");
        Assert.Contains($"the application role '{superUser.Username}'", output, StringComparison.Ordinal);
        Assert.Contains("is a superuser", output, StringComparison.Ordinal);
        Assert.Contains("NOSUPERUSER NOBYPASSRLS", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening on", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_BYPASSRLS_role_is_refused()
    {
        var role = await RoleAsync("caseapi_test_bypassrls", "NOSUPERUSER BYPASSRLS");

        var refused = await Assert.ThrowsAsync<StartRefusedException>(() => ApplicationRoleCheck.EnsureSafeAsync(role, CancellationToken.None));

        Assert.Contains("'caseapi_test_bypassrls'", refused.Message, StringComparison.Ordinal);
        Assert.Contains("has BYPASSRLS", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("superuser", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_owner_of_the_tables_is_refused_as_the_application_role()
    {
        var refused = await Assert.ThrowsAsync<StartRefusedException>(() => ApplicationRoleCheck.EnsureSafeAsync(api.Database.Migrations, CancellationToken.None));

        Assert.Contains($"'{DatabaseBootstrap.OwnerRole}'", refused.Message, StringComparison.Ordinal);
        Assert.Contains("owns ", refused.Message, StringComparison.Ordinal);
        Assert.Contains("public.api_keys", refused.Message, StringComparison.Ordinal);
        Assert.Contains("ConnectionStrings:CaseDbMigrations", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_member_of_the_owner_role_is_refused_too_as_it_can_become_the_owner()
    {
        var role = await RoleAsync("caseapi_test_owner_member", $"NOSUPERUSER NOBYPASSRLS IN ROLE {DatabaseBootstrap.OwnerRole}");

        var refused = await Assert.ThrowsAsync<StartRefusedException>(() => ApplicationRoleCheck.EnsureSafeAsync(role, CancellationToken.None));

        Assert.Contains("'caseapi_test_owner_member'", refused.Message, StringComparison.Ordinal);
        Assert.Contains("public.api_keys", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_application_role_the_migrations_grant_to_passes()
    {
        await ApplicationRoleCheck.EnsureSafeAsync(api.Database.Application, CancellationToken.None);

        using var client = api.ClientFor(null);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
    }

    [Fact]
    public async Task Demo_mode_is_refused_in_the_Production_environment_before_anything_starts()
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), $"caseapi-refused-{Guid.NewGuid():N}");

        var (exitCode, output) = await RunUntilExitAsync(new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["ConnectionStrings__CaseDb"] = "",
            ["EmbeddedPostgres__DataDirectory"] = dataDirectory,
            ["EmbeddedPostgres__Port"] = EmbeddedPostgres.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Urls"] = $"http://127.0.0.1:{EmbeddedPostgres.FreePort()}",
        });

        Assert.True(exitCode == ExConfig, $"exit code {exitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none: still running after 90 s"}:\n{output}");
        Assert.Contains("demo mode", output, StringComparison.Ordinal);
        Assert.Contains("Production", output, StringComparison.Ordinal);
        Assert.DoesNotContain("cak_", output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dataDirectory), "no cluster was started");
    }

    /// <summary>Runs the API as a process; one that is still running after a generous while is stopped, and that fails the test.</summary>
    private static async Task<(int? ExitCode, string Output)> RunUntilExitAsync(Dictionary<string, string> environment)
    {
        using var process = CaseApiProcess.Start(environment);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        int? exitCode = null;
        try
        {
            await process.WaitForExitAsync(timeout.Token);
            exitCode = process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        return (exitCode, await stdout + await stderr);
    }

    /// <summary>A login role on the test server with these attributes, connected to this class's database.</summary>
    private async Task<string> RoleAsync(string name, string attributes)
    {
        const string password = "caseapi-test-refused";
        var server = await TestDatabase.ServerAsync();
        await using (var superUser = new NpgsqlConnection(server.SuperUserConnectionString))
        {
            // Roles belong to the whole server: made once, and left for the next run (the lock keeps parallel runs apart).
            await superUser.ExecuteAsync($"""
                DO $$ BEGIN
                  PERFORM pg_advisory_xact_lock(hashtext('{name}'));
                  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{name}') THEN
                    CREATE ROLE {name} LOGIN PASSWORD '{password}' {attributes};
                  END IF;
                END $$
                """);
        }

        return new NpgsqlConnectionStringBuilder(api.Database.Application) { Username = name, Password = password }.ConnectionString;
    }
}
