namespace CaseApi.Tests.Clients;

/// <summary>
/// A TypeScript case system's view of openapi.yaml: openapi-typescript turns the file into types, and <c>tsc</c> checks the
/// story script of tests/TypeScriptClient (openapi-fetch calls) against them. The packages come from <c>npm ci</c>, which
/// .ci/run runs; tests reach no registry.
/// </summary>
public sealed class TypeScriptClientTests
{
    private static readonly string Project = RepositoryRoot.File("tests", "TypeScriptClient");

    [Fact]
    public async Task The_TypeScript_story_type_checks_against_the_types_generated_from_openapi_yaml()
    {
        Assert.True(File.Exists(Bin("tsc")) && File.Exists(Bin("openapi-typescript")),
            $"The TypeScript packages are not installed: run `npm ci` in tests/TypeScriptClient (.ci/run does; it needs Node.js and npm).");

        // Anew each run, from the file as it is now: the generated types are not checked in.
        var generate = await Tool.RunAsync(Bin("openapi-typescript"), ["../../openapi.yaml", "--output", "generated/caseapi.d.ts"], Project);
        Assert.True(generate.ExitCode == 0, $"openapi-typescript exited with {generate.ExitCode}:\n{generate.Log}");
        var check = await Tool.RunAsync(Bin("tsc"), ["--noEmit", "--project", "."], Project);

        Assert.True(check.ExitCode == 0, $"tsc found errors in story.ts against openapi.yaml:\n{check.Log}");
    }

    private static string Bin(string tool) => Path.Combine(Project, "node_modules", ".bin", tool);
}
