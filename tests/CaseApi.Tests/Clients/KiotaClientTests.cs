using System.Text.Json.Nodes;
using CaseApi.Tests.Clients.Kiota;
using CaseApi.Tests.Clients.Kiota.Models;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Abstractions.Serialization;
using Microsoft.Kiota.Http.HttpClientLibrary;

namespace CaseApi.Tests.Clients;

/// <summary>
/// The C# client that Kiota generates from openapi.yaml, checked in under <c>Clients/Kiota</c> (README: "OpenAPI clients"):
/// a case system's path through the API with nothing but the file to go on, and the proof that the checked-in client is
/// still what the file gives.
/// </summary>
public sealed class KiotaClientTests(CaseApiFactory api) : IClassFixture<CaseApiFactory>
{
    private static readonly string TestProject = RepositoryRoot.File("tests", "CaseApi.Tests");
    private static readonly string CheckedIn = Path.Combine(TestProject, "Clients", "Kiota");

    [Fact]
    public async Task The_Meta_story_runs_end_to_end_through_the_generated_client()
    {
        try
        {
            await MetaStoryAsync();
        }
        catch (ApiException failure) when (failure is IParsable problem)
        {
            // The client throws the problem as an exception whose message says nothing; its fields say what went wrong.
            Assert.Fail($"{failure.ResponseStatusCode} from the API: {await KiotaJsonSerializer.SerializeAsStringAsync(problem)}");
        }
    }

    private async Task MetaStoryAsync()
    {
        var organisation = await api.CreateOrganisationAsync("Kiota story org");
        var client = ClientFor(organisation.AdminKey);

        var dpc = await client.V1.Dpas.Competent.GetAsync(c => c.QueryParameters.Country = "IE");
        var meta = await client.V1.Defendants.PostAsync(new NewDefendant
        {
            LegalName = "Meta Platforms Ireland Limited", Country = "IE", MainEstablishmentCountry = "IE",
        });
        var opened = await client.V1.Cases.PostAsync(new NewCase
        {
            Reference = "META-AI-2025", Title = "Meta: training AI on EU users' posts", DefendantIds = [meta!.Id], Tags = ["ai-training"],
        });
        var caseId = opened!.Id!.Value;

        var complaint = await client.V1.Cases[caseId].Complaints.PostAsync(new NewComplaint
        {
            DefendantId = meta.Id, DpaId = dpc!.Id, OnBehalfOf = OnBehalfOf.Organisation,
        });
        var filed = await client.V1.Complaints[complaint!.Id!.Value].Transitions.PostAsync(
            new ComplaintTransition { To = ComplaintStatus.Filed, At = CaseApiFactory.Start }, IfMatch(complaint.Version));
        var acknowledged = await client.V1.Complaints[complaint.Id.Value].Transitions.PostAsync(
            new ComplaintTransition { To = ComplaintStatus.Acknowledged, DpaReference = "DPC-C-25-0001" }, IfMatch(filed!.Version));

        var template = await client.V1.LetterTemplates.PostAsync(new LetterTemplateFields
        {
            Name = "Cease and desist (AI training)", LetterType = LetterType.Cease_and_desist, Language = "en",
            Subject = "Cease and desist – our reference {{ case.reference }}", Body = "To {{ defendant.legal_name }}",
        });
        var draft = await client.V1.Cases[caseId].Letters.PostAsync(new NewLetter
        {
            Direction = LetterDirection.Outgoing, Type = LetterType.Cease_and_desist, Channel = LetterChannel.Email, DefendantId = meta.Id,
            TemplateId = template!.Id,
        });
        var sent = await client.V1.Letters[draft!.Id!.Value].Send.PostAsync(
            new LetterSending { SentAt = DateTimeOffset.Parse("2025-04-30T10:00:00+02:00"), ResponsePeriod = "P14D" }, IfMatch(draft.Version));
        var deadline = await client.V1.Deadlines[sent!.Deadline!.Id!.Value].GetAsync();
        var caseDeadlines = await client.V1.Deadlines.GetAsync(c => c.QueryParameters.CaseId = caseId);

        var webhook = await client.V1.Webhooks.PostAsync(new NewWebhook
        {
            Url = "https://cases.example.org/caseapi-webhook", EventTypes = ["letter.sent", "deadline.missed"],
        });
        var webhooks = await client.V1.Webhooks.GetAsync();
        // The feed hands out an event once every older transaction in the cluster has ended (see ChangeFeed).
        EventPage? feed = null;
        await Poll.UntilAsync(async () => (feed = await client.V1.Events.GetAsync(c => c.QueryParameters.Limit = 200))!.Items!
            .Any(e => e.Type == "letter.sent"), "letter.sent in the change feed");

        Assert.Equal("ie-dpc", dpc.Code);
        Assert.Equal(ComplaintStatus.Acknowledged, acknowledged!.Status);
        Assert.Equal(new Date(2025, 4, 30), filed.FiledOn);
        Assert.Equal("Cease and desist – our reference META-AI-2025", draft.Subject);
        Assert.Equal("To Meta Platforms Ireland Limited", draft.Body);
        Assert.Equal(LetterStatus.Sent, sent.Status);
        // Sent on 30 April 2025: the day of sending does not count (BGB § 187(1)), 14 days end on Wednesday 14 May 2025.
        Assert.Equal(new Date(2025, 5, 14), deadline!.DueDate);
        Assert.Equal(DeadlineStatus.Open, deadline.Status);
        Assert.Equal(sent.Id, deadline.LetterId);
        Assert.False(string.IsNullOrWhiteSpace(deadline.Computation));
        // Filing on 30 April 2025 starts the DPA's three months (GDPR Art. 78(2)), ending on 30 July 2025 (Reg. 1182/71 Art. 3(2)(c)).
        Assert.Contains(caseDeadlines!.Items!, d => d.Kind == DeadlineKind.Dpa_progress && d.DueDate.Equals(new Date(2025, 7, 30)));
        Assert.Contains(caseDeadlines.Items!, d => d.Id == deadline.Id);
        Assert.False(string.IsNullOrEmpty(webhook!.Secret));
        Assert.Equal([webhook.Webhook!.Id], webhooks!.Items!.Select(w => w.Id));
        Assert.Equal(["case.created", "complaint.created", "complaint.status_changed", "complaint.status_changed", "letter.created", "letter.sent"],
            feed!.Items!.Select(e => e.Type).Where(type => !type!.StartsWith("deadline.", StringComparison.Ordinal)));
        Assert.All(feed.Items!.Where(e => e.Type!.StartsWith("letter.", StringComparison.Ordinal)), e => Assert.Equal(sent.Id, e.ResourceId));
    }

