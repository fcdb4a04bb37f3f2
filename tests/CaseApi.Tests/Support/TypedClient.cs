using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using CaseApi.Infrastructure.Json;

namespace CaseApi.Tests.Support;

/// <summary>
/// Responses read into the API's own DTOs with the API's own JSON rules (<see cref="JsonSetup.Api"/>), so that a test
/// reads like the API and a renamed DTO field breaks the build of every test that asserts it. The read is strict: a
/// field the DTO does not know, a null where it holds a value, or a field left out (<see cref="EveryFieldPresent"/>)
/// fails it. Each response has already passed the client's <see cref="Contract.ContractCheckingHandler"/>, so it
/// matched <c>openapi.yaml</c> before it was read here. Tests of the JSON itself (a field left out on purpose, its exact
/// name, problem+json bodies) read <see cref="JsonElement"/>.
/// </summary>
public static class TypedClient
{
    private static readonly JsonSerializerOptions Options = new(JsonSetup.Api)
    {
        TypeInfoResolver = (JsonSetup.Api.TypeInfoResolver ?? new DefaultJsonTypeInfoResolver()).WithAddedModifier(EveryFieldPresent),
    };

    /// <summary>The body as a <typeparamref name="T"/>, once the response has the status.</summary>
    public static async Task<T> ReadAsync<T>(this HttpResponseMessage response, HttpStatusCode status = HttpStatusCode.OK)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status,
            $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery}: expected {(int)status}, got {(int)response.StatusCode} {text}");
        return JsonSerializer.Deserialize<T>(text, Options)!;
    }

    public static async Task<T> ReadAsync<T>(this Task<HttpResponseMessage> response, HttpStatusCode status = HttpStatusCode.OK) =>
        await (await response).ReadAsync<T>(status);

    public static async Task<T> GetAsync<T>(this HttpClient client, string path) => await (await client.GetAsync(path)).ReadAsync<T>();

    /// <summary>The items of the first page of a list.</summary>
    public static async Task<IReadOnlyList<T>> ItemsAsync<T>(this HttpClient client, string path) => (await client.GetAsync<Page<T>>(path)).Items;

    public static async Task<T> PostAsync<T>(this HttpClient client, string path, object body) =>
        await (await client.PostAsJsonAsync(path, body)).ReadAsync<T>();

    /// <summary>A resource a test holds as JSON (an event's payload, a list item), read as the DTO it is.</summary>
    public static T As<T>(this JsonElement json) => json.Deserialize<T>(Options)!;

    /// <summary>
    /// The API writes every field of a DTO, null or not, except those it leaves out on purpose (<c>WhenWritingNull</c>).
    /// Reading a field that was left out as null or as its default would pass a test that asserted it present before.
    /// </summary>
    private static void EveryFieldPresent(JsonTypeInfo type)
    {
        if (type.Kind != JsonTypeInfoKind.Object)
        {
            return;
        }

        // A computed property (no setter) is written but never read back.
        foreach (var property in type.Properties.Where(p => p.Set is not null))
        {
            property.IsRequired |= property.AttributeProvider?.GetCustomAttributes(typeof(JsonIgnoreAttribute), true)
                .Cast<JsonIgnoreAttribute>().All(ignore => ignore.Condition != JsonIgnoreCondition.WhenWritingNull) ?? true;
        }
    }
}
