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

    public static Process Start(IReadOnlyDictionary<string, string> environment, params string[] arguments) =>
        Start(Dll, environment, arguments);

    /// <summary>
    /// Starts <paramref name="dll"/> with the test's settings, in its own folder, as the image's <c>WORKDIR</c> does: the
    /// working directory is the content root, where appsettings.json is read. Where to listen is the test's to say, not the
    /// environment's of whoever runs the tests: inherited <c>ASPNETCORE_*</c> and <c>URLS</c> variables are dropped.
    /// </summary>
    public static Process Start(string dll, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var inherited in info.Environment.Keys.Where(name =>
                     name.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase) || name.Equals("URLS", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            info.Environment.Remove(inherited);
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
