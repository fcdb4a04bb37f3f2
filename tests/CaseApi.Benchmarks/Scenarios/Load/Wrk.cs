using System.Diagnostics;
using System.Text.Json;

namespace CaseApi.Benchmarks.Scenarios.Load;

/// <summary>A request for wrk: method, path and the API key to send.</summary>
internal sealed record Target(string Method, string Path, string Key);

/// <summary>What one wrk run measured (its latencies are per request, from send to the end of the response).</summary>
internal sealed record WrkResult(
    long Requests, long DurationUs, long Bytes, long ConnectErrors, long ReadErrors, long WriteErrors, long Non2xx, long Timeouts,
    long P50Us, long P90Us, long P99Us, long MaxUs, int ExhaustedThreads)
{
    public double RequestsPerSecond => Requests / (DurationUs / 1e6);

    public long SocketErrors => ConnectErrors + ReadErrors + WriteErrors + Timeouts;

    /// <summary>
    /// Several runs as one: counts added up; wrk's percentiles cannot be combined exactly, so p50 and p90 are the runs'
    /// medians and p99 and the maximum the highest run's, which never flatters a latency target.
    /// </summary>
    public static WrkResult Merged(IReadOnlyList<WrkResult> runs) => runs.Count == 1 ? runs[0] : new(
        runs.Sum(r => r.Requests), runs.Sum(r => r.DurationUs), runs.Sum(r => r.Bytes), runs.Sum(r => r.ConnectErrors), runs.Sum(r => r.ReadErrors),
        runs.Sum(r => r.WriteErrors), runs.Sum(r => r.Non2xx), runs.Sum(r => r.Timeouts),
        MedianOf(runs, r => r.P50Us), MedianOf(runs, r => r.P90Us), runs.Max(r => r.P99Us), runs.Max(r => r.MaxUs), runs.Sum(r => r.ExhaustedThreads));

    private static long MedianOf(IReadOnlyList<WrkResult> runs, Func<WrkResult, long> value) => (long)Median.Of(runs.Select(r => (double)value(r)));
}

internal static class Median
{
    /// <summary>The middle value; of an even count, the mean of the two middle ones.</summary>
    public static double Of(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}

/// <summary>
/// Drives a host with wrk (Debian's package) over loopback: keep-alive connections, each sending its next request as
/// soon as the last one's response arrived, so latency includes any queueing in the host.
/// </summary>
internal static class Wrk
{
    private static readonly string Script = Path.Combine(AppContext.BaseDirectory, "load.lua");

    public static string? Missing()
    {
        try
        {
            using var probe = Process.Start(new ProcessStartInfo("wrk", "--version") { RedirectStandardOutput = true, RedirectStandardError = true });
            probe!.WaitForExit();
            return null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "wrk is not installed: apt-get install -y wrk";
        }
    }

    public static async Task<string> WriteTargetsAsync(string directory, string name, IEnumerable<Target> targets, CancellationToken ct)
    {
        var file = Path.Combine(directory, $"{name}.tsv");
        await File.WriteAllLinesAsync(file, targets.Select(t => $"{t.Method}\t{t.Path}\t{t.Key}"), ct);
        return file;
    }

    public static async Task<WrkResult> RunAsync(Uri host, string targetsFile, double sendShare, int connections, int threads, int seconds,
        CancellationToken ct)
    {
        var info = new ProcessStartInfo("wrk") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[]
                 {
                     $"--threads={threads}", $"--connections={connections}", $"--duration={seconds}s", "--timeout=10s", $"--script={Script}",
                     host.ToString(), "--", targetsFile, sendShare.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     threads.ToString(System.Globalization.CultureInfo.InvariantCulture),
                 })
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start wrk.");
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        var output = await stdout + await stderr;
        var result = output.Split('\n').FirstOrDefault(l => l.StartsWith("RESULT ", StringComparison.Ordinal));
        return process.ExitCode == 0 && result is not null
            ? JsonSerializer.Deserialize<WrkResult>(result["RESULT ".Length..], new JsonSerializerOptions(JsonSerializerDefaults.Web))!
            : throw new InvalidOperationException($"wrk failed ({process.ExitCode}): {output}");
    }
}