    [Fact]
    public async Task The_checked_in_client_is_what_Kiota_generates_from_openapi_yaml()
    {
        var output = Path.Combine(Path.GetTempPath(), $"caseapi-kiota-{Guid.NewGuid():N}");
        try
        {
            var (exitCode, log) = await KiotaAsync(
            [
                "generate", "--language", "CSharp", "--openapi", RepositoryRoot.File("openapi.yaml"), "--output", output,
                "--class-name", "CaseApiClient", "--namespace-name", "CaseApi.Tests.Clients.Kiota",
                "--exclude-backward-compatible", "--clean-output", "--log-level", "Error",
            ]);
            Assert.True(exitCode == 0, $"kiota generate exited with {exitCode}:\n{log}");

            var generated = Files(output);
            var checkedIn = Files(CheckedIn);
            var drifted = generated.Keys.Union(checkedIn.Keys).Order(StringComparer.Ordinal)
                .Where(file => generated.GetValueOrDefault(file) != checkedIn.GetValueOrDefault(file)).ToList();
            Assert.True(drifted.Count == 0,
                $"The checked-in Kiota client differs from what openapi.yaml gives in {drifted.Count} files ({string.Join(", ", drifted.Take(10))}). "
                + "Regenerate it: cd tests/CaseApi.Tests && dotnet tool restore && dotnet kiota update -o Clients/Kiota --clean-output");
        }
        finally
        {
            if (Directory.Exists(output))
            {
                Directory.Delete(output, recursive: true);
            }
        }
    }

    /// <summary>The generated client over the in-memory API, each response checked against openapi.yaml as in every test client.</summary>
    private CaseApiClient ClientFor(string apiKey)
    {
        var http = api.ClientFor(null);
        return new CaseApiClient(new HttpClientRequestAdapter(new BaseBearerTokenAuthenticationProvider(new ApiKeyToken(apiKey)), httpClient: http)
        {
            BaseUrl = http.BaseAddress!.ToString().TrimEnd('/'),
        });
    }

    /// <summary>Kiota takes no header parameters: <c>If-Match</c> goes in through the request's configuration.</summary>
    private static Action<RequestConfiguration<DefaultQueryParameters>> IfMatch(int? version) =>
        configuration => configuration.Headers.Add("If-Match", $"\"{version}\"");

    /// <summary>Kiota from the test project's tool manifest, offline: no update check, no telemetry.</summary>
    private static async Task<(int ExitCode, string Log)> KiotaAsync(string[] arguments)
    {
        var environment = new Dictionary<string, string>
        {
            ["KIOTA_OFFLINE_ENABLED"] = "true", ["KIOTA_CLI_TELEMETRY_OPTOUT"] = "true", ["KIOTA_TUTORIAL_ENABLED"] = "false",
        };
        var run = await Tool.RunAsync("dotnet", ["kiota", .. arguments], TestProject, environment);
        Assert.False(run.Log.Contains("dotnet tool restore", StringComparison.Ordinal),
            $"Kiota is not installed: run `dotnet tool restore` in tests/CaseApi.Tests (.ci/run does).\n{run.Log}");
        return run;
    }

    /// <summary>
    /// The API key as the bearer token. Not Kiota's <c>ApiKeyAuthenticationProvider</c>: it refuses http, and the in-memory
    /// server speaks http (a case system would use https).
    /// </summary>
    private sealed class ApiKeyToken(string apiKey) : IAccessTokenProvider
    {
        public AllowedHostsValidator AllowedHostsValidator { get; } = new();

        public Task<string> GetAuthorizationTokenAsync(Uri uri, Dictionary<string, object>? additionalAuthenticationContext = null,
            CancellationToken cancellationToken = default) => Task.FromResult(apiKey);
    }

    /// <summary>
    /// The files of a generated client by path, with their text. The lock file says where the description was read from,
    /// relative to the output folder, which differs between the two; the rest of it (the description's hash, every option) counts.
    /// </summary>
    // Kiota's run log (.kiota.log, git-ignored) is no part of the client.
    private static Dictionary<string, string> Files(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Where(file => Path.GetFileName(file) != ".kiota.log").ToDictionary(
            file => Path.GetRelativePath(folder, file).Replace('\\', '/'),
            file => Path.GetFileName(file) == "kiota-lock.json" ? WithoutLocation(File.ReadAllText(file)) : File.ReadAllText(file));

    private static string WithoutLocation(string lockFile)
    {
        var json = JsonNode.Parse(lockFile)!.AsObject();
        json.Remove("descriptionLocation");
        return json.ToJsonString();
    }
}
