using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace CaseApi.Tests.Infrastructure;

/// <summary>No Docker engine runs here, so these check what can be checked without one.</summary>
public sealed partial class DockerfileTests
{
    private static readonly string[] Lines = File.ReadAllLines(RepositoryRoot.File("Dockerfile"));

    [Fact]
    public async Task The_publish_step_produces_the_assembly_the_entrypoint_runs()
    {
        var publish = Lines.Single(line => line.StartsWith("RUN dotnet publish", StringComparison.Ordinal));
        var arguments = publish["RUN dotnet ".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        var output = Path.Combine(Path.GetTempPath(), $"caseapi-publish-{Guid.NewGuid():N}");
        arguments[arguments.IndexOf("-o") + 1] = output;
        // The image restores in an earlier layer; here the restore is part of the same command.
        arguments.Remove("--no-restore");
        var entrypoint = JsonNode.Parse(Lines.Single(line => line.StartsWith("ENTRYPOINT", StringComparison.Ordinal))["ENTRYPOINT".Length..])!.AsArray();

        try
        {
            var (exitCode, log) = await RunAsync("dotnet", arguments);

            Assert.True(exitCode == 0, log);
            Assert.Equal("dotnet", entrypoint[0]!.GetValue<string>());
            Assert.True(File.Exists(Path.Combine(output, entrypoint[1]!.GetValue<string>())), $"{entrypoint[1]} is not in the published output");
        }
        finally
        {
            if (Directory.Exists(output))
            {
                Directory.Delete(output, recursive: true);
            }
        }
    }

    [Fact]
    public void The_exposed_port_is_the_one_the_app_listens_on()
    {
        var exposed = Lines.Single(line => line.StartsWith("EXPOSE", StringComparison.Ordinal))["EXPOSE".Length..].Trim();
        var containerUrl = PortPattern().Match(Lines.Single(line => line.Contains("ASPNETCORE_URLS", StringComparison.Ordinal)));
        var appSettings = JsonNode.Parse(File.ReadAllText(RepositoryRoot.File("src", "CaseApi", "appsettings.json")))!;
        var defaultUrl = PortPattern().Match(appSettings["Urls"]!.GetValue<string>());

        Assert.Equal(exposed, containerUrl.Groups["port"].Value);
        Assert.Equal(exposed, defaultUrl.Groups["port"].Value);
    }

    [Fact]
    public void The_image_runs_as_a_non_root_user_with_a_health_check()
    {
        Assert.Contains(Lines, line => line.StartsWith("USER ", StringComparison.Ordinal) && !line.Contains("root", StringComparison.Ordinal));
        Assert.Contains(Lines, line => line.StartsWith("HEALTHCHECK", StringComparison.Ordinal) && line.Contains("health-check", StringComparison.Ordinal));
        Assert.Equal(2, Lines.Count(line => line.StartsWith("FROM ", StringComparison.Ordinal)));
    }

    private static async Task<(int ExitCode, string Log)> RunAsync(string program, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo(program) { WorkingDirectory = RepositoryRoot.Path, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }

    [GeneratedRegex(@":(?<port>\d+)")]
    private static partial Regex PortPattern();
}
