using CaseApi;
using CaseApi.Infrastructure.Data;

// Verbs (create-organisation, health-check) share the API's composition; see CommandLine.
var command = CommandLine.Parse(args);
if (command.Error is not null)
{
    await Console.Error.WriteLineAsync(command.Error + Environment.NewLine + CommandLine.Usage);
    return 64;
}

if (command.Verb == CommandLine.HealthCheckVerb)
{
    return await CommandLine.ProbeHealthAsync(command.HostArgs);
}

var builder = WebApplication.CreateBuilder(command.HostArgs);
if (string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString("CaseDb"))
    && !EmbeddedPostgres.BinariesInstalled(builder.Configuration["EmbeddedPostgres:BinDirectory"]))
{
    await Console.Error.WriteLineAsync(new PostgresNotInstalledException().Message);
    return 2;
}

builder.AddCaseApi();
var app = builder.Build();

if (command.Verb == CommandLine.CreateOrganisationVerb)
{
    return await CommandLine.CreateOrganisationAsync(app.Services, command.Options);
}

app.UseCaseApi();
// Taken now: once RunAsync returns or throws, the host and its services are disposed.
var stopping = app.Lifetime.ApplicationStopping;
try
{
    await app.RunAsync();
}
catch (OperationCanceledException) when (stopping.IsCancellationRequested)
{
    // The shutdown timeout ran out and cut off what was still running. Hangfire's server reports that by throwing from its
    // stop, which would crash the process on its way out (SIGABRT, exit code 134). No logger is left to say it.
    await Console.Error.WriteLineAsync("Shutdown took longer than ShutdownTimeoutSeconds: requests and jobs still running were cut off.");
}

return 0;

/// <summary>The entry point, named for WebApplicationFactory.</summary>
public partial class Program;
