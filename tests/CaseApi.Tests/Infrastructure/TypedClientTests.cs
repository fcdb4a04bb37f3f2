using System.Text.Json.Nodes;
using CaseApi.Features.Cases;
using CaseApi.Infrastructure.Json;

namespace CaseApi.Tests.Infrastructure;

/// <summary>A test that reads a DTO asserts no less than one that read the JSON: the typed read refuses a body it would not write back.</summary>
public sealed class TypedClientTests
{
    private static readonly CaseDto Case = new()
    {
        Id = Guid.CreateVersion7(), Reference = "VZ-2025-0142", MailToken = "3f9c2a7e5b1d08c46a92", Title = "Meta", LegalBases = [], Tags = [], DefendantIds = [],
        OpenedOn = new DateOnly(2025, 4, 30), Version = 1,
    };

    private static JsonObject Written() => JsonSerializer.SerializeToNode(Case, JsonSetup.Api)!.AsObject();

    [Fact]
    public void A_DTO_reads_back_as_the_API_wrote_it()
    {
        var read = Written().Deserialize<JsonElement>().As<CaseDto>();

        Assert.True(JsonNode.DeepEquals(Written(), JsonSerializer.SerializeToNode(read, JsonSetup.Api)));
    }

    [Theory]
    [InlineData("summary")] // null, and left out
    [InlineData("openDeadlineCount")] // 0, the default, and left out
    public void A_field_left_out_fails_the_read(string field)
    {
        var json = Written();
        json.Remove(field);

        Assert.ThrowsAny<JsonException>(() => json.Deserialize<JsonElement>().As<CaseDto>());
    }

    [Fact]
    public void A_field_the_DTO_does_not_know_fails_the_read()
    {
        var json = Written();
        json["titel"] = "Meta";

        Assert.ThrowsAny<JsonException>(() => json.Deserialize<JsonElement>().As<CaseDto>());
    }

    [Fact]
    public void A_field_the_API_leaves_out_when_null_may_be_missing()
    {
        Assert.DoesNotContain("defendants", Written().Select(p => p.Key));
        Assert.Null(Written().Deserialize<JsonElement>().As<CaseDto>().Defendants);
    }

    [Fact]
    public void A_computed_field_the_body_disagrees_with_fails_the_read()
    {
        var json = JsonSerializer.SerializeToNode(new CaseApi.Features.Defendants.DefendantDto { LegalName = "Example Ltd", OtherNames = [], MainEstablishmentCountry = "GB" }, JsonSetup.Api)!;
        json["leadAuthorityNote"] = null;

        Assert.ThrowsAny<JsonException>(() => json.Deserialize<JsonElement>().As<CaseApi.Features.Defendants.DefendantDto>());
    }
}
