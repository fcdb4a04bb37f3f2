using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using CaseApi.Infrastructure.Data;

namespace CaseApi.Tests.Support;

/// <summary>
/// The API's own build serving HTTP on a loopback port of its own, as a separate process: real Kestrel, real sockets,
/// real signals. Its output is read continuously (a full pipe would block the app's logging, and with it every
/// request that logs) and kept for failure messages.
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
        process.OutputDataReceived += (_, line) => Keep(line.Data);
        process.ErrorDataReceived += (_, line) => Keep(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Uri BaseAddress { get; }

    public Process Process => process;

    /// <summary>Starts the API on the database of <paramref name="database"/> and waits until it is ready.</summary>
    public static async Task<ServedApi> StartAsync(DatabaseConnections database, IReadOnlyDictionary<string, string>? settings = null)
    {
        var baseAddress = new Uri($"http://127.0.0.1:{EmbeddedPostgres.FreePort()}");
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__CaseDb"] = database.Application,
            ["ConnectionStrings__CaseDbMigrations"] = database.Migrations,
            ["Demo__Enabled"] = "false",
            ["Urls"] = baseAddress.ToString(),
            ["RateLimiting__PermitsPerMinute"] = "1000000",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        var api = new ServedApi(CaseApiProcess.Start(environment), baseAddress);
        try
        {
            await api.WaitUntilReadyAsync(TimeSpan.FromSeconds(60));
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
        // No proxy: the machine's proxy settings must not stand between the test and a loopback port.
        var client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = BaseAddress, Timeout = timeout ?? TimeSpan.FromSeconds(30) };
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
        var watch = Stopwatch.StartNew();
        while (true)
        {
            Assert.False(process.HasExited, $"The API exited with {(process.HasExited ? process.ExitCode : 0)} before it was ready:\n{OutputTail()}");
            try
            {
                if ((await client.GetAsync("/health/ready")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            Assert.True(watch.Elapsed < timeout, $"The API was not ready within {timeout.TotalSeconds:0} s:\n{OutputTail()}");
            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
    }

    /// <summary>Sends SIGTERM, as <c>docker stop</c> and Kubernetes do: the host's graceful shutdown.</summary>
    public void Terminate() => Signals.Send(process.Id, Signals.Terminate);

    public string OutputTail(int lines = 60) => string.Join('\n', output.TakeLast(lines));

    /// <summary>The admin key that demo mode (<c>Demo__Enabled=true</c>) prints at start.</summary>
    public async Task<string> DemoKeyAsync()
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var key = output.Select(line => DemoKey().Match(line)).FirstOrDefault(match => match.Success);
            if (key is not null)
            {
                return key.Groups["key"].Value;
            }

            // Console logging is queued: the line may come a moment after the API answers.
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"No demo key in the output:\n{OutputTail()}");
            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }
    }

    /// <summary>The log lines that mention <paramref name="text"/> (a trace id), with the line after each (the message).</summary>
    public string OutputAbout(string text) =>
        string.Join('\n', output.Zip(output.Skip(1).Append("")).Where(pair => pair.First.Contains(text, StringComparison.Ordinal)).Select(pair => $"{pair.First}\n{pair.Second}"));

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

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        output.Enqueue(line);
        while (output.Count > KeptLines && output.TryDequeue(out _))
        {
        }
    }
}
