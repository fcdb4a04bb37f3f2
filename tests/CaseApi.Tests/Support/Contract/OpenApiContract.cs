using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Json.Schema;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;

namespace CaseApi.Tests.Support.Contract;

/// <summary>
/// The committed <c>openapi.yaml</c>, used as a checker: does a real response match what the document promises for
/// its operation (the status is documented, the media type too, and a JSON body validates against the schema)?
/// Schemas are JSON Schema 2020-12 (OpenAPI 3.1), checked with JsonSchema.Net; an object schema that does not say
/// otherwise is closed, so that a field the API returns but the document does not mention is a violation too.
/// </summary>
public sealed class OpenApiContract
{
    private static readonly Lazy<OpenApiContract> Committed = new(() => Load(File.ReadAllText(RepositoryRoot.File("openapi.yaml"))));

    // Formats JsonSchema.Net checks; the numeric ones (int32, double…) and binary describe, they do not constrain.
    private static readonly HashSet<string> CheckedFormats = ["uuid", "date-time", "date", "uri", "email"];

    private static readonly EvaluationOptions Evaluation = new() { OutputFormat = OutputFormat.List, RequireFormatValidation = true };

    private readonly JsonObject document;
    private readonly JsonObject definitions;
    private readonly IReadOnlyList<(string Template, string[] Segments)> paths;
    private readonly ConcurrentDictionary<string, JsonSchema> schemas = new();

    private OpenApiContract(JsonObject document)
    {
        this.document = document;
        definitions = Closed(RewriteReferences(document["components"]?["schemas"]?.DeepClone() as JsonObject ?? []))!.AsObject();
        paths = (document["paths"]?.AsObject() ?? []).Select(p => (p.Key, p.Key.Split('/'))).ToArray();
    }

    public static OpenApiContract Instance => Committed.Value;

    /// <summary>Reads an OpenAPI document in YAML through Microsoft.OpenApi, refusing one with errors.</summary>
    public static OpenApiContract Load(string yaml)
    {
        var settings = new OpenApiReaderSettings();
        settings.AddYamlReader();
        var read = OpenApiDocument.Parse(yaml, "yaml", settings);
        if (read.Document is null || read.Diagnostic?.Errors.Count > 0)
        {
            throw new InvalidOperationException($"openapi.yaml does not read: {string.Join("; ", read.Diagnostic?.Errors.Select(e => $"{e.Pointer}: {e.Message}") ?? [])}");
        }

        var json = read.Document.SerializeAsJsonAsync(OpenApiSpecVersion.OpenApi3_1).GetAwaiter().GetResult();
        return new OpenApiContract(JsonNode.Parse(json)!.AsObject());
    }

    /// <summary>The operation a request is for, as "GET /v1/cases/{id}"; null when the document has no such operation.</summary>
    public string? OperationOf(HttpMethod method, string path) =>
        OperationAt(method, path) is ({ } template, not null) ? $"{method.Method} {template}" : null;

    /// <summary>What is wrong with a response, compared with the document; empty when it conforms.</summary>
    public IReadOnlyList<string> Check(HttpMethod method, string path, int status, MediaTypeHeaderValue? contentType, byte[] body)
    {
        if (OperationAt(method, path) is not ({ } template, { } operation))
        {
            return [];
        }

        var responses = operation["responses"]?.AsObject() ?? [];
        var documented = DocumentedStatus(responses, status);
        if (documented is null)
        {
            return [$"status {status} is not documented (documented: {string.Join(", ", responses.Select(r => r.Key))})"];
        }

        if (body.Length == 0 || method == HttpMethod.Head)
        {
            return [];
        }

        var mediaType = contentType?.MediaType ?? "";
        var documentedTypes = responses[documented]!["content"]?.AsObject();
        if (new[] { mediaType, $"{mediaType.Split('/')[0]}/*", "*/*" }.Select(range => documentedTypes?[range]).FirstOrDefault(m => m is not null) is not JsonObject media)
        {
            var content = responses[documented]!["content"]?.AsObject().Select(c => c.Key) ?? [];
            return [$"status {status} has a body of type '{mediaType}', documented: {string.Join(", ", content.DefaultIfEmpty("none"))}"];
        }

        if (!IsJson(mediaType) || media["schema"] is not JsonNode schema)
        {
            return [];
        }

        JsonElement instance;
        try
        {
            instance = JsonDocument.Parse(body).RootElement;
        }
        catch (JsonException e)
        {
            return [$"the {mediaType} body is not JSON: {e.Message}"];
        }

        return Validate($"{template}|{method.Method}|{documented}|{mediaType}", schema, instance);
    }

