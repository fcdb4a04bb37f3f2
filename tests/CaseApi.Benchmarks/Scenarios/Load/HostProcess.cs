using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;

namespace CaseApi.Benchmarks.Scenarios.Load;

/// <summary>
/// One <see cref="BenchmarkHost"/> process on a loopback port, its output in a log file; the benchmark reads its peak
/// memory (VmHWM, which <c>clear_refs</c> resets between measurements) and CPU time from /proc.
/// </summary>
internal sealed class HostProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly Task logging;

    private HostProcess(string name, Process process, int port, string logFile, Task logging)
    {
        Name = name;
        this.process = process;
        Port = port;
        LogFile = logFile;
        this.logging = logging;
    }

    public string Name { get; }

    public int Port { get; }

    public string LogFile { get; }

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}");

    public static async Task<HostProcess> StartAsync(string name, IReadOnlyDictionary<string, string> settings, string directory, CancellationToken ct)
    {
        var port = Infrastructure.Data.EmbeddedPostgres.FreePort();
        var self = Environment.ProcessPath!;
        var info = new ProcessStartInfo(self) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        // Started as `dotnet CaseApi.Benchmarks.dll`, the process path is the dotnet host, which needs the assembly.
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            info.ArgumentList.Add(typeof(HostProcess).Assembly.Location);
        }

        info.ArgumentList.Add(BenchmarkHost.Verb);
        info.Environment["Urls"] = $"http://127.0.0.1:{port}";
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in settings)
        {
            info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var logFile = Path.Combine(directory, $"{name}.log");
        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {self}.");
        var log = new StreamWriter(logFile) { AutoFlush = true };
        var logging = Task.WhenAll(CopyAsync(process.StandardOutput, log), CopyAsync(process.StandardError, log))
            .ContinueWith(_ => log.Dispose(), TaskScheduler.Default);
        var host = new HostProcess(name, process, port, logFile, logging);
        try
        {
            await host.WaitUntilReadyAsync(ct);
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    /// <summary>The highest resident memory since the last <see cref="ResetPeakMemory"/>, in bytes.</summary>
    public long PeakMemory()
    {
        var line = File.ReadLines($"/proc/{process.Id}/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    /// <summary>Linux resets VmHWM to the current resident size when 5 is written to clear_refs (proc(5)).</summary>
    public void ResetPeakMemory() => File.WriteAllText($"/proc/{process.Id}/clear_refs", "5");

    public async Task<BenchmarkHost.RuntimeState> RuntimeAsync(CancellationToken ct)
    {
        using var client = new HttpClient { BaseAddress = BaseAddress };
        return (await client.GetFromJsonAsync<BenchmarkHost.RuntimeState>(BenchmarkHost.RuntimeRoute, ct))!;
    }

    public TimeSpan CpuTime()
    {
        process.Refresh();
        return process.TotalProcessorTime;
    }

    /// <summary>The last lines of the log that report a failure (ASP.NET Core's "fail:" and "crit:" levels).</summary>
    public IReadOnlyList<string> Failures() =>
        File.ReadLines(LogFile).Where(l => l.StartsWith("fail:", StringComparison.Ordinal) || l.StartsWith("crit:", StringComparison.Ordinal)).ToList();

    public IReadOnlyList<string> LogLines(string containing) =>
        File.ReadLines(LogFile).Where(l => l.Contains(containing, StringComparison.OrdinalIgnoreCase)).ToList();

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        await process.WaitForExitAsync();
        await logging;
        process.Dispose();
    }

    private async Task WaitUntilReadyAsync(CancellationToken ct)
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromMinutes(2))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with {process.ExitCode} before it was ready; see {LogFile}.");
            }

            try
            {
                using var response = await client.GetAsync(new Uri("/health/ready", UriKind.Relative), ct);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !ct.IsCancellationRequested))
            {
                // Not listening yet, or still starting.
            }

            await Task.Delay(200, ct);
        }

        throw new TimeoutException($"{Name} was not ready within two minutes; see {LogFile}.");
    }

    private static async Task CopyAsync(StreamReader from, StreamWriter to)
    {
        while (await from.ReadLineAsync() is { } line)
        {
            lock (to)
            {
                to.WriteLine(line);
            }
        }
    }
}
