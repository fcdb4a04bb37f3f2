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
await app.RunAsync();
return 0;

/// <summary>The entry point, named for WebApplicationFactory.</summary>
public partial class Program;
