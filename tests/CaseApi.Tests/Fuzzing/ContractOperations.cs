using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;

namespace CaseApi.Tests.Fuzzing;

/// <summary>One operation of the committed contract, as the fuzzer needs it: where its inputs go and what shape they have.</summary>
public sealed record ContractOperation(
    string Method,
    string PathTemplate,
    string OperationId,
    IReadOnlyList<IOpenApiParameter> Parameters,
    string? BodyMediaType,
    IOpenApiSchema? BodySchema,
    string? QueryToken)
{
    public IEnumerable<IOpenApiParameter> In(ParameterLocation location) => Parameters.Where(p => p.In == location);

    public override string ToString() => $"{Method} {PathTemplate}";
}

/// <summary>Reads openapi.yaml, so that a new operation is fuzzed without editing the fuzzer.</summary>
public static class ContractOperations
{
    public static async Task<IReadOnlyList<ContractOperation>> ReadAsync(string path)
    {
        var settings = new OpenApiReaderSettings();
        settings.AddYamlReader();
        await using var file = File.OpenRead(path);
        var read = await OpenApiDocument.LoadAsync(file, "yaml", settings);
        var document = read.Document ?? throw new InvalidOperationException($"{path}: {string.Join("; ", read.Diagnostic?.Errors.Select(e => e.Message) ?? [])}");

        return document.Paths
            .SelectMany(path => (path.Value.Operations ?? []).Select(operation =>
            {
                var (method, op) = (operation.Key, operation.Value);
                var body = op.RequestBody?.Content?.FirstOrDefault();
                return new ContractOperation(
                    method.Method.ToUpperInvariant(),
                    path.Key,
                    op.OperationId ?? throw new InvalidOperationException($"{method} {path.Key} has no operationId."),
                    [.. path.Value.Parameters ?? [], .. op.Parameters ?? []],
                    body?.Key,
                    body?.Value.Schema,
                    QueryTokenOf(op.Security ?? document.Security));
            }))
            .ToArray();
    }

    /// <summary>The query parameter that carries the credential, for operations secured by an API key in the query (the calendar feed).</summary>
    private static string? QueryTokenOf(IList<OpenApiSecurityRequirement>? security) =>
        security?.SelectMany(requirement => requirement.Keys).FirstOrDefault(scheme => scheme.Type == SecuritySchemeType.ApiKey && scheme.In == ParameterLocation.Query)?.Name;
}