    /// <summary>
    /// The headers a client acts on (<see cref="CheckedHeaders"/>) that a response sends without the document declaring
    /// them, or that the document declares required and the response leaves out; empty when they match.
    /// </summary>
    public IReadOnlyList<string> CheckHeaders(HttpMethod method, string path, int status, IEnumerable<string> sent)
    {
        if (OperationAt(method, path) is not (not null, { } operation) || operation["responses"] is not JsonObject responses
            || DocumentedStatus(responses, status) is not { } documented)
        {
            return [];
        }

        var declared = responses[documented]?["headers"]?.AsObject() ?? [];
        var sentNames = sent.ToHashSet(StringComparer.OrdinalIgnoreCase);
        var violations = new List<string>();
        foreach (var name in CheckedHeaders)
        {
            var header = declared.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
            if (sentNames.Contains(name) && header is null)
            {
                violations.Add($"status {status} sends {name}, which the document does not declare");
            }
            else if (!sentNames.Contains(name) && header?["required"]?.GetValue<bool>() == true)
            {
                violations.Add($"status {status} has no {name}, which the document declares required");
            }
        }

        return violations;
    }

    /// <summary>The response headers with a meaning for clients: where a new resource is, its version, when to retry.</summary>
    public static IReadOnlyList<string> CheckedHeaders { get; } = ["Location", "ETag", "Retry-After"];

    private static string? DocumentedStatus(JsonObject responses, int status) =>
        new[] { status.ToString(System.Globalization.CultureInfo.InvariantCulture), $"{status / 100}XX", "default" }.FirstOrDefault(responses.ContainsKey);

    /// <summary>What is wrong with a webhook delivery's body, compared with the document's <c>webhooks</c> section.</summary>
    public IReadOnlyList<string> CheckWebhook(string eventType, string body)
    {
        if (document["webhooks"]?[eventType]?["post"]?["requestBody"]?["content"]?["application/json"]?["schema"] is not JsonNode schema)
        {
            return [$"the webhooks section does not document '{eventType}'"];
        }

        return Validate($"webhook|{eventType}", schema, JsonDocument.Parse(body).RootElement);
    }

    private IReadOnlyList<string> Validate(string key, JsonNode schema, JsonElement instance)
    {
        var compiled = schemas.GetOrAdd(key, _ =>
        {
            var root = RewriteReferences(schema.DeepClone()) is JsonObject inline ? Closed(inline)!.AsObject() : new JsonObject();
            root["$schema"] = "https://json-schema.org/draft/2020-12/schema";
            root["$defs"] = definitions.DeepClone();
            return JsonSchema.FromText(root.ToJsonString(), new BuildOptions { SchemaRegistry = new SchemaRegistry() }, new Uri($"https://caseapi.test/contract/{Guid.NewGuid():N}"));
        });
        var result = compiled.Evaluate(instance, Evaluation);
        return result.IsValid
            ? []
            : (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
                .SelectMany(d => d.Errors!.Select(e => $"{(d.InstanceLocation.ToString() is { Length: > 0 } at ? at : "/")}: {e.Value} (schema {d.EvaluationPath})"))
                .DefaultIfEmpty("the body does not match its schema")
                .ToArray();
    }

    private (string? Template, JsonObject? Operation) OperationAt(HttpMethod method, string path) =>
        TemplateOf(path) is { } template ? (template, document["paths"]![template]![method.Method.ToLowerInvariant()] as JsonObject) : (null, null);

    // The most specific template wins: /v1/deadlines/overview over /v1/deadlines/{id}.
    private string? TemplateOf(string path)
    {
        var segments = path.Split('/');
        return paths
            .Where(p => p.Segments.Length == segments.Length && p.Segments.Zip(segments).All(s => IsParameter(s.First) ? s.Second.Length > 0 : s.First == s.Second))
            .OrderBy(p => p.Segments.Count(IsParameter))
            .Select(p => p.Template)
            .FirstOrDefault();
    }

    private static bool IsParameter(string segment) => segment.StartsWith('{') && segment.EndsWith('}');

    private static bool IsJson(string mediaType) => mediaType == "application/json" || mediaType.EndsWith("+json", StringComparison.Ordinal);

    /// <summary>Components become <c>$defs</c> of each compiled schema; formats that only describe are dropped.</summary>
    private static JsonNode? RewriteReferences(JsonNode? node) => EachObject(node, obj =>
    {
        if (obj["$ref"] is JsonValue reference && reference.GetValue<string>().StartsWith("#/components/schemas/", StringComparison.Ordinal))
        {
            obj["$ref"] = "#/$defs/" + reference.GetValue<string>()["#/components/schemas/".Length..];
        }

        if (obj["format"] is JsonValue format && format.TryGetValue<string>(out var name) && !CheckedFormats.Contains(name))
        {
            obj.Remove("format");
        }
    });

    /// <summary>Object schemas with properties and no word on others allow no others.</summary>
    private static JsonNode? Closed(JsonNode? node) => EachObject(node, obj =>
    {
        if (obj.ContainsKey("properties") && !obj.ContainsKey("additionalProperties") && !obj.ContainsKey("unevaluatedProperties"))
        {
            obj["additionalProperties"] = false;
        }
    });

    private static JsonNode? EachObject(JsonNode? node, Action<JsonObject> visit)
    {
        switch (node)
        {
            case JsonObject obj:
                visit(obj);
                foreach (var (_, child) in obj.ToArray())
                {
                    EachObject(child, visit);
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    EachObject(item, visit);
                }

                break;
        }

        return node;
    }
}
