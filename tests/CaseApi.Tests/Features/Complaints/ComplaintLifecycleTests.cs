using CaseApi.Features.Complaints;
using CaseApi.Features.Demo;
using CaseApi.Features.Timeline;
using CaseApi.Infrastructure.Json;

namespace CaseApi.Tests.Features.Complaints;

public sealed class ComplaintLifecycleTests(CaseApiFactory api) : IClassFixture<CaseApiFactory>
{
    // A way to reach each status through allowed steps, so that every step can be tried from every status.
    private static readonly Dictionary<ComplaintStatus, ComplaintStatus[]> PathTo = new()
    {
        [ComplaintStatus.Draft] = [],
        [ComplaintStatus.Filed] = [ComplaintStatus.Filed],
        [ComplaintStatus.Acknowledged] = [ComplaintStatus.Filed, ComplaintStatus.Acknowledged],
        [ComplaintStatus.UnderInvestigation] = [ComplaintStatus.Filed, ComplaintStatus.UnderInvestigation],
        [ComplaintStatus.Transferred] = [ComplaintStatus.Filed, ComplaintStatus.Transferred],
        [ComplaintStatus.Decided] = [ComplaintStatus.Filed, ComplaintStatus.Decided],
        [ComplaintStatus.Appealed] = [ComplaintStatus.Filed, ComplaintStatus.Decided, ComplaintStatus.Appealed],
        [ComplaintStatus.Withdrawn] = [ComplaintStatus.Withdrawn],
        [ComplaintStatus.Closed] = [ComplaintStatus.Filed, ComplaintStatus.Decided, ComplaintStatus.Closed],
    };

    private static readonly Dictionary<ComplaintStatus, string[]> Expected = new()
    {
        [ComplaintStatus.Draft] = ["filed", "withdrawn"],
        [ComplaintStatus.Filed] = ["acknowledged", "under_investigation", "transferred", "decided", "withdrawn"],
        [ComplaintStatus.Acknowledged] = ["under_investigation", "transferred", "decided", "withdrawn"],
        [ComplaintStatus.UnderInvestigation] = ["transferred", "decided", "withdrawn"],
        [ComplaintStatus.Transferred] = ["acknowledged", "under_investigation", "decided", "withdrawn"],
        [ComplaintStatus.Decided] = ["appealed", "closed"],
        [ComplaintStatus.Appealed] = ["decided", "closed", "withdrawn"],
        [ComplaintStatus.Withdrawn] = [],
        [ComplaintStatus.Closed] = [],
    };

