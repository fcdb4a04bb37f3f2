using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using CaseApi.Features.Events;
using CaseApi.Tests.Support.Contract;

namespace CaseApi.Tests.Infrastructure;

/// <summary>
/// Every test client checks each response against openapi.yaml (<see cref="ContractCheckingHandler"/>); these tests show
/// that the check finds what it should, so that a suite full of passing calls means something.
/// </summary>
public sealed class ResponseContractTests(CaseApiFactory api) : IClassFixture<CaseApiFactory>
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    [Fact]
    public async Task A_real_case_conforms_and_each_way_of_breaking_it_is_reported()
    {
        var organisation = await api.CreateOrganisationAsync();
        using var client = api.ClientFor(organisation.AdminKey);
        var created = await client.CaseAsync();
        var path = $"/v1/cases/{created.Id()}";
        var body = JsonNode.Parse(await client.GetStringAsync(path))!.AsObject();
        var contract = OpenApiContract.Instance;

        Assert.Empty(contract.Check(HttpMethod.Get, path, 200, Json, Bytes(body)));
        Assert.Contains(contract.Check(HttpMethod.Get, path, 418, Json, Bytes(body)), v => v.Contains("418 is not documented"));
        Assert.Contains(contract.Check(HttpMethod.Get, path, 200, new MediaTypeHeaderValue("text/html"), Bytes(body)), v => v.Contains("text/html"));
        Assert.NotEmpty(contract.Check(HttpMethod.Get, path, 200, Json, Bytes(With(body, "undocumentedField", 1))));
        Assert.NotEmpty(contract.Check(HttpMethod.Get, path, 200, Json, Bytes(With(body, "title", 42))));
        Assert.NotEmpty(contract.Check(HttpMethod.Get, path, 200, Json, Bytes(With(body, "title", null))));
        Assert.NotEmpty(contract.Check(HttpMethod.Get, path, 200, Json, Bytes(With(body, "id", "not-a-uuid"))));
        Assert.NotEmpty(contract.Check(HttpMethod.Get, path, 200, Json, Bytes(With(body, "status", "lost"))));
        Assert.NotEmpty(contract.Check(HttpMethod.Get, path, 200, Json, Bytes(Without(body, "reference"))));
        Assert.NotEmpty(contract.Check(HttpMethod.Get, path, 200, Json, "{not json"u8.ToArray()));
    }

    [Fact]
    public void A_problem_without_its_code_or_trace_id_is_reported()
    {
        var problem = new JsonObject
        {
            ["type"] = "urn:caseapi:problem:not_found", ["title"] = "No such resource.", ["status"] = 404, ["detail"] = "No case.",
            ["code"] = "not_found", ["traceId"] = "0af7651916cd43dd8448eb211c80319c",
        };
        var path = $"/v1/cases/{Guid.NewGuid()}";
        var problemJson = new MediaTypeHeaderValue("application/problem+json");

        Assert.Empty(OpenApiContract.Instance.Check(HttpMethod.Get, path, 404, problemJson, Bytes(problem)));
        Assert.NotEmpty(OpenApiContract.Instance.Check(HttpMethod.Get, path, 404, problemJson, Bytes(Without(problem, "code"))));
        Assert.NotEmpty(OpenApiContract.Instance.Check(HttpMethod.Get, path, 404, problemJson, Bytes(Without(problem, "traceId"))));
    }

    [Fact]
    public void The_most_specific_path_template_names_the_operation()
    {
        Assert.Equal("GET /v1/deadlines/overview", OpenApiContract.Instance.OperationOf(HttpMethod.Get, "/v1/deadlines/overview"));
        Assert.Equal("GET /v1/deadlines/{id}", OpenApiContract.Instance.OperationOf(HttpMethod.Get, $"/v1/deadlines/{Guid.NewGuid()}"));
        Assert.Null(OpenApiContract.Instance.OperationOf(HttpMethod.Get, "/v1/no-such-thing"));
    }

    [Fact]
    public void The_webhooks_section_documents_every_event_type_and_rejects_a_payload_without_its_resource()
    {
        foreach (var type in EventTypes.All)
        {
            var payload = $$"""{"id":"{{Guid.NewGuid()}}","type":"{{type.Name}}","timestamp":"2025-05-14T22:00:00Z","data":"not the resource"}""";
            Assert.NotEmpty(OpenApiContract.Instance.CheckWebhook(type.Name, payload));
        }

        Assert.Contains(OpenApiContract.Instance.CheckWebhook("letter.lost", "{}"), v => v.Contains("does not document"));
    }

    private static byte[] Bytes(JsonNode node) => System.Text.Encoding.UTF8.GetBytes(node.ToJsonString());

    private static JsonObject With(JsonObject body, string field, JsonNode? value)
    {
        var copy = body.DeepClone().AsObject();
        copy[field] = value;
        return copy;
    }

    private static JsonObject Without(JsonObject body, string field)
    {
        var copy = body.DeepClone().AsObject();
        copy.Remove(field);
        return copy;
    }
}
