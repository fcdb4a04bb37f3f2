using CaseApi.Infrastructure.Data;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace CaseApi.Benchmarks.Support;

/// <summary>
/// CaseApi's services composed as the API composes them (<see cref="CaseApiSetup.AddCaseApi"/>), on one database,
/// with no HTTP server and no Hangfire server (<c>Mode=api</c>), and with a clock the benchmark sets.
/// </summary>
internal static class BenchmarkApp
{
    public static async Task<WebApplication> BuildAsync(BenchmarkDatabase database, FakeTimeProvider clock, CancellationToken ct)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:CaseDb"] = database.Connections.Application,
            ["ConnectionStrings:CaseDbMigrations"] = database.Connections.Migrations,
            ["Demo:Enabled"] = "false",
            // No Hangfire server: the benchmark runs the sweep itself, on its own clock.
            ["Mode"] = "api",
            // The API logs at Information; here that would only interleave with the measurements.
            ["Logging:LogLevel:Default"] = "Warning",
        });
        builder.AddCaseApi();
        builder.Services.Replace(ServiceDescriptor.Singleton<TimeProvider>(clock));
        var app = builder.Build();
        // What DatabaseRuntime.Startup does when the host starts, without starting a host (as CommandLine does).
        await app.Services.GetRequiredService<DatabaseRuntime>().InitialiseAsync(ct);
        return app;
    }
}
