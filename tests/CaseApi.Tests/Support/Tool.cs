using System.Diagnostics;

namespace CaseApi.Tests.Support;

/// <summary>Command-line tools the tests run to the end: the SDK, Kiota, npm's.</summary>
public static class Tool
{
    /// <summary>Runs <paramref name="program"/> in <paramref name="workingDirectory"/> and returns its exit code with its output and errors.</summary>
    public static async Task<(int ExitCode, string Log)> RunAsync(string program, IEnumerable<string> arguments, string workingDirectory,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(program) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }
}
