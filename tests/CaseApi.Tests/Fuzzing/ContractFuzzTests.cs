using System.Diagnostics;
using CsCheck;
using Xunit.Abstractions;

namespace CaseApi.Tests.Fuzzing;

/// <summary>
/// Issue 7, hostile input: every operation of openapi.yaml gets generated requests, most of them invalid or hostile, with
/// valid and invalid keys; none may get a 5xx, see another organisation's data, or leave a write behind when it failed.
/// FUZZ_ITERATIONS (requests per operation) runs it longer; FUZZ_SEED replays a run; FUZZ_OPERATIONS (operation ids,
/// comma-separated) narrows it to some operations.
/// </summary>
public sealed class ContractFuzzTests(FuzzApiFactory api, ITestOutputHelper output) : IClassFixture<FuzzApiFactory>
{
    private const ulong DefaultSeed = 20250430;
    private const int DefaultIterations = 400;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    /// <summary>Operations the fuzzer does not send, each with the reason. Keep it empty unless an operation truly cannot be fuzzed in process.</summary>
    private static readonly Dictionary<string, string> NotFuzzed = [];

    [Fact]
    public async Task Hostile_requests_never_get_a_5xx_another_organisations_data_or_a_partial_write()
    {
        var seed = ulong.TryParse(Environment.GetEnvironmentVariable("FUZZ_SEED"), out var s) ? s : DefaultSeed;
        var iterations = int.TryParse(Environment.GetEnvironmentVariable("FUZZ_ITERATIONS"), out var n) ? n : DefaultIterations;
        var only = Environment.GetEnvironmentVariable("FUZZ_OPERATIONS")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var operations = (await ContractOperations.ReadAsync(RepositoryRoot.File("openapi.yaml")))
            .Where(o => !NotFuzzed.ContainsKey(o.OperationId) && (only is null || only.Contains(o.OperationId)))
            // Deletes last, so that the other operations still find the seeded resources.
            .OrderBy(o => o.Method == "DELETE")
            .ToArray();
        await using var world = await FuzzWorld.CreateAsync(api);
        world.Cursors = await CursorsAsync(world, operations);
        var generator = new RequestGenerator(world);
        using var client = world.Client();
        var report = new FuzzReport(seed);
        var clock = Stopwatch.StartNew();
        output.WriteLine($"Fuzzing {operations.Length} operations, {iterations} requests each, seed {seed} (FUZZ_SEED={seed} replays this run).");

        var before = await world.FingerprintAsync();
        foreach (var operation in operations)
        {
            var requests = generator.For(operation);
            var isRead = operation.Method == "GET";
            // CsCheck's Sample seeds only its first iteration; drawing every request from one PCG makes the whole run repeatable.
            var pcg = new PCG(StreamOf(operation.OperationId), seed);
            for (var i = 0; i < iterations; i++)
            {
                var request = requests.Generate(pcg, null, out _);
                var response = await SendAsync(client, request);
                // Reads are checked once per operation, below: a fingerprint costs about as much as a request.
                var after = isRead ? before : await world.FingerprintAsync();
                report.Count(operation, response);
                foreach (var violation in FuzzProperties.Violations(request, response, world.ForeignTo(request.Credential.Actor), before, after))
                {
                    report.Add(operation, violation, $"#{i}: {request}  -> {response.Status} {response.MediaType}: {FuzzRequest.Truncate(response.Body, 1_000)}");
                }

                before = after;
            }

            if (isRead)
            {
                var afterReads = await world.FingerprintAsync();
                foreach (var organisation in new[] { Actor.A, Actor.B }.Where(o => before.Changes(afterReads, o.ToString()).Count > 0))
                {
                    report.Add(operation, $"its requests wrote to organisation {organisation}", string.Join("; ", before.Changes(afterReads, organisation.ToString())));
                }

                before = afterReads;
            }

            await world.RefreshIdsAsync();
        }

        output.WriteLine($"{report.Requests:N0} requests in {clock.Elapsed.TotalSeconds:N0} s. {report.Summary}");
        Assert.True(report.Violations == 0, report.ToString());
    }

    [Fact]
    public async Task The_fuzzer_covers_every_operation_of_the_contract_and_skips_none_silently()
    {
        var operations = (await ContractOperations.ReadAsync(RepositoryRoot.File("openapi.yaml"))).Select(o => o.OperationId).ToArray();
        var routes = Routes.All(api.Services).Where(r => r.Pattern.RawText?.StartsWith("/v1", StringComparison.Ordinal) == true).ToArray();

        Assert.Equal(routes.Length, operations.Length);
        Assert.All(NotFuzzed.Keys, id => Assert.Contains(id, operations));
    }

    private static async Task<FuzzResponse> SendAsync(HttpClient client, FuzzRequest request)
    {
        using var message = request.ToMessage();
        using var timeout = new CancellationTokenSource(Patience);
        try
        {
            using var response = await client.SendAsync(message, timeout.Token);
            var body = await response.Content.ReadAsStringAsync(timeout.Token);
            return new FuzzResponse((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, body,
                [.. response.Headers.SelectMany(h => h.Value), .. response.Content.Headers.SelectMany(h => h.Value)]);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The in-memory server rethrows what the app did not handle; over a socket the client would see a broken connection.
            return new FuzzResponse(599, null, e.ToString(), []);
        }
    }

    /// <summary>A first page of every list of both organisations, for cursors to replay and forge.</summary>
    private static async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> CursorsAsync(FuzzWorld world, IEnumerable<ContractOperation> operations)
    {
        var cursors = new Dictionary<string, IReadOnlyList<string>>();
        using var client = world.Client();
        foreach (var list in operations.Where(o => o.Method == "GET" && !o.PathTemplate.Contains('{') && o.In(Microsoft.OpenApi.ParameterLocation.Query).Any(p => p.Name == "limit")))
        {
            var found = new List<string>();
            foreach (var key in new[] { world.A.AdminKey, world.B.AdminKey })
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, $"{list.PathTemplate}?limit=1");
                request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
                using var response = await client.SendAsync(request);
                if (response.IsSuccessStatusCode && JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.TryGetProperty("nextCursor", out var next)
                    && next.GetString() is { } cursor)
                {
                    found.Add(cursor);
                }
            }

            cursors[list.PathTemplate] = found;
        }

        return cursors;
    }

    private static uint StreamOf(string operationId) => operationId.Aggregate(2166136261u, (hash, c) => (hash ^ c) * 16777619u);
}

/// <summary>The API as the fuzzer needs it: quiet, because thousands of expected 4xx would flood the log with their info lines.</summary>
public sealed class FuzzApiFactory : CaseApiFactory
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string> { ["Logging:LogLevel:Default"] = "Warning" };
}
