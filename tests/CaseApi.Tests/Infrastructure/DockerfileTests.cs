using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;

namespace CaseApi.Tests.Infrastructure;

/// <summary>No Docker engine runs here, so these check what can be checked without one.</summary>
public sealed partial class DockerfileTests(DockerfileTests.PublishedApp published) : IClassFixture<DockerfileTests.PublishedApp>
{
    private static readonly string[] Lines = File.ReadAllLines(RepositoryRoot.File("Dockerfile"));

    private static readonly JsonArray Entrypoint =
        JsonNode.Parse(Lines.Single(line => line.StartsWith("ENTRYPOINT", StringComparison.Ordinal))["ENTRYPOINT".Length..])!.AsArray();

    /// <summary>The output of the Dockerfile's own publish step, made once for the class.</summary>
    public sealed class PublishedApp : IAsyncLifetime
    {
        public string Output { get; } = Path.Combine(Path.GetTempPath(), $"caseapi-publish-{Guid.NewGuid():N}");

        public int ExitCode { get; private set; }

        public string Log { get; private set; } = "";

        public async Task InitializeAsync()
        {
            var publish = Lines.Single(line => line.StartsWith("RUN dotnet publish", StringComparison.Ordinal));
            var arguments = publish["RUN dotnet ".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
            arguments[arguments.IndexOf("-o") + 1] = Output;
            // The image restores in an earlier layer; here the restore is part of the same command.
            arguments.Remove("--no-restore");
            (ExitCode, Log) = await Tool.RunAsync("dotnet", arguments, RepositoryRoot.Path);
        }

        public Task DisposeAsync()
        {
            if (Directory.Exists(Output))
            {
                Directory.Delete(Output, recursive: true);
            }

            return Task.CompletedTask;
        }
    }

    [Fact]
    public void The_publish_step_produces_the_assembly_the_entrypoint_runs()
    {
        Assert.True(published.ExitCode == 0, published.Log);
        Assert.Equal("dotnet", Entrypoint[0]!.GetValue<string>());
        Assert.True(File.Exists(Path.Combine(published.Output, Entrypoint[1]!.GetValue<string>())), $"{Entrypoint[1]} is not in the published output");
    }

    [Fact]
    public async Task The_published_app_started_with_the_images_environment_listens_on_all_interfaces()
    {
        Assert.True(published.ExitCode == 0, published.Log);
        var image = ImageEnvironment();
        // Port 5080 may be taken on a shared machine: only the port changes, the address part stays the image's own.
        var port = EmbeddedPostgres.FreePort();
        var environment = image.ToDictionary(variable => variable.Key, variable => variable.Value.Replace($":{ExposedPort}", $":{port}", StringComparison.Ordinal));
        Assert.True(!environment.SequenceEqual(image), $"No ENV of the runtime stage names port {ExposedPort}: {string.Join(", ", image)}");
        var database = await TestDatabase.CreateAsync(nameof(DockerfileTests));
        try
        {
            foreach (var (name, value) in ServedApi.DatabaseSettings(database))
            {
                environment[name] = value;
            }

            // Ready through 127.0.0.1 only: tests never connect to another address. The socket table shows the rest.
            await using var api = await ServedApi.StartAsync(Path.Combine(published.Output, Entrypoint[1]!.GetValue<string>()), environment, new Uri($"http://127.0.0.1:{port}"));

            Assert.True(ListeningOnAllInterfaces(port), $"Nothing listens on the wildcard address at port {port}:\n{api.OutputTail()}");
        }
        finally
        {
            await TestDatabase.DropAsync(database);
        }
    }

    [Fact]
    public void The_exposed_port_is_the_one_the_app_listens_on()
    {
        Assert.Equal(ExposedPort, PortPattern().Match(ImageEnvironment()["ASPNETCORE_URLS"]).Groups["port"].Value);
        Assert.Equal(ExposedPort, PortPattern().Match(HttpSetup.DefaultUrls).Groups["port"].Value);
    }

    [Fact]
    public void The_image_runs_as_a_non_root_user_with_a_health_check()
    {
        Assert.Contains(Lines, line => line.StartsWith("USER ", StringComparison.Ordinal) && !line.Contains("root", StringComparison.Ordinal));
        Assert.Contains(Lines, line => line.StartsWith("HEALTHCHECK", StringComparison.Ordinal) && line.Contains("health-check", StringComparison.Ordinal));
        Assert.Equal(2, Lines.Count(line => line.StartsWith("FROM ", StringComparison.Ordinal)));
    }

    private static string ExposedPort => Lines.Single(line => line.StartsWith("EXPOSE", StringComparison.Ordinal))["EXPOSE".Length..].Trim();

    /// <summary>The variables the runtime stage's <c>ENV</c> instructions set (<c>KEY=value</c> pairs, lines continued with <c>\\</c>).</summary>
    private static Dictionary<string, string> ImageEnvironment()
    {
        var runtimeStage = string.Join('\n', Lines.Skip(Array.FindLastIndex(Lines, line => line.StartsWith("FROM ", StringComparison.Ordinal))));
        var instructions = ContinuedLine().Replace(runtimeStage, " ").Split('\n');
        return instructions.Where(line => line.StartsWith("ENV ", StringComparison.Ordinal))
            .SelectMany(line => line["ENV ".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(pair => pair.Split('=', 2))
            .ToDictionary(pair => pair[0], pair => pair[1].Trim('"'));
    }

    /// <summary>Whether a TCP socket listens on port <paramref name="port"/> of 0.0.0.0 or [::], as the kernel lists them.</summary>
    private static bool ListeningOnAllInterfaces(int port) =>
        new[] { "/proc/net/tcp", "/proc/net/tcp6" }.SelectMany(table => File.ReadLines(table).Skip(1))
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Any(fields => fields.Length > 3 && fields[3] == "0A" && fields[1].Split(':') is [var address, var hexPort]
                           && address.All(digit => digit == '0') && Convert.ToInt32(hexPort, 16) == port);

    [GeneratedRegex(@":(?<port>\d+)")]
    private static partial Regex PortPattern();

    [GeneratedRegex(@"\\\s*\n")]
    private static partial Regex ContinuedLine();
}
