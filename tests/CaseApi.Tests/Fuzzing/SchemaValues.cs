using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using CsCheck;
using Microsoft.OpenApi;

namespace CaseApi.Tests.Fuzzing;

/// <summary>
/// Generators of JSON (as text) from the contract's schemas: values a client could mean, and, at a rate the caller
/// chooses, hostile ones in their place: a wrong type, a null, a missing required field, an unknown field, a huge or
/// poisoned string, an out-of-range number, a nesting bomb.
/// </summary>
public sealed class SchemaValues(FuzzWorld world)
{
    private const int MaxDepth = 6;

    /// <summary>A UUID for a field or parameter named <paramref name="hint"/>: mostly one that exists, of the right kind, in either organisation.</summary>
    public Gen<string> Id(string? hint) => Gen.Frequency<string>(
        (12, IdOf(Actor.A, hint)),
        (4, IdOf(Actor.B, hint)),
        (1, IdOf(Actor.A, null)),
        (1, Gen.Guid.Select(g => g.ToString())),
        (2, Hostile.BadId));

    public Gen<string> Json(IOpenApiSchema schema, string? name, int percentHostile, int depth = 0)
    {
        var valid = Valid(schema, name, percentHostile, depth);
        return percentHostile == 0 ? valid : Gen.Frequency<string>((100 - percentHostile, valid), (percentHostile, Hostile.JsonValue));
    }

    /// <summary>A plain (unquoted) value for a query, path or header parameter of the operation at <paramref name="path"/>.</summary>
    public Gen<string> Plain(IOpenApiSchema? schema, string name, string path, JsonNode? example = null)
    {
        var type = schema?.Type ?? JsonSchemaType.String;
        Gen<string> valid = schema switch
        {
            _ when example is JsonValue value && value.TryGetValue<string>(out var text) => Gen.Const(text),
            { Enum.Count: > 0 } => Gen.OneOf(schema.Enum.Select(e => e.GetValue<string>()).ToArray()),
            { Format: "uuid" } => Id(name),
            { Format: "date" } => Dates,
            { Format: "date-time" } => Instants,
            _ when type.HasFlag(JsonSchemaType.Integer) => Integers,
            _ when type.HasFlag(JsonSchemaType.Boolean) => Gen.OneOf("true", "false"),
            // Undocumented filters get words a client would filter by: countries, regions, tags.
            _ => Example(schema) is { } documented ? Gen.Const(documented) : Gen.Frequency<string>((2, Gen.OneOf("IE", "DE", "DE-NW", "AT", "ai-training", "meta")), (1, Hostile.SmallText)),
        };
        return Gen.Frequency<string>(
            (5, valid),
            (4, Hostile.Text),
            (type.HasFlag(JsonSchemaType.String) && schema?.Format is null ? 4 : 0, Cursors(path)),
            (1, Gen.OneOf(Hostile.Numbers)),
            (1, Hostile.BadId));
    }

    /// <summary>Real cursors, mostly of this list, and cursors forged from them: their JSON with one value replaced, base64 garbage.</summary>
    private Gen<string> Cursors(string list) => Gen.Frequency<string>(
        (2, Gen.Int.Select(i => world.CursorsOf(list) is { Count: > 0 } own ? own[(int)((uint)i % own.Count)] : "")),
        (4, Gen.Select(Gen.Int, Gen.Int, Hostile.JsonValue, (i, field, value) =>
            world.CursorsOf(list) is { Count: > 0 } own ? ForgeCursor(own[(int)((uint)i % own.Count)], field, value) : "")),
        (1, Gen.Int.Select(i => world.CursorsOf("") is { Count: > 0 } any ? any[(int)((uint)i % any.Count)] : "")),
        (1, Gen.OneOf("{}", "null", "[]", "\"x\"", "{\"Sort\":null}", "{\"Id\":\"not-a-uuid\"}", "hello", "").Select(Base64Url)),
        (1, Gen.Byte.Array[1, 40].Select(bytes => Convert.ToBase64String(bytes))),
        (1, Gen.OneOf("%%%", "====", "-_-_", "AAAA", new string('A', 10_000))));

