using CaseApi.Features.Correspondence;
using CaseApi.Features.Demo;

namespace CaseApi.Tests.Features.Correspondence;

/// <summary>The organisation's letters across its cases (GET /v1/letters, issue 14 point 11).</summary>
public sealed class LetterListTests(CaseApiFactory api) : IClassFixture<CaseApiFactory>
{
    private static readonly Guid IrishDpc = DemoData.DpaId("ie-dpc");

    /// <summary>Seven letters in two cases: to and from Meta, to TikTok, to and from the Irish DPC.</summary>
    private sealed record Correspondence(
        Letters.World World, Guid TikTok, Guid Draft, Guid SentApril, Guid SentJune, Guid Reply, Guid ToDpc, Guid FromDpc, Guid ToTikTok)
    {
        public Guid[] All => [Draft, SentApril, SentJune, Reply, ToDpc, FromDpc, ToTikTok];
    }

    private async Task<Correspondence> CorrespondenceAsync()
    {
        var world = await Letters.WorldAsync(api);
        var draft = (await world.DraftAsync()).Id;
        var sentApril = (await world.SendAsync(await world.DraftAsync(), "2025-04-30T10:00:00+02:00")).Id;
        var sentJune = (await world.SendAsync(await world.DraftAsync(), "2025-06-02T09:00:00+00:00")).Id;
        var reply = (await world.ReplyAsync(sentApril, "2025-05-05T08:00:00+00:00")).Id;
        var toDpc = (await world.SendAsync(await LetterAsync(world, world.CaseId, new { direction = "outgoing", type = "complaint_submission", dpaId = IrishDpc, channel = "portal", subject = "Complaint" }),
            "2025-05-10T12:00:00+00:00")).Id;
        var fromDpc = (await LetterAsync(world, world.CaseId, new { direction = "incoming", type = "acknowledgement", dpaId = IrishDpc, channel = "email", subject = "Acknowledgement", receivedAt = "2025-05-12T07:00:00+00:00" })).Id;
        var tiktok = (await world.Client.DefendantAsync("TikTok Technology Limited")).Id();
        var tiktokCase = (await world.Client.CaseAsync(null, tiktok)).Id();
        var toTikTok = (await world.SendAsync(await LetterAsync(world, tiktokCase, new { direction = "outgoing", type = "cease_and_desist", defendantId = tiktok, channel = "email", subject = "Abmahnung" }),
            "2025-04-01T10:00:00+02:00")).Id;
        return new Correspondence(world, tiktok, draft, sentApril, sentJune, reply, toDpc, fromDpc, toTikTok);
    }

    [Fact]
    public async Task Each_filter_narrows_the_organisations_letters()
    {
        var c = await CorrespondenceAsync();
        var meta = c.World.DefendantId;

        Assert.Equal(c.All.Order(), (await IdsAsync(c.World.Client, "")).Order());
        Assert.Equal(Set(c.Reply, c.FromDpc), await SetAsync(c, "direction=incoming"));
        Assert.Equal(Set(c.Draft, c.SentApril, c.SentJune, c.ToDpc, c.ToTikTok), await SetAsync(c, "direction=outgoing"));
        Assert.Equal(Set(c.Draft), await SetAsync(c, "status=draft"));
        Assert.Equal(Set(c.SentApril, c.SentJune, c.ToDpc, c.ToTikTok), await SetAsync(c, "status=sent"));
        Assert.Equal(Set(c.Reply, c.FromDpc), await SetAsync(c, "status=received"));
        Assert.Equal(Set(c.Draft, c.SentApril, c.SentJune, c.Reply), await SetAsync(c, $"defendantId={meta}"));
        Assert.Equal(Set(c.ToTikTok), await SetAsync(c, $"defendantId={c.TikTok}"));
        Assert.Equal(Set(c.ToDpc, c.FromDpc), await SetAsync(c, $"dpaId={IrishDpc}"));
        Assert.Empty(await SetAsync(c, $"dpaId={DemoData.DpaId("at-dsb")}"));
        Assert.Empty(await SetAsync(c, $"defendantId={Guid.NewGuid()}"));
        Assert.Equal(Set(c.SentJune, c.ToDpc), await SetAsync(c, "sentAfter=2025-05-01T00:00:00Z"));
        Assert.Equal(Set(c.SentJune, c.ToDpc), await SetAsync(c, "sentAfter=2025-04-30T10:00:00%2B02:00"));
        Assert.Equal(Set(c.SentApril, c.SentJune, c.ToDpc), await SetAsync(c, "sentAfter=2025-04-30T09:59:59.999%2B02:00"));
        Assert.Equal(Set(c.SentJune), await SetAsync(c, $"direction=outgoing&status=sent&defendantId={meta}&sentAfter=2025-05-01T00:00:00Z"));
        Assert.Empty(await SetAsync(c, $"direction=incoming&dpaId={IrishDpc}&sentAfter=2025-01-01T00:00:00Z"));
    }

