using Ical.Net;

namespace CaseApi.Tests.Features.CalendarFeeds;

public sealed class CalendarFeedTests(CaseApiFactory api) : IClassFixture<CaseApiFactory>
{
    [Fact]
    public async Task The_feed_parses_and_lists_exactly_the_open_deadlines()
    {
        var world = await Letters.WorldAsync(api);
        var open = await world.SendAsync(await world.DraftAsync(), "2025-04-30T10:00:00+02:00", "P1M");
        var answered = await world.SendAsync(await world.DraftAsync(), "2025-04-30T10:00:00+02:00", "P14D");
        await world.ReplyAsync(answered.Id, "2025-05-02T10:00:00+02:00");
        var feed = await world.Client.CreatedAsync("/v1/calendar-feeds", new { name = "Legal team" });
        using var calendarClient = api.ClientFor(null);

        var response = await calendarClient.GetAsync(new Uri(feed.GetProperty("url").GetString()!).PathAndQuery);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/calendar", response.Content.Headers.ContentType?.MediaType);
        var calendar = Calendar.Load(await response.Content.ReadAsStringAsync());
        var ev = Assert.Single(calendar!.Events);
        Assert.Equal($"{open.Deadline!.Id}@caseapi", ev.Uid);
        Assert.Equal(new DateOnly(2025, 5, 30), DateOnly.FromDateTime(ev.DtStart!.Value));
    }

    [Fact]
    public async Task A_revoked_feed_token_gets_401()
    {
        var world = await Letters.WorldAsync(api);
        var feed = await world.Client.CreatedAsync("/v1/calendar-feeds", new { name = "Old phone" });
        var path = new Uri(feed.GetProperty("url").GetString()!).PathAndQuery;
        using var calendarClient = api.ClientFor(null);
        Assert.Equal(HttpStatusCode.OK, (await calendarClient.GetAsync(path)).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await world.Client.DeleteAsync($"/v1/calendar-feeds/{feed.GetProperty("feed").Id()}")).StatusCode);

        await ProblemAssert.IsProblemAsync(await calendarClient.GetAsync(path), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task The_feed_takes_its_own_token_and_never_an_API_key()
    {
        var organisation = await api.CreateOrganisationAsync();
        using var withKeyHeader = api.ClientFor(organisation.AdminKey);
        using var anonymous = api.ClientFor(null);

        await ProblemAssert.IsProblemAsync(await withKeyHeader.GetAsync("/v1/deadlines/calendar.ics"), HttpStatusCode.Unauthorized);
        await ProblemAssert.IsProblemAsync(await anonymous.GetAsync($"/v1/deadlines/calendar.ics?token={organisation.AdminKey}"), HttpStatusCode.Unauthorized);
        await ProblemAssert.IsProblemAsync(await anonymous.GetAsync("/v1/deadlines/calendar.ics?token=caf_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_feed_token_opens_nothing_but_the_feed()
    {
        var world = await Letters.WorldAsync(api);
        var token = (await world.Client.CreatedAsync("/v1/calendar-feeds", new { name = "x" })).GetProperty("token").GetString();
        using var client = api.ClientFor(token);

        await ProblemAssert.IsProblemAsync(await client.GetAsync("/v1/deadlines"), HttpStatusCode.Unauthorized);
        await ProblemAssert.IsProblemAsync(await api.ClientFor(null).GetAsync($"/v1/deadlines?token={token}"), HttpStatusCode.Unauthorized);
    }
}
