namespace CaseApi.Tests.Features.Dpas;

public sealed class GetDpaTests(CaseApiFactory api) : IClassFixture<CaseApiFactory>
{
    [Fact]
    public async Task An_authority_is_found_by_its_id()
    {
        using var client = api.ClientFor((await api.CreateOrganisationAsync()).AdminKey);
        var listed = (await client.GetFromJsonAsync<JsonElement>("/v1/dpas?country=IE")).GetProperty("items")[0];

        var dpa = await client.GetFromJsonAsync<JsonElement>($"/v1/dpas/{listed.GetProperty("id").GetGuid()}");

        Assert.Equal(listed.ToString(), dpa.ToString());
        Assert.Equal("DPC", dpa.GetProperty("acronym").GetString());
        Assert.Equal("web_form", dpa.GetProperty("preferredChannel").GetString());
    }

    [Fact]
    public async Task An_unknown_id_gets_404_problem()
    {
        using var client = api.ClientFor((await api.CreateOrganisationAsync()).AdminKey);

        await ProblemAssert.IsProblemAsync(await client.GetAsync($"/v1/dpas/{Guid.NewGuid()}"), HttpStatusCode.NotFound, "not_found");
    }
}
