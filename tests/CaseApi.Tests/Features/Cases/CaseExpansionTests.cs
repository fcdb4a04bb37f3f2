namespace CaseApi.Tests.Features.Cases;

/// <summary><c>expand=defendants</c> on the cases (issue 14 point 11): names without a request per case.</summary>
public sealed class CaseExpansionTests(CaseApiFactory api) : IClassFixture<CaseApiFactory>
{
    private sealed record World(HttpClient Client, Guid Meta, Guid TikTok, Guid Both, Guid None, Guid OnlyTikTok);

    private async Task<World> WorldAsync()
    {
        var client = api.ClientFor((await api.CreateOrganisationAsync()).AdminKey);
        var meta = (await client.DefendantAsync("Meta Platforms Ireland Limited")).Id();
        var tiktok = (await client.DefendantAsync("TikTok Technology Limited")).Id();
        var both = (await client.CaseAsync("BOTH", meta, tiktok)).Id();
        var none = (await client.CaseAsync("NONE")).Id();
        var onlyTikTok = (await client.CaseAsync("TIKTOK", tiktok)).Id();
        return new World(client, meta, tiktok, both, none, onlyTikTok);
    }

    [Fact]
    public async Task Listing_cases_with_expand_defendants_gives_each_case_its_defendants_names()
    {
        var world = await WorldAsync();

        var cases = (await world.Client.GetFromJsonAsync<JsonElement>("/v1/cases?expand=defendants&sort=reference")).GetProperty("items").EnumerateArray().ToArray();

        Assert.Equal(["BOTH", "NONE", "TIKTOK"], cases.Select(c => c.GetProperty("reference").GetString()));
        Assert.Equal(
            new (Guid, string?)[] { (world.Meta, "Meta Platforms Ireland Limited"), (world.TikTok, "TikTok Technology Limited") }.OrderBy(d => d.Item1),
            Defendants(cases[0]));
        Assert.Empty(Defendants(cases[1]));
        Assert.Equal([(world.TikTok, "TikTok Technology Limited")], Defendants(cases[2]));
        Assert.All(cases, c => Assert.Equal(
            c.GetProperty("defendantIds").EnumerateArray().Select(id => id.GetGuid()),
            Defendants(c).Select(d => d.Id)));
    }

    [Fact]
    public async Task Without_expand_the_cases_carry_no_defendants_field()
    {
        var world = await WorldAsync();

        var list = await world.Client.GetFromJsonAsync<JsonElement>("/v1/cases");
        var one = await world.Client.GetFromJsonAsync<JsonElement>($"/v1/cases/{world.Both}");

        Assert.Equal(3, list.GetProperty("items").GetArrayLength());
        Assert.All(list.GetProperty("items").EnumerateArray().Append(one), c => Assert.False(c.TryGetProperty("defendants", out _), c.ToString()));
        Assert.Equal(2, one.GetProperty("defendantIds").GetArrayLength());
    }

    [Fact]
    public async Task Getting_one_case_with_expand_defendants_gives_its_defendants_names()
    {
        var world = await WorldAsync();

        var response = await world.Client.GetAsync($"/v1/cases/{world.OnlyTikTok}?expand=defendants");
        var none = await world.Client.GetFromJsonAsync<JsonElement>($"/v1/cases/{world.None}?expand=defendants");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("\"1\"", response.Headers.ETag?.Tag);
        Assert.Equal([(world.TikTok, "TikTok Technology Limited")], Defendants(await response.Content.ReadFromJsonAsync<JsonElement>()));
        Assert.Empty(Defendants(none));
    }

    [Fact]
    public async Task Expanded_pages_follow_the_cursor()
    {
        var world = await WorldAsync();

        var seen = new List<(string?, int)>();
        string? cursor = null;
        do
        {
            var page = await world.Client.GetFromJsonAsync<JsonElement>($"/v1/cases?expand=defendants&sort=reference&limit=2{(cursor is null ? "" : $"&cursor={cursor}")}");
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(c => (c.GetProperty("reference").GetString(), Defendants(c).Length)));
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);

        Assert.Equal([("BOTH", 2), ("NONE", 0), ("TIKTOK", 1)], seen);
    }

    [Theory]
    [InlineData("/v1/cases?expand=complaints")]
    [InlineData("/v1/cases?expand=Defendants")]
    [InlineData("/v1/cases?expand=defendants,complaints")]
    [InlineData("/v1/cases/{id}?expand=defendantIds")]
    public async Task An_unknown_expand_is_a_400_naming_expand(string path)
    {
        var world = await WorldAsync();

        await ProblemAssert.NamesInvalidFieldAsync(await world.Client.GetAsync(path.Replace("{id}", world.Both.ToString(), StringComparison.Ordinal)), "expand");
    }

    [Fact]
    public async Task Expanding_a_page_costs_one_query_however_many_cases_it_holds()
    {
        var world = await WorldAsync();
        await world.Client.GetAsync("/v1/cases?limit=3"); // Whatever a first request of a key reads once.

        var (plainResponse, plain) = await SqlStatements.CountAsync(world.Client, "/v1/cases?limit=3");
        var (oneResponse, oneCase) = await SqlStatements.CountAsync(world.Client, "/v1/cases?limit=1&expand=defendants");
        var (threeResponse, threeCases) = await SqlStatements.CountAsync(world.Client, "/v1/cases?limit=3&expand=defendants");

        Assert.All([plainResponse, oneResponse, threeResponse], r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(3, (await threeResponse.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items").GetArrayLength());
        Assert.True(plain > 0, "Npgsql's tracing counted no statement at all: the count proves nothing.");
        Assert.Equal(plain + 1, threeCases);
        Assert.Equal(oneCase, threeCases);
    }

    private static (Guid Id, string? LegalName)[] Defendants(JsonElement @case) =>
        @case.GetProperty("defendants").EnumerateArray().Select(d => (d.GetProperty("id").GetGuid(), d.GetProperty("legalName").GetString())).ToArray();
}
