using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using CaseApi.Infrastructure.Data;
using CaseApi.Tests.Support.Contract;

namespace CaseApi.Tests.Support;

/// <summary>
/// The API's own build serving HTTP on a loopback port of its own, as a separate process: real Kestrel, real sockets,
/// real signals. Its output is read continuously (a full pipe would block the app's logging, and with it every
/// request that logs) and kept for failure messages, with the time of each line.
/// </summary>
public sealed partial class ServedApi : IAsyncDisposable
{
    private const int KeptLines = 20_000;

    private readonly Process process;
    private readonly ConcurrentQueue<string> output = new();

    private ServedApi(Process process, Uri baseAddress)
    {
        this.process = process;
        BaseAddress = baseAddress;
        // Threads of their own, not the thread pool's: a test that keeps the pool busy must not slow the app down
        // through its own output.
        foreach (var stream in new[] { process.StandardOutput, process.StandardError })
        {
            new Thread(() =>
            {
                while (stream.ReadLine() is { } line)
                {
                    Keep(line);
                }
            })
            { IsBackground = true, Name = $"CaseApi {process.Id} output" }.Start();
        }
    }

    public Uri BaseAddress { get; }

    public Process Process => process;

    /// <summary>Starts the API on the database of <paramref name="database"/> and waits until it is ready.</summary>
    public static Task<ServedApi> StartAsync(DatabaseConnections database, IReadOnlyDictionary<string, string>? settings = null)
    {
        var baseAddress = new Uri($"http://127.0.0.1:{EmbeddedPostgres.FreePort()}");
        var environment = new Dictionary<string, string>(DatabaseSettings(database))
        {
            // Not Production, where demo mode (which some tests switch on) is refused; as in CaseApiFactory.
            ["ASPNETCORE_ENVIRONMENT"] = "Testing",
            ["Urls"] = baseAddress.ToString(),
            ["RateLimiting__PermitsPerMinute"] = "1000000",
            ["Logging__LogLevel__Default"] = "Warning",
            // Local wall-clock time on every line, to line the log up with what a test measured.
            ["Logging__Console__TimestampFormat"] = "HH:mm:ss.fff ",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        return StartAsync(CaseApiProcess.Dll, environment, baseAddress);
    }

    /// <summary>The settings that point the API at <paramref name="database"/>, without demo data.</summary>
    public static IReadOnlyDictionary<string, string> DatabaseSettings(DatabaseConnections database) => new Dictionary<string, string>
    {
        ["ConnectionStrings__CaseDb"] = database.Application,
        ["ConnectionStrings__CaseDbMigrations"] = database.Migrations,
        ["Demo__Enabled"] = "false",
    };

    /// <summary>
    /// Starts <paramref name="dll"/> with exactly <paramref name="environment"/> as its settings and waits until it is ready
    /// at <paramref name="baseAddress"/>, which the settings must make it listen on.
    /// </summary>
    public static async Task<ServedApi> StartAsync(string dll, IReadOnlyDictionary<string, string> environment, Uri baseAddress)
    {
        var api = new ServedApi(CaseApiProcess.Start(dll, environment), baseAddress);
        try
        {
            // Generous: a fresh database is migrated first, on a machine that may be busy with other builds.
            await api.WaitUntilReadyAsync(TimeSpan.FromSeconds(120));
            return api;
        }
        catch
        {
            await api.DisposeAsync();
            throw;
        }
    }

    public HttpClient Client(string? apiKey, TimeSpan? timeout = null)
    {
        // No proxy: the machine's proxy settings must not stand between the test and a loopback port. Responses are checked
        // against openapi.yaml, as in every test client.
        var handler = new ContractCheckingHandler(OpenApiContract.Instance) { InnerHandler = new SocketsHttpHandler { UseProxy = false } };
        var client = new HttpClient(handler) { BaseAddress = BaseAddress, Timeout = timeout ?? TimeSpan.FromSeconds(30) };
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }

        return client;
    }

    /// <summary>Polls <c>/health/ready</c> until it answers 200.</summary>
    public async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        using var client = Client(null, TimeSpan.FromSeconds(5));
        await Poll.UntilAsync(async () =>
        {
            Assert.False(process.HasExited, $"The API exited with {(process.HasExited ? process.ExitCode : 0)} before it was ready:\n{OutputTail()}");
            try
            {
                return (await client.GetAsync("/health/ready")).IsSuccessStatusCode;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                return false; // Not listening yet.
            }
        }, "the API ready", () => OutputTail(), timeout);
    }

    /// <summary>Sends SIGTERM, as <c>docker stop</c> and Kubernetes do: the host's graceful shutdown.</summary>
    public void Terminate() => Signals.Send(process.Id, Signals.Terminate);

    public string OutputTail(int lines = 60) => string.Join('\n', output.TakeLast(lines));

    /// <summary>The admin key that demo mode (<c>Demo__Enabled=true</c>) prints at start.</summary>
    public async Task<string> DemoKeyAsync()
    {
        Match? key = null;
        // Console logging is queued: the line may come a moment after the API answers.
        await Poll.UntilAsync(() => (key = output.Select(line => DemoKey().Match(line)).FirstOrDefault(match => match.Success)) is not null,
            "the demo key in the output", () => OutputTail());
        return key!.Groups["key"].Value;
    }

    /// <summary>The log lines that mention <paramref name="text"/> (a trace id), each with the line before it (time, level, category).</summary>
    public string OutputAbout(string text)
    {
        var lines = output.ToArray();
        return string.Join('\n', Enumerable.Range(1, Math.Max(0, lines.Length - 1))
            .Where(i => lines[i].Contains(text, StringComparison.Ordinal))
            .Select(i => $"{lines[i - 1]}\n{lines[i]}"));
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        await process.WaitForExitAsync();
        process.Dispose();
    }

    [GeneratedRegex(@"admin API key .*: (?<key>cak_\S+)")]
    private static partial Regex DemoKey();

    private void Keep(string line)
    {
        output.Enqueue(line);
        while (output.Count > KeptLines && output.TryDequeue(out _))
        {
        }
    }
}
