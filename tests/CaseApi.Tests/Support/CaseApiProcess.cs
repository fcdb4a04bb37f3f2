using System.Diagnostics;

namespace CaseApi.Tests.Support;

/// <summary>The API's own build, run as a separate process: for the CLI verbs and for tests that kill workers.</summary>
public static class CaseApiProcess
{
    /// <summary>CaseApi.dll next to the tests' own build (same configuration).</summary>
    public static readonly string Dll = Path.Combine(
        RepositoryRoot.File("src", "CaseApi", "bin"),
        new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name,
        new DirectoryInfo(AppContext.BaseDirectory).Name,
        "CaseApi.dll");

    public static Process Start(IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Dll);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        return Process.Start(info)!;
    }

    public static async Task<(int ExitCode, string Output)> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        using var process = Start(environment, arguments);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }
}
