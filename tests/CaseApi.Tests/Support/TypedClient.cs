using System.Text.Json.Nodes;
using CaseApi.Infrastructure.Json;

namespace CaseApi.Tests.Support;

/// <summary>
/// Responses read into the API's own DTOs with the API's own JSON rules (<see cref="JsonSetup.Api"/>), so that a test
/// reads like the API and a renamed DTO field breaks the build of every test that asserts it. Each response has already
/// passed the client's <see cref="Contract.ContractCheckingHandler"/>, so it matched <c>openapi.yaml</c> before it is
/// read here. Tests of the JSON itself (a field left out on purpose, its exact name, problem+json bodies) read
/// <see cref="JsonElement"/>.
/// </summary>
public static class TypedClient
{
    /// <summary>The body as a <typeparamref name="T"/>, once the response has the status.</summary>
    public static async Task<T> ReadAsync<T>(this HttpResponseMessage response, HttpStatusCode status = HttpStatusCode.OK)
    {
        var text = await response.Content.ReadAsStringAsync();
        var request = $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery}";
        Assert.True(response.StatusCode == status, $"{request}: expected {(int)status}, got {(int)response.StatusCode} {text}");
        return Read<T>(JsonNode.Parse(text), request);
    }

    public static async Task<T> ReadAsync<T>(this Task<HttpResponseMessage> response, HttpStatusCode status = HttpStatusCode.OK) =>
        await (await response).ReadAsync<T>(status);

    public static async Task<T> GetAsync<T>(this HttpClient client, string path) => await (await client.GetAsync(path)).ReadAsync<T>();

    /// <summary>The items of the first page of a list.</summary>
    public static async Task<IReadOnlyList<T>> ItemsAsync<T>(this HttpClient client, string path) => (await client.GetAsync<Page<T>>(path)).Items;

    /// <summary>A resource a test holds as JSON (an event's payload, a list item), read as the DTO it is.</summary>
    public static T As<T>(this JsonElement json) => Read<T>(JsonSerializer.SerializeToNode(json), "JSON");

    /// <summary>
    /// A read that loses nothing: the DTO, written back with the same rules, must be the body again. A field the DTO does
    /// not know, a field left out (which would read as null or 0), or a computed property the body disagrees with
    /// (<c>DefendantDto.LeadAuthorityNote</c>) fails the read, so that an assertion on the DTO asserts what the body said.
    /// </summary>
    private static T Read<T>(JsonNode? body, string what)
    {
        var read = body.Deserialize<T>(JsonSetup.Api)!;
        var written = JsonSerializer.SerializeToNode(read, JsonSetup.Api);
        return JsonNode.DeepEquals(body, written)
            ? read
            : throw new JsonException($"{what}: the body does not read back as {typeof(T).Name}.\nBody:         {body?.ToJsonString()}\nWritten back: {written?.ToJsonString()}");
    }
}
