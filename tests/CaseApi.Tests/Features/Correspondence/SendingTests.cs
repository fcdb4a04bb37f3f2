using CaseApi.Features.Correspondence;
using CaseApi.Features.Deadlines;
using CaseApi.Features.Timeline;
using CaseApi.Infrastructure.Json;

namespace CaseApi.Tests.Features.Correspondence;

/// <summary>Deadlines as a court computes them (Reg. 1182/71, BGB §§ 187-193), through the API.</summary>
public sealed class SendingTests(CaseApiFactory api) : IClassFixture<CaseApiFactory>
{
    [Theory]
    [InlineData("2025-04-30T10:00:00+02:00", "P1M", "2025-05-30", "2025-05-30T22:00:00+00:00")]
    [InlineData("2025-04-30T10:00:00+02:00", "P14D", "2025-05-14", "2025-05-14T22:00:00+00:00")]
    [InlineData("2025-04-30T10:00:00+02:00", "P2W", "2025-05-14", "2025-05-14T22:00:00+00:00")]
    [InlineData("2025-05-03T10:00:00+02:00", "P14D", "2025-05-19", "2025-05-19T22:00:00+00:00")]
    [InlineData("2025-05-15T10:00:00+02:00", "P14D", "2025-05-30", "2025-05-30T22:00:00+00:00")]
    [InlineData("2025-04-29T23:30:00+00:00", "P14D", "2025-05-14", "2025-05-14T22:00:00+00:00")]
    public async Task A_letter_sent_with_a_period_is_due_as_the_regulation_computes_it(string sentAt, string period, string dueDate, string dueAt)
    {
        var world = await Letters.WorldAsync(api);

        var sent = await world.SendAsync(await world.DraftAsync(), sentAt, period);

        var deadline = sent.Deadline!;
        Assert.Equal(LetterStatus.Sent, sent.Status);
        Assert.Equal(DateOnly.Parse(dueDate), deadline.DueDate);
        Assert.Equal(DateTimeOffset.Parse(dueAt, System.Globalization.CultureInfo.InvariantCulture), deadline.DueAt);
        Assert.Equal(DeadlineStatus.Open, deadline.Status);
        Assert.Equal(DeadlineKind.Response, deadline.Kind);
        Assert.Contains(dueDate, deadline.Computation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sending_writes_the_letters_and_the_deadlines_timeline_entries_for_the_key_that_sent()
    {
        var world = await Letters.WorldAsync(api);
        var draft = await world.DraftAsync();

        var sent = await world.SendAsync(draft, "2025-04-30T10:00:00+02:00", "P14D");

        var entries = await world.Client.ItemsAsync<GetCaseTimeline.TimelineEntryDto>($"/v1/cases/{world.CaseId}/timeline");
        var letterSent = Assert.Single(entries, e => e.Kind == "letter.sent");
        var deadlineCreated = Assert.Single(entries, e => e.Kind == "deadline.created");
        Assert.Equal(("letter", draft.Id, "Letter sent: Unterlassungsaufforderung"), (letterSent.ResourceType, letterSent.ResourceId, letterSent.Summary));
        Assert.Equal(DateTimeOffset.Parse("2025-04-30T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture), letterSent.OccurredAt);
        Assert.Equal(("deadline", sent.Deadline!.Id), (deadlineCreated.ResourceType, deadlineCreated.ResourceId));
        Assert.StartsWith("Deadline set: ", deadlineCreated.Summary, StringComparison.Ordinal);
        Assert.Equal(deadlineCreated.RecordedAt, deadlineCreated.OccurredAt);
        Assert.Equal("response", deadlineCreated.Details.GetProperty("kind").GetString());
        Assert.Equal("bgb.letter_response", deadlineCreated.Details.GetProperty("rule").GetString());
        Assert.Equal("2025-05-14", deadlineCreated.Details.GetProperty("dueDate").GetString());
        Assert.NotNull(letterSent.ApiKeyId);
        Assert.Equal(letterSent.ApiKeyId, deadlineCreated.ApiKeyId);
    }

    [Fact]
    public async Task A_data_subject_request_sent_on_31_January_is_due_on_28_February()
    {
        var world = await Letters.WorldAsync(api);

        var sent = await world.SendAsync(await world.DraftAsync("data_subject_request"), "2025-01-31T09:00:00+01:00");

        Assert.Equal(DeadlineKind.DataSubjectRequest, sent.Deadline!.Kind);
        Assert.Equal("P1M", sent.Deadline.Period);
        Assert.Equal(DateOnly.Parse("2025-02-28"), sent.Deadline.DueDate);
    }

    [Fact]
    // BGB § 193: a date given on Saturday 17 May 2025 moves to Monday 19 May (until issue 12 it was kept as given).
    public async Task A_deadline_given_as_a_date_on_a_Saturday_moves_to_the_Monday()
    {
        var world = await Letters.WorldAsync(api);

        var sent = await world.SendAsync(await world.DraftAsync(), "2025-04-30T10:00:00+02:00", due: "2025-05-17");

        Assert.Equal(DateOnly.Parse("2025-05-19"), sent.Deadline!.DueDate);
        Assert.Null(sent.Deadline.Period);
    }

    [Fact]
    public async Task A_letter_can_be_sent_once_and_then_no_longer_changed()
    {
        var world = await Letters.WorldAsync(api);
        var draft = await world.DraftAsync();
        var patched = await world.Client.SendWithIfMatchAsync(HttpMethod.Patch, $"/v1/letters/{draft.Id}", new { subject = "Letzte Aufforderung" }, 1);
        var sent = await world.SendAsync(await patched.ReadAsync<LetterDto>(), "2025-04-30T10:00:00+02:00", "P14D");

        var again = await world.Client.SendWithIfMatchAsync(HttpMethod.Post, $"/v1/letters/{draft.Id}/send", new { responsePeriod = "P14D" }, sent.Version);
        var edit = await world.Client.SendWithIfMatchAsync(HttpMethod.Patch, $"/v1/letters/{draft.Id}", new { subject = "x" }, sent.Version);

        await ProblemAssert.IsProblemAsync(again, HttpStatusCode.Conflict, "letter_not_draft");
        await ProblemAssert.IsProblemAsync(edit, HttpStatusCode.Conflict, "letter_not_draft");
        Assert.Equal("Letzte Aufforderung", sent.Subject);
        Assert.Single((await world.Client.GetAsync<Page<DeadlineDto>>($"/v1/deadlines?caseId={world.CaseId}")).Items);
    }

    [Theory]
    [InlineData("""{"responsePeriod":"14 days"}""", "responsePeriod")]
    [InlineData("""{"responsePeriod":"PT12H"}""", "responsePeriod")]
    [InlineData("""{"responsePeriod":"P14D","responseDue":"2025-05-14"}""", "responsePeriod")]
    [InlineData("""{"sentAt":"2030-01-01T00:00:00Z"}""", "sentAt")]
    [InlineData("""{"sentAt":"2025-04-30T10:00:00Z","responseDue":"2025-04-01"}""", "responseDue")]
    [InlineData("""{"sentAt":"2025-04-30T23:30:00Z","responseDue":"2025-04-30"}""", "responseDue")] // already 1 May in Berlin
    [InlineData("""{"sentAt":"2025-04-30T10:00:00Z","responseDue":"9999-12-31"}""", "responseDue")]
    public async Task Sending_with_a_bad_deadline_is_refused_naming_the_field_and_sends_nothing(string body, string field)
    {
        var world = await Letters.WorldAsync(api);
        var draft = await world.DraftAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/letters/{draft.Id}/send")
        {
            Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue("\"1\""));

        var problem = await ProblemAssert.IsProblemAsync(await world.Client.SendAsync(request), HttpStatusCode.BadRequest);

        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        Assert.Equal(LetterStatus.Draft, (await world.Client.GetAsync<LetterDto>($"/v1/letters/{draft.Id}")).Status);
    }
}
