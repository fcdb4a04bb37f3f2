using System.Diagnostics;

namespace CaseApi.Tests.Infrastructure;

/// <summary>
/// openapi.yaml passes the two linters integrators run on it (issue 14 point 9): Spectral with <c>spectral:oas</c> and
/// Redocly with its <c>recommended</c> rules, pinned in tests/ApiLint, each warning left justified in the ruleset files there.
/// </summary>
public sealed class OpenApiLintTests(ApiLinters linters) : IClassFixture<ApiLinters>
{
    private static readonly string CommittedFile = RepositoryRoot.File("openapi.yaml");

    [Fact]
    public async Task Spectral_finds_no_error_in_openapi_yaml()
    {
        var (exitCode, output) = await linters.SpectralAsync(CommittedFile);

        Assert.True(exitCode == 0, $"spectral lint found errors in openapi.yaml:\n{output}");
    }

    [Fact]
    public async Task Redocly_finds_no_error_in_openapi_yaml()
    {
        var (exitCode, output) = await linters.RedoclyAsync(CommittedFile);

        Assert.True(exitCode == 0, $"redocly lint found errors in openapi.yaml:\n{output}");
    }

    [Fact]
    public async Task Both_linters_fail_a_document_with_an_error()
    {
        // A reference to a schema that does not exist: an error for both.
        var broken = Path.Combine(Path.GetTempPath(), $"caseapi-lint-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(broken, """
            openapi: 3.1.1
            info: { title: Broken, version: v1, description: Broken on purpose., license: { name: MIT, identifier: MIT }, contact: { name: Nobody } }
            servers: [ { url: 'http://127.0.0.1' } ]
            security: []
            tags: [ { name: T, description: T. } ]
            paths:
              /things:
                get:
                  tags: [ T ]
                  operationId: ListThings
                  summary: List things
                  description: Things.
                  responses:
                    '200':
                      description: The things.
                      content:
                        application/json:
                          schema: { $ref: '#/components/schemas/Missing' }
            components:
              schemas:
                Thing:
                  type: object
                  properties:
                    name: { type: string }
            """);
        try
        {
            Assert.NotEqual(0, (await linters.SpectralAsync(broken)).ExitCode);
            Assert.NotEqual(0, (await linters.RedoclyAsync(broken)).ExitCode);
        }
        finally
        {
            File.Delete(broken);
        }
    }
}

/// <summary>
/// The pinned linters in tests/ApiLint. Tests reach no package registry, so <c>npm ci</c> there installs them beforehand
/// (.ci/run does, as for the TypeScript client check); without them the tests fail and say so.
/// </summary>
public sealed class ApiLinters : IAsyncLifetime
{
    private static readonly string Folder = RepositoryRoot.File("tests", "ApiLint");

    public Task InitializeAsync()
    {
        Assert.True(Directory.Exists(Path.Combine(Folder, "node_modules", ".bin")),
            "The linters are not installed: run `npm ci` in tests/ApiLint (.ci/run does; it needs Node.js and npm).");
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public Task<(int ExitCode, string Output)> SpectralAsync(string document) =>
        RunAsync(Path.Combine(Folder, "node_modules", ".bin", "spectral"), ["lint", "--ruleset", ".spectral.yaml", "--format", "text", document]);

    public Task<(int ExitCode, string Output)> RedoclyAsync(string document) =>
        RunAsync(Path.Combine(Folder, "node_modules", ".bin", "redocly"), ["lint", "--config", "redocly.yaml", "--format", "stylish", document]);

    private static async Task<(int ExitCode, string Output)> RunAsync(string program, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo(program) { WorkingDirectory = Folder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        // Tests talk to loopback only: no usage report, no check for a newer version.
        info.Environment["REDOCLY_TELEMETRY"] = "off";
        info.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