    [Fact]
    public async Task The_list_pages_with_a_cursor_in_a_stable_order_filtered_or_not()
    {
        var c = await CorrespondenceAsync();
        var all = await IdsAsync(c.World.Client, "");

        var pages = await PagesAsync(c.World.Client, "limit=2");
        var sentPages = await PagesAsync(c.World.Client, "status=sent&limit=1");

        Assert.Equal(7, all.Length);
        Assert.Equal([2, 2, 2, 1], pages.Select(p => p.Length));
        Assert.Equal(all, pages.SelectMany(p => p));
        Assert.Equal(all.Where(Set(c.SentApril, c.SentJune, c.ToDpc, c.ToTikTok).Contains), sentPages.SelectMany(p => p));
        Assert.Equal(4, sentPages.Count);
    }

    [Fact]
    public async Task A_letter_in_the_list_is_the_letter_as_read_alone()
    {
        var c = await CorrespondenceAsync();

        var listed = (await c.World.Client.GetFromJsonAsync<JsonElement>("/v1/letters?status=sent")).GetProperty("items").EnumerateArray()
            .Single(l => l.Id() == c.SentApril);
        var alone = await c.World.Client.GetFromJsonAsync<JsonElement>($"/v1/letters/{c.SentApril}");

        Assert.Equal(alone.ToString(), listed.ToString());
    }

    [Fact]
    public async Task Another_organisations_letters_never_appear()
    {
        var a = await CorrespondenceAsync();
        var b = await CorrespondenceAsync();
        var idsOfB = b.All.ToHashSet();

        Assert.Equal(a.All.Order(), (await IdsAsync(a.World.Client, "limit=200")).Order());
        foreach (var query in new[] { "direction=outgoing", "direction=incoming", "status=sent", "status=draft", $"dpaId={IrishDpc}", "sentAfter=2000-01-01T00:00:00Z" })
        {
            Assert.All(await IdsAsync(a.World.Client, query), id => Assert.Contains(id, a.All));
        }

        Assert.Empty(await IdsAsync(a.World.Client, $"defendantId={b.World.DefendantId}"));
        var cursorOfB = (await b.World.Client.GetFromJsonAsync<JsonElement>("/v1/letters?limit=1")).GetProperty("nextCursor").GetString();
        Assert.DoesNotContain(await IdsAsync(a.World.Client, $"cursor={cursorOfB}"), idsOfB.Contains);
    }

    [Theory]
    [InlineData("direction=sideways", "direction")]
    [InlineData("direction=Outgoing", "direction")]
    [InlineData("status=archived", "status")]
    [InlineData("status=incoming", "status")]
    [InlineData("defendantId=meta", "defendantId")]
    [InlineData("dpaId=ie-dpc", "dpaId")]
    [InlineData("sentAfter=2025-05-01", "sentAfter")]
    [InlineData("sentAfter=2025-05-01T00:00:00", "sentAfter")]
    [InlineData("sentAfter=2025-05-01T00:00:00+02:00", "sentAfter")]
    [InlineData("sentAfter=2025-02-30T00:00:00Z", "sentAfter")]
    [InlineData("sentAfter=yesterday", "sentAfter")]
    [InlineData("sentAfter=9999-12-31T00:00:00Z", "sentAfter")]
    [InlineData("sentAfter=0001-01-01T00:00:00Z", "sentAfter")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=201", "limit")]
    [InlineData("limit=ten", "limit")]
    [InlineData("cursor=not-a-cursor!", "cursor")]
    public async Task A_bad_parameter_is_a_400_naming_it(string query, string parameter)
    {
        var world = await Letters.WorldAsync(api);

        await ProblemAssert.NamesInvalidFieldAsync(await world.Client.GetAsync($"/v1/letters?{query}"), parameter);
    }

    private static Task<LetterDto> LetterAsync(Letters.World world, Guid caseId, object letter) =>
        world.Client.CreatedAsync<LetterDto>($"/v1/cases/{caseId}/letters", letter);

    private static HashSet<Guid> Set(params Guid[] ids) => ids.ToHashSet();

    private static async Task<HashSet<Guid>> SetAsync(Correspondence c, string query) => (await IdsAsync(c.World.Client, query)).ToHashSet();

    private static async Task<Guid[]> IdsAsync(HttpClient client, string query)
    {
        var page = await client.GetFromJsonAsync<JsonElement>($"/v1/letters?{query}");
        Assert.Equal(JsonValueKind.Null, page.GetProperty("nextCursor").ValueKind);
        return page.GetProperty("items").EnumerateArray().Select(l => l.Id()).ToArray();
    }

    private static async Task<List<Guid[]>> PagesAsync(HttpClient client, string query)
    {
        var pages = new List<Guid[]>();
        string? cursor = null;
        do
        {
            var page = await client.GetFromJsonAsync<JsonElement>($"/v1/letters?{query}{(cursor is null ? "" : $"&cursor={cursor}")}");
            pages.Add(page.GetProperty("items").EnumerateArray().Select(l => l.Id()).ToArray());
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);

        return pages;
    }
}
