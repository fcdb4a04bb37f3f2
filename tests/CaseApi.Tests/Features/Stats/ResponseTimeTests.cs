namespace CaseApi.Tests.Features.Stats;

public sealed class ResponseTimeTests(CaseApiFactory api) : IClassFixture<CaseApiFactory>
{
    [Fact]
    public async Task Response_times_per_defendant_count_letters_replies_medians_and_missed_deadlines()
    {
        var world = await Letters.WorldAsync(api);
        var first = await world.SendAsync(await world.DraftAsync(), "2025-03-03T10:00:00+01:00", "P14D");
        var second = await world.SendAsync(await world.DraftAsync(), "2025-03-03T10:00:00+01:00", "P14D");
        await world.SendAsync(await world.DraftAsync(), "2025-03-03T10:00:00+01:00", "P14D");
        await world.ReplyAsync(first.Id, "2025-03-05T10:00:00+01:00");
        await world.ReplyAsync(second.Id, "2025-03-23T10:00:00+01:00");

        var stats = await world.Client.GetFromJsonAsync<JsonElement>("/v1/stats/response-times?groupBy=defendant");

        var row = stats.GetProperty("items").EnumerateArray().Single();
        Assert.Equal(world.DefendantId, row.Id());
        Assert.Equal(3, row.GetProperty("lettersSent").GetInt32());
        Assert.Equal(2, row.GetProperty("replies").GetInt32());
        Assert.Equal(11.0, row.GetProperty("medianDaysToReply").GetDouble());
        Assert.Equal(18.2, row.GetProperty("p90DaysToReply").GetDouble());
        // One reply came late, one letter was never answered and its deadline has passed (the clock stands at 30 April 2025).
        Assert.Equal(2, row.GetProperty("deadlinesMissed").GetInt32());
    }

    [Fact]
    public async Task Grouping_by_anything_else_is_refused()
    {
        using var client = api.ClientFor((await api.CreateOrganisationAsync()).AdminKey);

        var problem = await ProblemAssert.IsProblemAsync(await client.GetAsync("/v1/stats/response-times?groupBy=lawyer"), HttpStatusCode.BadRequest);

        Assert.True(problem.GetProperty("errors").TryGetProperty("groupBy", out _));
    }
}
