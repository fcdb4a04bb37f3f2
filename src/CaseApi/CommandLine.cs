using CaseApi.Features.Organisations;
using CaseApi.Infrastructure.Data;
using MediatR;

namespace CaseApi;

/// <summary>The verbs the same binary answers besides serving the API.</summary>
internal sealed record CommandLine(string? Verb, IReadOnlyDictionary<string, string> Options, string[] HostArgs, string? Error)
{
    public const string CreateOrganisationVerb = "create-organisation";
    public const string HealthCheckVerb = "health-check";

    public const string Usage = """
        Usage:
          CaseApi [--urls http://localhost:5080] [other ASP.NET Core settings]   serve the API
          CaseApi create-organisation --name "Organisation name" [--jurisdiction DE-NW] [--time-zone Europe/Berlin]
                                                                                 create an organisation and print its first admin key
          CaseApi health-check [--url http://localhost:5080/health/ready]        exit 0 when the API is ready (Docker HEALTHCHECK)
        """;

    private static readonly Dictionary<string, string[]> VerbOptions = new()
    {
        [CreateOrganisationVerb] = ["name", "jurisdiction", "time-zone"],
        [HealthCheckVerb] = ["url"],
    };

    public static CommandLine Parse(string[] args)
    {
        if (args.Length == 0 || !VerbOptions.TryGetValue(args[0], out var allowed))
        {
            return new CommandLine(null, new Dictionary<string, string>(), args, null);
        }

        var options = new Dictionary<string, string>();
        var hostArgs = new List<string>();
        for (var i = 1; i < args.Length; i++)
        {
            var name = args[i].TrimStart('-');
            if (args[i].StartsWith("--", StringComparison.Ordinal) && allowed.Contains(name))
            {
                if (i + 1 >= args.Length)
                {
                    return new CommandLine(args[0], options, [], $"--{name} needs a value.");
                }

                options[name] = args[++i];
            }
            else
            {
                hostArgs.Add(args[i]);
            }
        }

        var missing = args[0] == CreateOrganisationVerb && !options.ContainsKey("name") ? "create-organisation needs --name." : null;
        return new CommandLine(args[0], options, hostArgs.ToArray(), missing);
    }

    public static async Task<int> CreateOrganisationAsync(IServiceProvider services, IReadOnlyDictionary<string, string> options)
    {
        var runtime = services.GetRequiredService<DatabaseRuntime>();
        try
        {
            await runtime.InitialiseAsync(CancellationToken.None);
            await using var scope = services.CreateAsyncScope();
            var created = await scope.ServiceProvider.GetRequiredService<IMediator>()
                .Send(new CreateOrganisation.Command(
                    options["name"],
                    options.GetValueOrDefault("jurisdiction", OrganisationSettings.DefaultJurisdiction),
                    options.GetValueOrDefault("time-zone", OrganisationSettings.DefaultTimeZone)), CancellationToken.None);
            Console.WriteLine($"Organisation: {created.Organisation.Name} ({created.Organisation.Id}), " +
                              $"deadlines in {created.Organisation.Jurisdiction}, {created.Organisation.TimeZone}");
            Console.WriteLine($"Admin API key (shown once, store it now): {created.AdminKeySecret}");
            return 0;
        }
        catch (FluentValidation.ValidationException e)
        {
            await Console.Error.WriteLineAsync(string.Join(Environment.NewLine, e.Errors.Select(f => $"{f.PropertyName}: {f.ErrorMessage}")));
            return 65;
        }
        finally
        {
            await runtime.DisposeAsync();
        }
    }

    public static async Task<int> ProbeHealthAsync(string[] hostArgs)
    {
        var url = Parse([HealthCheckVerb, .. hostArgs]).Options.GetValueOrDefault("url")
            ?? $"{(Environment.GetEnvironmentVariable("ASPNETCORE_URLS") ?? Infrastructure.Http.HttpSetup.DefaultUrls).Split(';')[0].Replace("+", "localhost", StringComparison.Ordinal).Replace("*", "localhost", StringComparison.Ordinal).TrimEnd('/')}/health/ready";
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            using var response = await client.GetAsync(new Uri(url));
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return 1;
        }
    }
}
