using System.Text;

namespace CaseApi.Tests.Fuzzing;

public sealed record FuzzBody(string? ContentType, byte[] Bytes);

/// <summary>One generated request, kept as data so that a failure can print exactly what was sent.</summary>
public sealed record FuzzRequest(
    ContractOperation Operation,
    Credential Credential,
    string Path,
    IReadOnlyList<(string Name, string Value)> Query,
    IReadOnlyList<(string Name, string Value)> Headers,
    FuzzBody? Body)
{
    public string PathAndQuery => Query.Count == 0 ? Path : Path + "?" + string.Join('&', Query.Select(q => $"{q.Name}={Uri.EscapeDataString(q.Value)}"));

    /// <summary>Everything the client said, to tell an echo of its own input from a leak (ids and markers are never escaped).</summary>
    public string Text => string.Join('\n', [
        Uri.UnescapeDataString(Path), .. Query.Select(q => q.Value), .. Headers.Select(h => h.Value), Body is null ? "" : Encoding.UTF8.GetString(Body.Bytes)]);

    public HttpRequestMessage ToMessage()
    {
        var message = new HttpRequestMessage(new HttpMethod(Operation.Method), new Uri(PathAndQuery, UriKind.Relative));
        if (Credential.Header is not null)
        {
            message.Headers.TryAddWithoutValidation("Authorization", Credential.Header);
        }

        foreach (var (name, value) in Headers)
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }

        if (Body is not null)
        {
            message.Content = new ByteArrayContent(Body.Bytes);
            if (Body.ContentType is not null)
            {
                message.Content.Headers.TryAddWithoutValidation("Content-Type", Body.ContentType);
            }
        }

        return message;
    }

    public override string ToString()
    {
        var text = new StringBuilder($"{Operation.Method} {Truncate(PathAndQuery, 2_000)}\n  credential: {Credential.Name}\n");
        foreach (var (name, value) in Headers)
        {
            text.Append($"  {name}: {Truncate(value, 300)}\n");
        }

        if (Body is not null)
        {
            text.Append($"  Content-Type: {Body.ContentType ?? "(none)"}\n  body ({Body.Bytes.Length:N0} bytes): {Truncate(Encoding.UTF8.GetString(Body.Bytes), 2_000)}\n");
        }

        return text.ToString();
    }

    public static string Truncate(string text, int max) => text.Length <= max ? text : $"{text[..max]}… ({text.Length:N0} characters)";
}
