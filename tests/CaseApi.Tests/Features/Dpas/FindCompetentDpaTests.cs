namespace CaseApi.Tests.Features.Dpas;

public sealed class FindCompetentDpaTests(CaseApiFactory api) : IClassFixture<CaseApiFactory>
{
    [Theory]
    [InlineData("country=DE&region=DE-BY&sector=private", "de-by-lda")]
    [InlineData("country=DE&region=DE-BY&sector=public", "de-by-lfd")]
    [InlineData("country=DE&region=DE-BY", "de-by-lda")]
    [InlineData("country=DE&region=DE-NW&sector=public", "de-nw-ldi")]
    [InlineData("country=DE&region=DE-NW", "de-nw-ldi")]
    [InlineData("country=IE", "ie-dpc")]
    [InlineData("country=IE&sector=public", "ie-dpc")]
    [InlineData("country=FR&region=FR-IDF", "fr-cnil")]
    [InlineData("country=GB", "gb-ico")]
    [InlineData("country=NO", "no-datatilsynet")]
    public async Task The_competent_authority_is_the_one_for_the_place_and_sector(string query, string code)
    {
        using var client = await ClientAsync();

        var dpa = await client.GetFromJsonAsync<JsonElement>($"/v1/dpas/competent?{query}");

        Assert.Equal(code, dpa.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Germany_without_a_region_gets_400_naming_region()
    {
        using var client = await ClientAsync();

        await ProblemAssert.NamesInvalidFieldAsync(await client.GetAsync("/v1/dpas/competent?country=DE"), "region");
    }

    [Theory]
    [InlineData("country=US")]
    [InlineData("country=DE&region=DE-XX")]
    public async Task A_place_without_an_authority_in_the_registry_gets_404_problem(string query)
    {
        using var client = await ClientAsync();

        await ProblemAssert.IsProblemAsync(await client.GetAsync($"/v1/dpas/competent?{query}"), HttpStatusCode.NotFound, "no_competent_dpa");
    }

    [Theory]
    [InlineData("", "country")]
    [InlineData("country=de", "country")]
    [InlineData("country=Germany", "country")]
    [InlineData("country=DE&region=BY", "region")]
    [InlineData("country=DE&region=AT-9", "region")]
    [InlineData("country=DE&region=DE-BY&sector=companies", "sector")]
    [InlineData("country=DE&region=DE-BY&sector=7", "sector")]
    public async Task Bad_input_gets_400_naming_the_field(string query, string field)
    {
        using var client = await ClientAsync();

        await ProblemAssert.NamesInvalidFieldAsync(await client.GetAsync($"/v1/dpas/competent?{query}"), field);
    }

    private async Task<HttpClient> ClientAsync() => api.ClientFor((await api.CreateOrganisationAsync()).AdminKey);
}
