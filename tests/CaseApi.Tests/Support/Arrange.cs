using System.Net.Http.Headers;
using CaseApi.Features.Demo;

namespace CaseApi.Tests.Support;

/// <summary>Small seed helpers that go through the API, as a client would.</summary>
public static class Arrange
{
    public static Task<JsonElement> CreatedAsync(this HttpClient client, string path, object body, string? idempotencyKey = null) =>
        client.CreatedAsync<JsonElement>(path, body, idempotencyKey);

    public static async Task<T> CreatedAsync<T>(this HttpClient client, string path, object body, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return await (await client.SendAsync(request)).ReadAsync<T>(HttpStatusCode.Created);
    }

    public static Task<JsonElement> DefendantAsync(this HttpClient client, string name = "Meta Platforms Ireland Limited", string? country = "IE") =>
        client.CreatedAsync("/v1/defendants", new { legalName = name, country, mainEstablishmentCountry = country });

    public static Task<JsonElement> CaseAsync(this HttpClient client, string? reference = null, params Guid[] defendantIds) =>
        client.CreatedAsync("/v1/cases", new
        {
            reference = reference ?? $"REF-{Guid.NewGuid():N}"[..16],
            title = "Meta: training AI on EU users' posts",
            summary = "Cease and desist before 27 May 2025.",
            defendantIds,
            tags = new[] { "ai-training" },
        });

    public static Task<JsonElement> ComplaintAsync(this HttpClient client, Guid caseId, Guid defendantId, string dpaCode = "ie-dpc", bool filed = false) =>
        client.CreatedAsync($"/v1/cases/{caseId}/complaints", new
        {
            defendantId,
            dpaId = DemoData.DpaId(dpaCode),
            onBehalfOf = "complainants",
            mandateDocument = "Mandate Jane Doe.pdf",
            filedOn = filed ? "2024-06-06" : null,
            complainants = new[] { new { name = "Jane Doe", email = "jane@example.org" } },
        });

    public static Guid Id(this JsonElement resource) => resource.GetProperty("id").GetGuid();

    /// <summary>Sends a change with <c>If-Match</c> set to the resource's version.</summary>
    public static Task<HttpResponseMessage> SendWithIfMatchAsync(this HttpClient client, HttpMethod method, string path, object body, int? version)
    {
        var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
        if (version is { } v)
        {
            request.Headers.IfMatch.Add(new EntityTagHeaderValue($"\"{v}\""));
        }

        return client.SendAsync(request);
    }
}