    // Valid values, the boundaries among them: what the format allows is not always what the code can compute with.
    private static readonly Gen<string> Dates = Gen.OneOf("2025-05-14", "2024-06-06", "2025-12-31", "2024-02-29", "0001-01-01", "9999-12-31");

    private static readonly Gen<string> Instants = Gen.OneOf(
        "2025-04-30T10:00:00+02:00", "2025-05-14T00:00:00Z", "2026-01-01T00:00:00Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00");

    private static readonly Gen<string> Integers = Gen.Frequency<string>(
        (8, Gen.Int[0, 20].Select(i => i.ToString(CultureInfo.InvariantCulture))),
        (1, Gen.OneOf("1", "50", "200", "201", "-1", "2147483647", "-2147483648")));

    private static readonly Gen<string> Decimals = Gen.Frequency<string>(
        (8, Gen.Int[0, 1_000_000].Select(i => (i / 100m).ToString(CultureInfo.InvariantCulture))),
        (1, Gen.OneOf("0", "-1", "0.001", "1e15", "1e300", "-1e300", "5e-324", "1.7976931348623157e308")));

    private Gen<string> Valid(IOpenApiSchema schema, string? name, int percentHostile, int depth)
    {
        var type = schema.Type ?? (schema.Properties is { Count: > 0 } ? JsonSchemaType.Object : (JsonSchemaType)0);
        var nonNull = type & ~JsonSchemaType.Null;
        Gen<string> value = schema switch
        {
            { Enum.Count: > 0 } => Gen.OneOf(schema.Enum.Select(e => e.ToJsonString()).ToArray()),
            _ when depth > MaxDepth => Gen.Const("null"),
            _ when nonNull == JsonSchemaType.Object => Object(schema, percentHostile, depth),
            _ when nonNull == JsonSchemaType.Array => Array(schema, name, percentHostile, depth),
            _ when nonNull == JsonSchemaType.String => String(schema, name),
            _ when nonNull == JsonSchemaType.Integer => Integers,
            _ when nonNull == JsonSchemaType.Number => Decimals,
            _ when nonNull == JsonSchemaType.Boolean => Gen.OneOf("true", "false"),
            _ => Hostile.JsonValue,
        };
        return type.HasFlag(JsonSchemaType.Null) ? Gen.Frequency<string>((9, value), (1, Gen.Const("null"))) : value;
    }

    private Gen<string> String(IOpenApiSchema schema, string? name)
    {
        Gen<string> text = schema.Format switch
        {
            "uuid" => Id(IdHint(name)),
            "date" => Dates,
            "date-time" => Instants,
            _ => Example(schema) is { } example
                ? Gen.Frequency<string>((3, Gen.Const(example)), (1, Stretched(example)), (1, Hostile.SmallText.Where(t => t.Trim().Length > 0)))
                : Hostile.SmallText.Where(t => t.Trim().Length > 0),
        };
        return schema.MaxLength is { } max
            ? Gen.Frequency<string>((20, text.Select(Hostile.Quote)), (1, Gen.Const(Hostile.Quote(new string('x', max + 1)))))
            : text.Select(Hostile.Quote);
    }

    private Gen<string> Array(IOpenApiSchema schema, string? name, int percentHostile, int depth) =>
        (schema.Items is { } items ? Json(items, name, percentHostile, depth + 1) : Hostile.JsonValue)
        .Array[0, 3]
        .Select(values => "[" + string.Join(',', values) + "]");

