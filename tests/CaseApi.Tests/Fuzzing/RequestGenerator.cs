using System.Text;
using System.Text.RegularExpressions;
using CsCheck;
using Microsoft.OpenApi;

namespace CaseApi.Tests.Fuzzing;

/// <summary>Builds, from one operation of the contract, a CsCheck generator of whole requests: key, path, query, headers and body.</summary>
public sealed partial class RequestGenerator(FuzzWorld world)
{
    private const string Boundary = "fuzz-boundary";

    private readonly SchemaValues values = new(world);

    public Gen<FuzzRequest> For(ContractOperation operation)
    {
        // Every credential of the operation's kind (API keys, or feed tokens in the query), and sometimes one of the other kind.
        var credential = Gen.Frequency<Credential>(world.Credentials
            .Select(c => ((c.Token is not null) == (operation.QueryToken is not null) ? c.Actor == Actor.A ? 30 : c.Actor == Actor.B ? 10 : 2 : 1, (IGen<Credential>)Gen.Const(c)))
            .ToArray());
        return Gen.Select(credential, Path(operation), Parameters(operation, ParameterLocation.Query), Parameters(operation, ParameterLocation.Header), Body(operation),
            (key, path, query, headers, body) => new FuzzRequest(operation, key with { Actor = Authenticates(operation, key) }, path,
                key.Token is null ? query : [(operation.QueryToken ?? "token", key.Token), .. query], headers, body));
    }

    /// <summary>A feed token opens only feeds, an API key only the rest.</summary>
    private static Actor Authenticates(ContractOperation operation, Credential credential) =>
        (credential.Token is not null) == (operation.QueryToken is not null) ? credential.Actor : Actor.Nobody;

    private Gen<string> Path(ContractOperation operation)
    {
        var segments = operation.PathTemplate.Split('/');
        var parts = segments.Select((segment, i) => PathParameter().Match(segment) is { Success: true } match
            ? PathValue(match.Groups["name"].Value == "id" ? segments[i - 1] : SchemaValues.IdHint(match.Groups["name"].Value))
            : Gen.Const(segment));
        return parts.Aggregate(Gen.Const(""), (path, part) => Gen.Select(path, part, (p, s) => p.Length == 0 && s.Length == 0 ? "" : $"{p}/{s}")).Select(p => p.TrimEnd('/') is { Length: > 0 } t ? t : "/");
    }

    // A path that decodes to NUL never reaches the app: Kestrel refuses it with a bare 400, the in-memory server throws.
    private Gen<string> PathValue(string? hint) => values.Id(hint)
        .Select(value => SafeInPath().IsMatch(value) ? value : Uri.EscapeDataString(value))
        .Select(segment => Uri.UnescapeDataString(segment).Contains('\0') ? segment.Replace("%00", "%2500") : segment);

    private Gen<IReadOnlyList<(string, string)>> Parameters(ContractOperation operation, ParameterLocation location)
    {
        var parameters = operation.In(location).ToArray();
        var each = parameters.Select(p =>
        {
            var name = p.Name!;
            Gen<(string, string)[]> present = p.Schema?.Type?.HasFlag(JsonSchemaType.Array) == true
                ? values.Plain(p.Schema.Items, name, operation.PathTemplate).Array[1, 3].Select(items => items.Select(item => (name, item)).ToArray())
                : Gen.Frequency<(string, string)[]>(
                    (20, values.Plain(p.Schema, name, operation.PathTemplate, p.Example).Select(v => new[] { (name, v) })),
                    (1, Gen.Select(values.Plain(p.Schema, name, operation.PathTemplate), values.Plain(p.Schema, name, operation.PathTemplate), (v1, v2) => new[] { (name, v1), (name, v2) })));
            return Gen.Frequency<(string, string)[]>((p.Required ? 19 : 1, present), (1, Gen.Const(System.Array.Empty<(string, string)>())));
        });
        return each.Aggregate(Gen.Const<IReadOnlyList<(string, string)>>([]), (all, next) => Gen.Select(all, next, (a, b) => (IReadOnlyList<(string, string)>)[.. a, .. b]));
    }

