using CaseApi.Infrastructure.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.Swagger;

namespace CaseApi.Tests.Infrastructure;

public sealed class OpenApiContractTests(CaseApiFactory api) : IClassFixture<CaseApiFactory>
{
    private static readonly string CommittedFile = RepositoryRoot.File("openapi.yaml");

    [Fact]
    public async Task The_committed_openapi_yaml_matches_the_code()
    {
        var generated = await GeneratedYamlAsync();
        if (Environment.GetEnvironmentVariable("UPDATE_OPENAPI") == "1")
        {
            await File.WriteAllTextAsync(CommittedFile, generated);
        }

        var committed = File.Exists(CommittedFile) ? await File.ReadAllTextAsync(CommittedFile) : "";
        Assert.True(committed == generated,
            "openapi.yaml differs from what the code describes. If the change is intended, regenerate it: UPDATE_OPENAPI=1 dotnet test --filter OpenApiContractTests");
    }

    [Fact]
    public async Task Swagger_UI_serves_the_same_document_as_openapi_yaml()
    {
        using var client = api.ClientFor(null);
        await using var served = await client.GetStreamAsync($"/swagger/{SwaggerSetup.DocumentName}/swagger.json");
        var read = await OpenApiDocument.LoadAsync(served, "json");
        Assert.NotNull(read.Document);

        var servedAsYaml = await read.Document.SerializeAsYamlAsync(OpenApiSpecVersion.OpenApi3_1);

        Assert.Equal(await GeneratedYamlAsync(), servedAsYaml);
    }

    [Fact]
    public void Every_operation_has_a_summary_a_description_an_id_and_documents_its_errors()
    {
        var document = api.Services.GetRequiredService<ISwaggerProvider>().GetSwagger(SwaggerSetup.DocumentName);

        foreach (var (path, item) in document.Paths)
        {
            foreach (var (method, operation) in item.Operations ?? [])
            {
                var name = $"{method} {path}";
                Assert.False(string.IsNullOrWhiteSpace(operation.Summary), $"{name} has no summary");
                Assert.False(string.IsNullOrWhiteSpace(operation.Description), $"{name} has no description");
                Assert.False(string.IsNullOrWhiteSpace(operation.OperationId), $"{name} has no operationId");
                Assert.True(operation.Responses?.ContainsKey("500"), $"{name} does not document its errors");
                Assert.True(path.StartsWith("/health", StringComparison.Ordinal) || operation.Responses!.ContainsKey("401"), $"{name} does not document 401");
            }
        }
    }

    private async Task<string> GeneratedYamlAsync()
    {
        var document = api.Services.GetRequiredService<ISwaggerProvider>().GetSwagger(SwaggerSetup.DocumentName);
        // Round-trip through JSON, exactly as Swagger UI receives it, so that both tests compare like with like.
        var json = await document.SerializeAsJsonAsync(OpenApiSpecVersion.OpenApi3_1);
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json));
        var read = await OpenApiDocument.LoadAsync(stream, "json");
        return (await read.Document!.SerializeAsYamlAsync(OpenApiSpecVersion.OpenApi3_1)).ReplaceLineEndings("\n");
    }
}