    private Gen<string> Object(IOpenApiSchema schema, int percentHostile, int depth)
    {
        var required = schema.Required ?? new HashSet<string>();
        var properties = (schema.Properties ?? new Dictionary<string, IOpenApiSchema>())
            .Select(p => Json(p.Value, p.Key, percentHostile, depth + 1)
                .Select(value => $"{Hostile.Quote(p.Key)}:{value}")
                .Null(required.Contains(p.Key) ? 0.0 : 0.4))
            .ToList();
        if (schema.AdditionalProperties is { } extra)
        {
            // A map (policy rules by kind of letter): a few entries under names a client might use.
            properties.Add(Gen.Select(Gen.OneOf("default", "cease_and_desist", "dpa_progress", "reminder", "x"), Json(extra, null, percentHostile, depth + 1),
                (key, value) => $"{Hostile.Quote(key)}:{value}").Array[0, 3].Select(entries => string.Join(',', entries)).Null(0.3));
        }

        var members = properties.Count == 0
            ? Gen.Const(System.Array.Empty<string?>())
            : properties.Aggregate(Gen.Const(System.Array.Empty<string?>()), (all, next) => Gen.Select(all, next, (a, b) => (string?[])[.. a, b]));
        var valid = members.Select(m => "{" + string.Join(',', m.Where(x => !string.IsNullOrEmpty(x))) + "}");
        if (percentHostile == 0)
        {
            return valid;
        }

        return Gen.Frequency<string>(
            (100 - percentHostile, valid),
            (percentHostile, Gen.Select(members, Gen.Int, Gen.OneOf("__proto__", "$where", "constructor", "Id", "organisationId", "unknown", "", "a\0b"), Hostile.JsonValue,
                (m, which, extraName, extraValue) => Mutate(m, which, extraName, extraValue))));
    }

    /// <summary>Drops a member, adds an unknown one, or repeats one (the last of a duplicate wins in some parsers, the first in others).</summary>
    private static string Mutate(string?[] members, int which, string extraName, string extraValue)
    {
        var present = members.Where(m => !string.IsNullOrEmpty(m)).Cast<string>().ToList();
        var index = present.Count == 0 ? 0 : (int)((uint)which % present.Count);
        switch ((uint)which % 3)
        {
            case 0 when present.Count > 0:
                present.RemoveAt(index);
                break;
            case 1 when present.Count > 0:
                present.Add(present[index]);
                break;
            default:
                present.Add($"{Hostile.Quote(extraName)}:{extraValue}");
                break;
        }

        return "{" + string.Join(',', present) + "}";
    }

    private Gen<string> IdOf(Actor owner, string? hint) =>
        Gen.Int.Select(i => world.IdsOf(owner, hint) is { Count: > 0 } ids ? ids[(int)((uint)i % ids.Count)].ToString() : Guid.Empty.ToString());

    /// <summary>"defendantIds" → "defendant", "transferredToDpaId" → "dpa": the kind of resource a reference names.</summary>
    public static string? IdHint(string? name)
    {
        if (name is null)
        {
            return null;
        }

        var stem = name.EndsWith("Ids", StringComparison.Ordinal) ? name[..^3] : name.EndsWith("Id", StringComparison.Ordinal) ? name[..^2] : name;
        var lastWord = stem.Length - 1;
        while (lastWord > 0 && !char.IsUpper(stem[lastWord]))
        {
            lastWord--;
        }

        return stem[lastWord..].ToLowerInvariant();
    }

    // Swashbuckle writes OpenAPI's `example`, which Microsoft.OpenApi 2.x reads only into this deprecated property.
#pragma warning disable CS0618
    private static string? Example(IOpenApiSchema? schema) => schema?.Example is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
#pragma warning restore CS0618

    /// <summary>The documented example with its numbers pushed to the edges: P14D becomes P0D, P-1D or P99999999D.</summary>
    private static Gen<string> Stretched(string example) =>
        Gen.OneOf("0", "-1", "99999999", "2147483648", "1.5").Select(number => System.Text.RegularExpressions.Regex.Replace(example, "[0-9]+", number));

    private static string Base64Url(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string ForgeCursor(string cursor, int field, string value)
    {
        try
        {
            var base64 = cursor.Replace('-', '+').Replace('_', '/');
            var json = JsonNode.Parse(Convert.FromBase64String(base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=')))!.AsObject();
            var name = json.ElementAt((int)((uint)field % json.Count)).Key;
            var text = json.ToJsonString();
            var start = text.IndexOf($"\"{name}\":", StringComparison.Ordinal) + name.Length + 3;
            var end = text.IndexOf(',', start) is var comma and >= 0 ? comma : text.Length - 1;
            return Base64Url(text[..start] + value + text[end..]);
        }
        catch (Exception e) when (e is FormatException or System.Text.Json.JsonException or InvalidOperationException)
        {
            return cursor;
        }
    }
}
