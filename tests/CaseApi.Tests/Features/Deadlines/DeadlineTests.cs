namespace CaseApi.Tests.Features.Deadlines;

public sealed class DeadlineTests(CaseApiFactory api) : IClassFixture<CaseApiFactory>
{
    // GDPR Art. 12(3): a request of Friday 19 December 2025 is due Monday 19 January 2026; extended (on 31 December, within that
    // month) by two further months from 19 January: Thursday 19 March 2026 (BGB § 190). Until issue 12 this test extended a request
    // of 31 January 2025 in December 2025, long after its month had ended, which Art. 12(3) sentence 3 does not allow.
    [Fact]
    public async Task A_data_subject_request_can_be_extended_by_two_further_months()
    {
        var world = await Letters.WorldAsync(api);
        var sent = await world.SendAsync(await world.DraftAsync("data_subject_request"), "2025-12-19T09:00:00+01:00");
        var deadline = sent.GetProperty("deadline");

        var response = await world.Client.SendWithIfMatchAsync(HttpMethod.Post, $"/v1/deadlines/{deadline.Id()}/extend",
            new { period = "P2M", reason = "Extended under Art. 12(3) sentence 2" }, deadline.GetProperty("version").GetInt32());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var extended = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("2026-01-19", deadline.GetProperty("dueDate").GetString());
        Assert.Equal("2026-03-19", extended.GetProperty("dueDate").GetString());
        Assert.Contains("Extended", extended.GetProperty("computation").GetString(), StringComparison.Ordinal);
        var timeline = await world.Client.GetFromJsonAsync<JsonElement>($"/v1/cases/{world.CaseId}/timeline");
        Assert.Contains(timeline.GetProperty("items").EnumerateArray(), e => e.GetProperty("kind").GetString() == "deadline.extended");
    }

    [Theory]
    [InlineData("2025-01-01")]
    [InlineData("9999-12-31")]
    public async Task Extending_to_a_date_before_the_deadline_started_or_past_ten_years_is_a_400_naming_dueDate(string dueDate)
    {
        var world = await Letters.WorldAsync(api);
        var deadline = (await world.SendAsync(await world.DraftAsync(), "2025-12-01T10:00:00+01:00", "P14D")).GetProperty("deadline");

        var response = await world.Client.SendWithIfMatchAsync(HttpMethod.Post, $"/v1/deadlines/{deadline.Id()}/extend",
            new { dueDate, reason = "Typo in the year" }, deadline.GetProperty("version").GetInt32());

        await ProblemAssert.NamesInvalidFieldAsync(response, "dueDate");
    }

    [Fact]
    public async Task A_waived_deadline_can_be_neither_extended_nor_waived_again()
    {
        var world = await Letters.WorldAsync(api);
        var deadline = (await world.SendAsync(await world.DraftAsync(), "2025-04-30T10:00:00+02:00", "P14D")).GetProperty("deadline");
        var path = $"/v1/deadlines/{deadline.Id()}";

        var waived = await world.Client.SendWithIfMatchAsync(HttpMethod.Post, $"{path}/waive", new { reason = "Settled by phone" }, 1);
        Assert.Equal(HttpStatusCode.OK, waived.StatusCode);

        await ProblemAssert.IsProblemAsync(
            await world.Client.SendWithIfMatchAsync(HttpMethod.Post, $"{path}/extend", new { period = "P7D", reason = "x" }, 2), HttpStatusCode.Conflict, "deadline_closed");
        await ProblemAssert.IsProblemAsync(
            await world.Client.SendWithIfMatchAsync(HttpMethod.Post, $"{path}/waive", new { reason = "again" }, 2), HttpStatusCode.Conflict, "deadline_closed");
        await ProblemAssert.IsProblemAsync(
            await world.Client.SendWithIfMatchAsync(HttpMethod.Post, $"{path}/waive", new { reason = "stale" }, 1), HttpStatusCode.PreconditionFailed);
        var body = await waived.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("waived", body.GetProperty("status").GetString());
        Assert.Equal("Settled by phone", body.GetProperty("waivedReason").GetString());
    }

    [Fact]
    public async Task An_extension_must_end_later()
    {
        var world = await Letters.WorldAsync(api);
        var deadline = (await world.SendAsync(await world.DraftAsync(), "2025-04-30T10:00:00+02:00", "P14D")).GetProperty("deadline");

        var earlier = await world.Client.SendWithIfMatchAsync(HttpMethod.Post, $"/v1/deadlines/{deadline.Id()}/extend",
            new { dueDate = "2025-05-10", reason = "typo" }, 1);

        var problem = await ProblemAssert.IsProblemAsync(earlier, HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("dueDate", out _));
    }

    [Fact]
    public async Task Deadlines_are_listed_soonest_first_and_filtered()
    {
        var world = await Letters.WorldAsync(api);
        var late = await world.SendAsync(await world.DraftAsync(), "2025-04-30T10:00:00+02:00", "P1M");
        var soon = await world.SendAsync(await world.DraftAsync(), "2025-04-30T10:00:00+02:00", "P14D");
        await world.ReplyAsync(soon.Id(), "2025-05-02T10:00:00+02:00");

        async Task<string[]> Dates(string query) => (await world.Client.GetFromJsonAsync<JsonElement>($"/v1/deadlines?caseId={world.CaseId}&{query}"))
            .GetProperty("items").EnumerateArray().Select(d => d.GetProperty("dueDate").GetString()!).ToArray();

        Assert.Equal(["2025-05-14", "2025-05-30"], await Dates(""));
        Assert.Equal(["2025-05-30"], await Dates("status=open"));
        Assert.Equal(["2025-05-14"], await Dates("status=met"));
        Assert.Equal(["2025-05-14"], await Dates("dueBefore=2025-05-20T00:00:00Z"));
        Assert.Equal(["2025-05-30"], await Dates("dueAfter=2025-05-20T00:00:00Z"));
        var @case = await world.Client.GetFromJsonAsync<JsonElement>($"/v1/cases/{world.CaseId}");
        Assert.Equal(1, @case.GetProperty("openDeadlineCount").GetInt32());
        Assert.Equal(late.GetProperty("deadline").Id(), @case.GetProperty("nextDeadlineId").GetGuid());
        Assert.Equal(late.GetProperty("deadline").Id(), (await world.Client.GetFromJsonAsync<JsonElement>($"/v1/deadlines?caseId={world.CaseId}&status=open"))
            .GetProperty("items")[0].Id());
    }
}
