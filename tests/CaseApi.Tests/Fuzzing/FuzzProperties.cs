using System.Text.RegularExpressions;

namespace CaseApi.Tests.Fuzzing;

/// <summary>A response as the properties look at it.</summary>
public sealed record FuzzResponse(int Status, string? MediaType, string Body, IReadOnlyList<string> HeaderValues)
{
    public bool IsSuccess => Status is >= 200 and < 300;
}

/// <summary>What must hold for every request, however hostile: each returns the broken properties, empty when all hold.</summary>
public static partial class FuzzProperties
{
    public static IEnumerable<string> Violations(FuzzRequest request, FuzzResponse response, IReadOnlySet<string> foreign, TenantFingerprint before, TenantFingerprint after)
    {
        if (response.Status >= 500 || response.Status < 200 || response.Status is >= 300 and < 400)
        {
            yield return $"answered {response.Status}";
        }

        if (response.Status >= 400)
        {
            foreach (var problem in ProblemViolations(request, response))
            {
                yield return problem;
            }
        }

        if (response.Status == 428 && !request.Operation.Parameters.Any(p => p.Name == "If-Match"))
        {
            yield return "428, but the contract does not say that the operation takes If-Match";
        }

        if (response.IsSuccess && (request.Credential.Actor == Actor.Nobody || (request.Credential.ReadOnly && request.Operation.Method != "GET")))
        {
            yield return $"{request.Credential.Name} got {response.Status}";
        }

        foreach (var leak in Leaks(request, response, foreign))
        {
            yield return leak;
        }

        foreach (var organisation in new[] { Actor.A, Actor.B })
        {
            var mayWrite = organisation == request.Credential.Actor && response.IsSuccess && request.Operation.Method != "GET";
            var changes = before.Changes(after, organisation.ToString());
            if (!mayWrite && changes.Count > 0)
            {
                yield return $"wrote to organisation {organisation} ({string.Join("; ", changes)})";
            }
        }
    }

    private static IEnumerable<string> ProblemViolations(FuzzRequest request, FuzzResponse response)
    {
        if (response.MediaType != "application/problem+json")
        {
            yield return $"error as {response.MediaType ?? "no content type"}, not application/problem+json";
            yield break;
        }

        JsonElement problem;
        try
        {
            problem = JsonDocument.Parse(response.Body).RootElement.Clone();
        }
        catch (JsonException)
        {
            problem = default;
        }

        if (problem.ValueKind != JsonValueKind.Object)
        {
            yield return "problem body is not a JSON object";
            yield break;
        }

        if (!(problem.TryGetProperty("type", out var type) && type.GetString()?.StartsWith("urn:caseapi:problem:", StringComparison.Ordinal) == true))
        {
            yield return "problem without a urn:caseapi:problem: type";
        }

        if (!(problem.TryGetProperty("traceId", out var trace) && !string.IsNullOrEmpty(trace.GetString())))
        {
            yield return "problem without a traceId";
        }

        if (!(problem.TryGetProperty("status", out var status) && status.ValueKind == JsonValueKind.Number && status.GetInt32() == response.Status))
        {
            yield return "problem whose status is not the response's";
        }

        if (response.Body.Contains("   at ", StringComparison.Ordinal) || response.Body.Contains("Npgsql", StringComparison.Ordinal))
        {
            yield return "problem shows a stack trace or driver message";
        }

        var code = problem.TryGetProperty("code", out var c) ? c.GetString() : null;
        if (response.Status == 400 && code is "validation_failed" or "malformed_body")
        {
            if (!problem.TryGetProperty("errors", out var errors) || errors.ValueKind != JsonValueKind.Object || !errors.EnumerateObject().Any())
            {
                yield return $"{code} without errors naming a field";
                yield break;
            }

            var known = FieldNames(request);
            foreach (var field in errors.EnumerateObject().Select(e => e.Name).Where(name => !known.Contains(FirstSegment(name))))
            {
                yield return $"errors name '{field}', which is no field of the request (known: {string.Join(", ", known.Order())})";
            }
        }
    }

    /// <summary>Ids and markers of the other organisation. A failed request may echo what it was sent; a successful one must hold none.</summary>
    private static IEnumerable<string> Leaks(FuzzRequest request, FuzzResponse response, IReadOnlySet<string> foreign)
    {
        var sent = response.IsSuccess ? "" : request.Text;
        var said = string.Join('\n', [response.Body, .. response.HeaderValues]);
        var found = Uuid().Matches(said).Select(m => m.Value.ToLowerInvariant())
            .Concat(foreign.Where(secret => !Uuid().IsMatch(secret) && said.Contains(secret, StringComparison.OrdinalIgnoreCase)))
            .Where(foreign.Contains)
            .Where(secret => !sent.Contains(secret, StringComparison.OrdinalIgnoreCase))
            .Distinct()
            .ToArray();
        if (found.Length > 0)
        {
            yield return $"{request.Credential.Name} was shown another organisation's data: {string.Join(", ", found.Take(5))}";
        }
    }

    /// <summary>The names a validation error may use: the body schema's fields, the parameters, and whatever field names the client sent.</summary>
    private static HashSet<string> FieldNames(FuzzRequest request)
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "$" };
        names.UnionWith(request.Operation.Parameters.Select(p => p.Name!));
        names.UnionWith(request.Operation.BodySchema?.Properties?.Keys ?? []);
        if (request.Body is not null)
        {
            names.UnionWith(SentName().Matches(System.Text.Encoding.UTF8.GetString(request.Body.Bytes)).Select(m => Unescaped(m.Groups["name"].Value)));
        }

        return names;
    }

    private static string Unescaped(string jsonName)
    {
        try
        {
            return JsonSerializer.Deserialize<string>($"\"{jsonName}\"") ?? jsonName;
        }
        catch (JsonException)
        {
            return jsonName;
        }
    }

    private static string FirstSegment(string field) => field.Split('.', '[')[0];

    [GeneratedRegex("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")]
    private static partial Regex Uuid();

    [GeneratedRegex("\"(?<name>(?:[^\"\\\\]|\\\\.){0,200})\"\\s*:")]
    private static partial Regex SentName();
}
