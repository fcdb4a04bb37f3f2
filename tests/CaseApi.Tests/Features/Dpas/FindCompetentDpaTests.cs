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
    [InlineData("country=DE&region=DE-HH", "de-hh-hmbbfdi")]
    [InlineData("country=DE&region=DE-HH&sector=public", "de-hh-hmbbfdi")]
    [InlineData("country=DE&sector=church_protestant", "de-ekd-bfd")]
    [InlineData("country=DE&region=DE-BY&sector=church_protestant", "de-ekd-bfd")]
    [InlineData("country=DE&region=DE-SN&sector=church_catholic", "de-kdsa-ost")]
    [InlineData("country=DE&region=DE-BE&sector=church_catholic", "de-kdsa-ost")]
    [InlineData("country=DE&region=DE-NW&sector=church_catholic", "de-kdsz")]
    [InlineData("country=DE&region=DE-BY&sector=church_catholic", "de-kdsz-by")]
    [InlineData("country=DE&region=DE-HE&sector=church_catholic", "de-kdsz-ffm")]
    [InlineData("country=DE&region=DE-BW&sector=church_catholic", "de-kdsz-ffm")]
    [InlineData("country=DE&region=DE-SL&sector=church_catholic", "de-kdsz-ffm")]
    [InlineData("country=DE&region=DE-NI&sector=church_catholic", "de-kdsa-nord")]
    [InlineData("country=DE&region=DE-HH&sector=church_catholic", "de-kdsa-nord")]
    [InlineData("country=DE&region=DE-MV&sector=church_catholic", "de-kdsa-nord")]
    [InlineData("country=DE&region=DE-HH&sector=broadcasting", "de-ndr-dsb")]
    [InlineData("country=DE&region=DE-NI&sector=broadcasting", "de-ndr-dsb")]
    [InlineData("country=DE&region=DE-BY&sector=broadcasting", "de-rdsb")]
    [InlineData("country=DE&region=DE-RP&sector=broadcasting", "de-rdsb")]
    [InlineData("country=DE&sector=telecommunications", "de-bfdi")]
    [InlineData("country=DE&region=DE-BY&sector=telecommunications", "de-bfdi")]
    [InlineData("country=DE&sector=postal", "de-bfdi")]
    [InlineData("sector=eu_institution", "eu-edps")]
    [InlineData("country=FR&sector=eu_institution", "eu-edps")]
    [InlineData("country=DE&region=DE-NW&sector=eu_institution", "eu-edps")]
    public async Task The_competent_authority_is_the_one_for_the_place_and_sector(string query, string code)
    {
        using var client = await ClientAsync();

        var dpa = await client.GetFromJsonAsync<JsonElement>($"/v1/dpas/competent?{query}");

        Assert.Equal(code, dpa.GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("country=DE")]
    [InlineData("country=DE&sector=church_catholic")]
    [InlineData("country=DE&sector=broadcasting")]
    public async Task Germany_without_a_region_gets_400_naming_region_where_the_sector_has_regional_authorities(string query)
    {
        using var client = await ClientAsync();

        await ProblemAssert.NamesInvalidFieldAsync(await client.GetAsync($"/v1/dpas/competent?{query}"), "region");
    }

    [Theory]
    [InlineData("country=US")]
    [InlineData("country=DE&region=DE-XX")]
    [InlineData("country=DE&region=DE-HB&sector=broadcasting")]
    [InlineData("country=FR&sector=church_catholic")]
    [InlineData("country=IE&sector=telecommunications")]
    public async Task A_place_without_an_authority_in_the_registry_gets_404_problem(string query)
    {
        using var client = await ClientAsync();

        await ProblemAssert.IsProblemAsync(await client.GetAsync($"/v1/dpas/competent?{query}"), HttpStatusCode.NotFound, "no_competent_dpa");
    }

    [Theory]
    [InlineData("", "country")]
    [InlineData("sector=broadcasting", "country")]
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
