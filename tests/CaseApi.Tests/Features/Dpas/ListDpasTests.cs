using Dapper;

namespace CaseApi.Tests.Features.Dpas;

public sealed class ListDpasTests(CaseApiFactory api) : IClassFixture<CaseApiFactory>
{
    [Theory]
    [InlineData("country=IE", new[] { "ie-dpc" })]
    [InlineData("country=BE", new[] { "be-apd" })]
    [InlineData("region=DE-BY", new[] { "de-by-lda", "de-by-lfd", "de-kdsz-by", "de-rdsb" })]
    [InlineData("country=DE&region=DE-NW", new[] { "de-kdsz", "de-nw-ldi", "de-rdsb" })]
    [InlineData("region=DE-SN", new[] { "de-kdsa-ost", "de-rdsb", "de-sn-sdtb" })]
    [InlineData("q=cnil", new[] { "fr-cnil" })]
    [InlineData("q=Bayern", new[] { "de-by-lda", "de-by-lfd", "de-kdsz-by" })]
    [InlineData("q=Sachsen-Anhalt", new[] { "de-st-lfd" })]
    [InlineData("q=PFPDT", new[] { "ch-fdpic" })]
    [InlineData("q=commission%20personal", new[] { "bg-cpdp", "cy-cpdp" })]
    [InlineData("country=DE&q=informationsfreiheit%20hamburg", new[] { "de-hh-hmbbfdi" })]
    [InlineData("country=US", new string[0])]
    [InlineData("q=nosuchauthority", new string[0])]
    public async Task Filters_narrow_the_list(string filter, string[] codes)
    {
        using var client = await ClientAsync();

        Assert.Equal(codes, await CodesAsync(client, $"/v1/dpas?{filter}"));
    }

    [Fact]
    public async Task A_search_for_Datenschutz_finds_the_German_speaking_authorities_by_their_compound_names()
    {
        using var client = await ClientAsync();

        var codes = await CodesAsync(client, "/v1/dpas?q=Datenschutz");

        // Datenschutzbehörde, Datenschutzstelle, Datenschutzaufsicht: only a prefix search finds these.
        Assert.Contains("at-dsb", codes);
        Assert.Contains("li-dss", codes);
        Assert.Contains("de-by-lda", codes);
        Assert.Contains("de-bfdi", codes);
        Assert.DoesNotContain("fr-cnil", codes);
    }

    [Fact]
    public async Task Paging_with_the_cursor_returns_every_authority_exactly_once_in_code_order()
    {
        using var client = await ClientAsync();
        await using var superUser = await api.OpenAsSuperUserAsync();
        var expected = (await superUser.QueryAsync<string>("SELECT code FROM dpas ORDER BY code")).ToArray();
        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;

        do
        {
            var page = await client.GetFromJsonAsync<JsonElement>($"/v1/dpas?limit=7{(cursor is null ? "" : $"&cursor={cursor}")}");
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(dpa => dpa.GetProperty("code").GetString()!));
            cursor = page.GetProperty("nextCursor").GetString();
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(expected, seen);
        Assert.Equal((expected.Length + 6) / 7, pages);
    }

    [Fact]
    public async Task The_default_page_holds_50_authorities()
    {
        using var client = await ClientAsync();

        var page = await client.GetFromJsonAsync<JsonElement>("/v1/dpas");

        Assert.Equal(CaseApi.Infrastructure.Json.Cursor.DefaultLimit, page.GetProperty("items").GetArrayLength());
    }

    [Theory]
    [InlineData("country=de", "country")]
    [InlineData("country=DEU", "country")]
    [InlineData("region=DE_BY", "region")]
    [InlineData("region=by", "region")]
    [InlineData("q=%21%3F", "q")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=201", "limit")]
    [InlineData("cursor=not-a-cursor", "cursor")]
    public async Task Bad_filters_get_400_naming_the_field(string query, string field)
    {
        using var client = await ClientAsync();

        await ProblemAssert.NamesInvalidFieldAsync(await client.GetAsync($"/v1/dpas?{query}"), field);
    }

    [Fact]
    public async Task A_viewer_key_may_read_the_registry()
    {
        var organisation = await api.CreateOrganisationAsync();
        using var viewer = api.ClientFor(await api.CreateKeyAsync(organisation, CaseApi.Infrastructure.Auth.ApiKeyRole.Viewer));

        Assert.Equal(["ie-dpc"], await CodesAsync(viewer, "/v1/dpas?country=IE"));
    }

    private async Task<HttpClient> ClientAsync() => api.ClientFor((await api.CreateOrganisationAsync()).AdminKey);

    private static async Task<string[]> CodesAsync(HttpClient client, string path)
    {
        var page = await client.GetFromJsonAsync<JsonElement>(path);
        return page.GetProperty("items").EnumerateArray().Select(dpa => dpa.GetProperty("code").GetString()!).ToArray();
    }
}
