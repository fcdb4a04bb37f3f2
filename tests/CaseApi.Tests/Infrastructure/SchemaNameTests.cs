using System.Text.RegularExpressions;
using CaseApi.Infrastructure.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.Swagger;

namespace CaseApi.Tests.Infrastructure;

/// <summary>Issue 14 point 7: schema names are what a generated SDK calls its classes, so they are the API's words.</summary>
public sealed partial class SchemaNameTests(CaseApiFactory api) : IClassFixture<CaseApiFactory>
{
    private OpenApiDocument Document => api.Services.GetRequiredService<ISwaggerProvider>().GetSwagger(SwaggerSetup.DocumentName);

    [Fact]
    public void No_schema_is_named_after_the_class_behind_it()
    {
        var classNames = Document.Components!.Schemas!.Keys.Where(name => !ResourceName().IsMatch(name)).ToList();

        Assert.True(classNames.Count == 0, $"Schemas named after classes, not resources: {string.Join(", ", classNames)}. Name them in SchemaNames.Listed.");
    }

    [Fact]
    public void Schema_names_differ_even_where_case_does_not_count()
    {
        // A generator writes a file per schema: Case.cs and case.cs are one file on Windows and macOS.
        var clashes = Document.Components!.Schemas!.Keys.GroupBy(name => name, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => g.Key);

        Assert.Empty(clashes);
        Assert.Equal(SchemaNames.Listed.Count, SchemaNames.Listed.Values.Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    [Fact]
    public void Every_listed_name_is_used_in_the_document()
    {
        var names = Document.Components!.Schemas!.Keys.ToHashSet();

        Assert.Empty(SchemaNames.Listed.Where(entry => !names.Contains(entry.Value)).Select(entry => $"{entry.Key} → {entry.Value}"));
    }

    [Theory]
    [InlineData("POST", "/v1/cases", "NewCase", "Case")]
    [InlineData("PATCH", "/v1/cases/{id}", "CaseChanges", "Case")]
    [InlineData("GET", "/v1/cases", null, "CasePage")]
    [InlineData("POST", "/v1/cases/{caseId}/letters", "NewLetter", "Letter")]
    [InlineData("POST", "/v1/complaints/{id}/transitions", "ComplaintTransition", "Complaint")]
    [InlineData("POST", "/v1/api-keys", "NewApiKey", "ApiKeyWithSecret")]
    [InlineData("GET", "/v1/events", null, "EventPage")]
    public void Bodies_and_responses_carry_resource_names(string method, string path, string? body, string response)
    {
        var operation = Document.Paths[path]!.Operations![HttpMethod.Parse(method)];

        Assert.Equal(body, (operation.RequestBody?.Content?["application/json"].Schema as OpenApiSchemaReference)?.Reference.Id);
        var success = operation.Responses!.First(r => r.Key.StartsWith('2')).Value;
        Assert.Equal(response, (success.Content!["application/json"].Schema as OpenApiSchemaReference)?.Reference.Id);
    }

    [Fact]
    public void Webhook_bodies_are_named_for_the_resource_they_carry()
    {
        Assert.Contains("LetterWebhookPayload", Document.Components!.Schemas!.Keys);
    }

    /// <summary>PascalCase, and none of the words that only a class name has.</summary>
    [GeneratedRegex("^(?!.*(Dto|Row|Command|Query|Body|Result)$)(?!.*Of[A-Z])(?!Http)[A-Z][A-Za-z0-9]*$")]
    private static partial Regex ResourceName();
}