    public static TheoryData<ComplaintStatus, ComplaintStatus> EveryStep()
    {
        var data = new TheoryData<ComplaintStatus, ComplaintStatus>();
        foreach (var from in Enum.GetValues<ComplaintStatus>())
        {
            foreach (var to in Enum.GetValues<ComplaintStatus>())
            {
                data.Add(from, to);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EveryStep))]
    public async Task Each_step_is_allowed_or_refused_with_409_naming_the_allowed_ones(ComplaintStatus from, ComplaintStatus to)
    {
        var (client, complaint) = await ComplaintInAsync(from);
        var allowed = Expected[from].Contains(SnakeCase.From(to));

        var response = await StepAsync(client, complaint, to);

        if (allowed)
        {
            Assert.Equal(to, (await response.ReadAsync<ComplaintDto>()).Status);
        }
        else
        {
            var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Conflict, "illegal_transition");
            Assert.Equal(Expected[from], problem.GetProperty("allowed").EnumerateArray().Select(a => a.GetString()));
            Assert.Equal(from, (await client.GetAsync<ComplaintDto>($"/v1/complaints/{complaint.Id()}")).Status);
        }
    }

    [Fact]
    public void The_lifecycle_in_the_code_is_the_one_these_tests_expect()
    {
        Assert.Equal(Expected.Keys.Order(), TransitionComplaint.Allowed.Keys.Order());
        Assert.All(Expected, pair => Assert.Equal(pair.Value, TransitionComplaint.Allowed[pair.Key].Select(SnakeCase.From)));
    }

    [Fact]
    public async Task A_decision_stores_its_outcome_and_fine_and_each_step_is_on_the_timeline()
    {
        var (client, complaint) = await ComplaintInAsync(ComplaintStatus.Filed);
        // Steps are recorded once they have happened: the decision of 1 September is recorded on 2 September.
        var recordedOn = new DateTimeOffset(2025, 9, 2, 9, 0, 0, TimeSpan.Zero);
        if (api.Clock.GetUtcNow() < recordedOn)
        {
            api.Clock.SetUtcNow(recordedOn);
        }

        var response = await client.SendWithIfMatchAsync(HttpMethod.Post, $"/v1/complaints/{complaint.Id()}/transitions",
            new { to = "decided", at = "2025-09-01T10:00:00+02:00", outcome = "partially_upheld", fineAmount = 251000000m, fineCurrency = "EUR", note = "Art. 25 infringed" },
            complaint.GetProperty("version").GetInt32());

        var decided = await response.ReadAsync<ComplaintDto>();
        Assert.Equal(DecisionOutcome.PartiallyUpheld, decided.DecisionOutcome);
        Assert.Equal(251000000m, decided.FineAmount);
        Assert.Equal(DateOnly.Parse("2025-09-01"), decided.DecidedOn);
        var timeline = await client.ItemsAsync<GetCaseTimeline.TimelineEntryDto>($"/v1/cases/{decided.CaseId}/timeline");
        // The decision also met the GDPR Art. 78(2) period (deadline.met at the same moment): the step is the last status change.
        var last = timeline.Last(e => e.Kind == "complaint.status_changed");
        Assert.Equal("decided", last.Details.GetProperty("to").GetString());
        Assert.Equal("Art. 25 infringed", last.Details.GetProperty("note").GetString());
    }

    [Fact]
    public async Task A_transition_needs_If_Match()
    {
        var (client, complaint) = await ComplaintInAsync(ComplaintStatus.Draft);

        await ProblemAssert.IsProblemAsync(
            await client.SendWithIfMatchAsync(HttpMethod.Post, $"/v1/complaints/{complaint.Id()}/transitions", new { to = "filed" }, null),
            HttpStatusCode.PreconditionRequired, "precondition_required");
        await ProblemAssert.IsProblemAsync(
            await client.SendWithIfMatchAsync(HttpMethod.Post, $"/v1/complaints/{complaint.Id()}/transitions", new { to = "filed" }, 7),
            HttpStatusCode.PreconditionFailed, "precondition_failed");
    }

    [Theory]
    [InlineData("""{"to":"transferred"}""", "transferredToDpaId")]
    [InlineData("""{"to":"decided"}""", "outcome")]
    [InlineData("""{"to":"acknowledged","outcome":"upheld"}""", "outcome")]
    [InlineData("""{"to":"decided","outcome":"upheld","fineAmount":100}""", "fineCurrency")]
    [InlineData("""{"to":"sideways"}""", "to")]
    [InlineData("""{"to":"decided","outcome":"rejected","fineAmount":100,"fineCurrency":"EUR"}""", "fineAmount")]
    [InlineData("""{"to":"appealed"}""", "appealedBy")]
    [InlineData("""{"to":"acknowledged","appealCourt":"VG Hamburg"}""", "appealedBy")]
    [InlineData("""{"to":"acknowledged","at":"9999-12-31T23:59:59Z"}""", "at")]
    public async Task A_step_missing_what_it_needs_is_refused_naming_the_field(string body, string field)
    {
        var (client, complaint) = await ComplaintInAsync(ComplaintStatus.Filed);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/complaints/{complaint.Id()}/transitions")
        {
            Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue("\"2\""));

        var problem = await ProblemAssert.IsProblemAsync(await client.SendAsync(request), HttpStatusCode.BadRequest);

        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    private async Task<(HttpClient Client, JsonElement Complaint)> ComplaintInAsync(ComplaintStatus status)
    {
        var organisation = await api.CreateOrganisationAsync();
        var client = api.ClientFor(organisation.AdminKey);
        var defendant = await client.DefendantAsync();
        var @case = await client.CaseAsync(null, defendant.Id());
        var complaint = await client.ComplaintAsync(@case.Id(), defendant.Id());
        foreach (var step in PathTo[status])
        {
            var response = await StepAsync(client, complaint, step);
            Assert.True(response.IsSuccessStatusCode, $"arranging {status}: {step} gave {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            complaint = await response.Content.ReadFromJsonAsync<JsonElement>();
        }

        return (client, complaint);
    }

    private static Task<HttpResponseMessage> StepAsync(HttpClient client, JsonElement complaint, ComplaintStatus to) =>
        client.SendWithIfMatchAsync(HttpMethod.Post, $"/v1/complaints/{complaint.Id()}/transitions", new
        {
            to = SnakeCase.From(to),
            transferredToDpaId = to == ComplaintStatus.Transferred ? DemoData.DpaId("ie-dpc") : (Guid?)null,
            outcome = to == ComplaintStatus.Decided ? "upheld" : null,
            appealedBy = to == ComplaintStatus.Appealed ? "controller" : null,
            appealCourt = to == ComplaintStatus.Appealed ? "Verwaltungsgericht Hamburg" : null,
            appealDueOn = to == ComplaintStatus.Appealed ? "2030-01-01" : null,
        }, complaint.GetProperty("version").GetInt32());
}