    private Gen<FuzzBody?> Body(ContractOperation operation)
    {
        if (operation.BodySchema is not { } schema)
        {
            // No body expected: sometimes send one anyway.
            return Gen.Frequency<FuzzBody?>((9, Gen.Const((FuzzBody?)null)), (1, Hostile.NotAnObject.Select(bytes => (FuzzBody?)new FuzzBody("application/json", bytes))));
        }

        var isMultipart = operation.BodyMediaType == "multipart/form-data";
        var content = isMultipart ? Multipart(schema) : Gen.Frequency<byte[]>(
            (2, values.Json(schema, null, 0).Select(Encoding.UTF8.GetBytes)),
            (7, Gen.Int[1, 40].SelectMany(percent => values.Json(schema, null, percent)).Select(Encoding.UTF8.GetBytes)),
            (1, Gen.Const(Encoding.UTF8.GetBytes("{\"x\":\"" + new string('x', 1024 * 1024) + "\"}"))));
        var ownType = isMultipart ? $"multipart/form-data; boundary={Boundary}" : operation.BodyMediaType;
        return Gen.Frequency<FuzzBody?>(
            (16, content.Select(bytes => (FuzzBody?)new FuzzBody(ownType, bytes))),
            (2, Hostile.NotAnObject.Select(bytes => (FuzzBody?)new FuzzBody(ownType, bytes))),
            (1, Gen.Select(Hostile.ContentType, content, (type, bytes) => (FuzzBody?)new FuzzBody(type, bytes))),
            (1, content.Select(bytes => (FuzzBody?)new FuzzBody(null, bytes))),
            (1, Gen.Const((FuzzBody?)null)));
    }

    /// <summary>A form with the schema's fields; files get names and bytes that lie about each other.</summary>
    private Gen<byte[]> Multipart(IOpenApiSchema schema)
    {
        var fileNames = Gen.Frequency<string>((3, Gen.OneOf("notes.pdf", "letter.txt", "scan.png", "reply.docx")), (2, Hostile.Text), (1, Gen.OneOf("../../etc/passwd", "a\"b.pdf", "a\r\nContent-Type: text/html.pdf", "", ".pdf", "x.pdf.exe")));
        var fileBytes = Gen.Frequency<byte[]>(
            (3, Gen.OneOf("%PDF-1.7\n%âãÏÓ\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n", "Plain text.\n", "MZ\u0090\0executable", "PK\u0003\u0004zip", "").Select(Encoding.Latin1.GetBytes)),
            (1, Gen.Byte.Array[0, 256]));
        var part = Gen.Select(Gen.OneOf((schema.Properties ?? new Dictionary<string, IOpenApiSchema>()).Keys.Append("other").ToArray()), fileNames, fileBytes,
            Gen.OneOf("application/pdf", "text/plain", "image/png", "application/octet-stream", "text/html", ""),
            (name, fileName, bytes, type) => (byte[])[
                .. Encoding.UTF8.GetBytes($"--{Boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{fileName}\"\r\n"
                    + (type.Length > 0 ? $"Content-Type: {type}\r\n" : "") + "\r\n"),
                .. bytes,
                .. "\r\n"u8]);
        return Gen.Frequency<byte[]>(
            (9, part.Array[0, 2].Select(parts => (byte[])[.. parts.SelectMany(p => p), .. Encoding.UTF8.GetBytes($"--{Boundary}--\r\n")])),
            (1, part.Select(p => p)));
    }

    [GeneratedRegex("^{(?<name>[^}]+)}$")]
    private static partial Regex PathParameter();

    [GeneratedRegex("^[A-Za-z0-9._~%-]+$")]
    private static partial Regex SafeInPath();
}
