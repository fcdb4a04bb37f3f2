using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace CaseApi.Tests.Infrastructure;

/// <summary>
/// Issue 17: a route's full path is written nowhere in src/ (a group adds <c>/v1/cases</c>, the slice
/// <c>{caseId:guid}/complaints</c>), so src/CaseApi/Routes.md lists every route with its operation and the file that maps
/// it, for someone holding a URL from a log. This keeps the table true to the endpoints the app actually has.
/// </summary>
public sealed partial class RouteTableTests(CaseApiFactory api) : IClassFixture<CaseApiFactory>
{
    private static readonly string TableFile = RepositoryRoot.File("src/CaseApi/Routes.md");

    [Fact]
    public async Task Routes_md_lists_every_route_with_its_operation_and_source_file()
    {
        var generated = Table();
        if (Environment.GetEnvironmentVariable("UPDATE_ROUTES") == "1")
        {
            await File.WriteAllTextAsync(TableFile, generated);
        }

        var committed = File.Exists(TableFile) ? (await File.ReadAllTextAsync(TableFile)).ReplaceLineEndings("\n") : "";
        var missing = generated.Split('\n').Except(committed.Split('\n')).ToArray();
        var stale = committed.Split('\n').Except(generated.Split('\n')).ToArray();
        Assert.True(committed == generated,
            $"src/CaseApi/Routes.md differs from the app's routes.\nMissing:\n  {string.Join("\n  ", missing)}\nNo longer true:\n  {string.Join("\n  ", stale)}\n"
            + "Regenerate it: UPDATE_ROUTES=1 dotnet test tests/CaseApi.Tests --filter RouteTableTests");
    }

    private string Table()
    {
        var sources = SourceFiles();
        var rows = api.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .SelectMany(endpoint => (endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["*"]).Select(method => (
                Method: method,
                Path: "/" + Constraint().Replace(endpoint.RoutePattern.RawText?.Trim('/') ?? "", "}"),
                Operation: endpoint.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName ?? endpoint.DisplayName ?? "",
                Source: Source(endpoint, sources))))
            .Distinct()
            .OrderBy(row => row.Path, StringComparer.Ordinal)
            .ThenBy(row => row.Method, StringComparer.Ordinal);

        var table = new StringBuilder("""
            # Routes

            Every route of the API, the operation (`operationId` in openapi.yaml) and the file that maps it, so that a URL from a log
            leads to its code. Generated and kept true by `RouteTableTests`: after changing routes, run
            `UPDATE_ROUTES=1 dotnet test tests/CaseApi.Tests --filter RouteTableTests`.

            | Method | Path | Operation | Source |
            | --- | --- | --- | --- |

            """);
        foreach (var (method, path, operation, source) in rows)
        {
            table.Append(CultureInfo.InvariantCulture, $"| {method} | {path} | {operation} | {source} |\n");
        }

        return table.ToString().ReplaceLineEndings("\n");
    }

    /// <summary>
    /// The file of the class that declares the endpoint's handler; for an endpoint mapped by shared plumbing (a versioned
    /// change), the file of the slice whose lambda makes the command; for one without a handler of ours (health checks),
    /// the file that spells out its path.
    /// </summary>
    private static string Source(RouteEndpoint endpoint, IReadOnlyList<(string File, string Text)> sources)
    {
        var declaring = endpoint.Metadata.OfType<MethodInfo>().Select(method => TopLevel(method.DeclaringType)).OfType<Type>().ToArray();
        var type = declaring.FirstOrDefault(t => t.Namespace?.StartsWith("CaseApi.Features", StringComparison.Ordinal) == true) ?? declaring.FirstOrDefault();
        var declaration = type is null ? null : new Regex($@"^(?:public |internal )?(?:static |sealed |abstract |partial )*(?:class|record|struct) {type.Name}\b", RegexOptions.Multiline);
        return sources.FirstOrDefault(source => declaration?.IsMatch(source.Text) ?? source.Text.Contains($"\"{endpoint.RoutePattern.RawText}\"", StringComparison.Ordinal)).File ?? "";
    }

    private static Type? TopLevel(Type? type)
    {
        while (type?.DeclaringType is not null)
        {
            type = type.DeclaringType;
        }

        return type is not null && type.IsDefined(typeof(CompilerGeneratedAttribute)) ? null : type;
    }

    private static List<(string File, string Text)> SourceFiles()
    {
        var root = RepositoryRoot.File("src/CaseApi");
        return Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Select(file => (File: Path.GetRelativePath(root, file).Replace('\\', '/'), Text: File.ReadAllText(file)))
            .Where(source => !source.File.StartsWith("bin/", StringComparison.Ordinal) && !source.File.StartsWith("obj/", StringComparison.Ordinal))
            .OrderBy(source => source.File, StringComparer.Ordinal)
            .ToList();
    }

    [GeneratedRegex(@":[^}]+\}")]
    private static partial Regex Constraint();
}
