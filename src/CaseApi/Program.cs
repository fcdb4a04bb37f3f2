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

// Taken now: once RunAsync returns or throws, the host and its services are disposed.
var stopping = app.Lifetime.ApplicationStopping;
try
{
    if (command.Verb == CommandLine.CreateOrganisationVerb)
    {
        return await CommandLine.CreateOrganisationAsync(app.Services, command.Options);
    }

    app.UseCaseApi();
    await app.RunAsync();
}
catch (StartRefusedException e)
{
    // Also in the host's log ("Hosting failed to start"), with a stack trace; here on its own, as the last word.
    await Console.Error.WriteLineAsync(e.Message);
    return 78; // EX_CONFIG (sysexits.h): the configuration is the problem, and restarting will not help.
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
