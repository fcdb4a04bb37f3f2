using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CaseApi.Infrastructure.Json;
using Microsoft.AspNetCore.Mvc.ApiExplorer;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.Extensions.DependencyInjection;

namespace CaseApi.Tests.Infrastructure;

/// <summary>Every list a client can ask for or send is bounded, so that no single request makes the API read or write without end.</summary>
public sealed class InputLimitTests(CaseApiFactory api) : IClassFixture<CaseApiFactory>
{
    [Fact]
    public async Task Every_list_refuses_a_page_size_outside_1_to_200_naming_limit()
    {
        var organisation = await api.CreateOrganisationAsync();
        using var admin = api.ClientFor(organisation.AdminKey);
        var lists = api.Services.GetRequiredService<IApiDescriptionGroupCollectionProvider>().ApiDescriptionGroups.Items
            .SelectMany(group => group.Items)
            .Where(description => description.ParameterDescriptions.Any(p => p.Name == "limit" && p.Source == BindingSource.Query))
            .Select(description => "/" + Regex.Replace(description.RelativePath!, "{[^}]+}", Guid.NewGuid().ToString()).TrimEnd('/'))
            .ToArray();
        Assert.Contains("/v1/cases", lists);
        Assert.True(lists.Length >= 10, $"only {lists.Length} lists found: {string.Join(", ", lists)}");

        foreach (var list in lists)
        {
            foreach (var limit in new[] { 0, Cursor.MaxLimit + 1 })
            {
                var response = await admin.GetAsync($"{list}?limit={limit}");
                Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{list}?limit={limit} answered {(int)response.StatusCode}");
                await ProblemAssert.NamesInvalidFieldAsync(response, "limit");
            }
        }

        Assert.Equal(200, Cursor.MaxLimit);
    }

    public static TheoryData<string, string, string, int> ListFields => new()
    {
        { "POST", "/v1/defendants", "otherNames", 50 },
        { "PATCH", "/v1/defendants/{id}", "otherNames", 50 },
        { "POST", "/v1/cases", "legalBases", 50 },
        { "POST", "/v1/cases", "tags", 50 },
        { "POST", "/v1/cases", "defendantIds", 100 },
        { "PATCH", "/v1/cases/{id}", "legalBases", 50 },
        { "PATCH", "/v1/cases/{id}", "tags", 50 },
        { "PATCH", "/v1/cases/{id}", "defendantIds", 100 },
        { "POST", "/v1/cases/{id}/complaints", "provisions", 50 },
        { "POST", "/v1/cases/{id}/complaints", "complainants", 1000 },
        { "POST", "/v1/webhooks", "eventTypes", 50 },
        { "PATCH", "/v1/webhooks/{id}", "eventTypes", 50 },
    };

    [Theory]
    [MemberData(nameof(ListFields))]
    public async Task A_list_in_a_body_longer_than_its_maximum_gets_400_naming_only_that_field(string method, string route, string field, int maximum)
    {
        var organisation = await api.CreateOrganisationAsync();
        using var admin = api.ClientFor(organisation.AdminKey);
        // Valid apart from the one list, whose entries are each valid too: only the count can be refused.
        var body = (JsonObject)JsonNode.Parse(route switch
        {
            "/v1/defendants" => """{ "legalName": "Meta Platforms Ireland Limited" }""",
            "/v1/cases" => """{ "reference": "LIMIT-1", "title": "Limits" }""",
            "/v1/cases/{id}/complaints" => $$"""{ "defendantId": "{{Guid.NewGuid()}}", "dpaId": "{{Guid.NewGuid()}}", "onBehalfOf": "complainants", "mandateDocument": "Mandate.pdf", "complainants": [{ "name": "A" }] }""",
            "/v1/webhooks" => """{ "url": "https://example.org/hook" }""",
            _ => "{}",
        })!;
        body[field] = new JsonArray(Enumerable.Range(0, maximum + 1).Select(i => Entry(field, i)).ToArray());
        using var request = new HttpRequestMessage(new HttpMethod(method), route.Replace("{id}", Guid.NewGuid().ToString(), StringComparison.Ordinal))
        {
            Content = JsonContent.Create(body),
        };
        request.Headers.IfMatch.Add(new("\"1\""));

        var response = await admin.SendAsync(request);

        var problem = await ProblemAssert.NamesInvalidFieldAsync(response, field);
        Assert.Equal([field], problem.GetProperty("errors").EnumerateObject().Select(error => error.Name));
    }

    [Fact]
    public async Task The_change_feed_takes_no_more_event_types_than_there_are()
    {
        var organisation = await api.CreateOrganisationAsync();
        using var admin = api.ClientFor(organisation.AdminKey);

        var response = await admin.GetAsync($"/v1/events?types={string.Join(',', Enumerable.Repeat("case.created", CaseApi.Features.Events.EventTypes.All.Count + 1))}");

        await ProblemAssert.NamesInvalidFieldAsync(response, "types");
    }

    private static JsonNode Entry(string field, int i) => field switch
    {
        "defendantIds" => JsonValue.Create(Guid.NewGuid()),
        "complainants" => new JsonObject { ["name"] = $"Complainant {i}" },
        "eventTypes" => JsonValue.Create("case.created"),
        _ => JsonValue.Create($"entry {i}"),
    };
}
