using CaseApi.Features.CalendarFeeds;
using CaseApi.Features.Cases;
using CaseApi.Features.Courts;
using CaseApi.Features.Deadlines;
using CaseApi.Features.Demo;
using CaseApi.Features.Proceedings;
using CaseApi.Features.Timeline;
using Ical.Net;

namespace CaseApi.Tests.Features.Proceedings;

public sealed class ProceedingTests(CaseApiFactory api) : IClassFixture<CaseApiFactory>
{
    private static readonly Guid OlgKoeln = DemoData.CourtId("de-olg-koeln");

    private async Task<(HttpClient Client, Guid DefendantId, CaseDto Case)> WorldAsync()
    {
        var client = api.ClientFor((await api.CreateOrganisationAsync()).AdminKey);
        var defendantId = (await client.DefendantAsync()).Id();
        return (client, defendantId, (await client.CaseAsync(null, defendantId)).As<CaseDto>());
    }

    private static Task<ProceedingDto> ProceedingAsync(HttpClient client, CaseDto @case, Guid defendantId, string kind = "preliminary_injunction",
        Guid? courtId = null) =>
        client.CreatedAsync<ProceedingDto>($"/v1/cases/{@case.Id}/proceedings", new
        {
            kind,
            courtId = courtId ?? OlgKoeln,
            fileNumber = "15 UKl 2/25",
            parties = new object[]
            {
                new { name = "Verbraucherschutz e.V.", role = "applicant" },
                new { name = "Meta Platforms Ireland Limited", role = "respondent", defendantId },
            },
        });

    [Fact]
    public async Task The_court_registry_has_the_24_higher_regional_courts_and_the_federal_and_EU_courts_with_their_seats()
    {
        using var client = api.ClientFor((await api.CreateOrganisationAsync()).AdminKey);

        var olgs = await client.ItemsAsync<CourtDto>("/v1/courts?kind=higher_regional_court&limit=100");
        var koeln = await client.GetAsync<CourtDto>($"/v1/courts/{OlgKoeln}");
        var nw = await client.ItemsAsync<CourtDto>("/v1/courts?jurisdiction=DE-NW&limit=100");

        Assert.Equal(24, olgs.Count);
        Assert.Equal("Oberlandesgericht Köln", koeln.Name);
        Assert.Equal("DE-NW", koeln.Jurisdiction);
        Assert.Contains(nw, c => c.Code == "de-vg-koeln");
        var bgh = await client.GetAsync<CourtDto>($"/v1/courts/{DemoData.CourtId("de-bgh")}");
        Assert.Equal(("Karlsruhe", "DE-BW"), (bgh.City, bgh.Jurisdiction));
        Assert.Equal("LU", (await client.GetAsync<CourtDto>($"/v1/courts/{DemoData.CourtId("eu-cjeu")}")).Jurisdiction);
        await ProblemAssert.NamesInvalidFieldAsync(await client.GetAsync("/v1/courts?kind=tribunal"), "kind");
    }

    [Fact]
    public async Task A_proceeding_is_created_listed_read_and_on_the_timeline_and_in_the_change_feed()
    {
        var (client, defendantId, @case) = await WorldAsync();

        var created = await ProceedingAsync(client, @case, defendantId);

        Assert.Equal(ProceedingStatus.Preparing, created.Status);
        Assert.Equal("15 UKl 2/25", created.FileNumber);
        Assert.Equal(defendantId, created.Parties[1].DefendantId);
        Assert.Equal(PartyRole.Respondent, created.Parties[1].Role);
        Assert.Equal(created.Id, Assert.Single(await client.ItemsAsync<ProceedingDto>($"/v1/cases/{@case.Id}/proceedings")).Id);
        Assert.Equal(created.Id, Assert.Single(await client.ItemsAsync<ProceedingDto>($"/v1/proceedings?courtId={OlgKoeln}&kind=preliminary_injunction")).Id);
        var got = await client.GetAsync($"/v1/proceedings/{created.Id}");
        Assert.Equal("\"1\"", got.Headers.ETag?.Tag);
        Assert.Contains("proceeding.created", (await client.ItemsAsync<GetCaseTimeline.TimelineEntryDto>($"/v1/cases/{@case.Id}/timeline")).Select(e => e.Kind));
        await ChangeFeed.ItemsAsync(client, items => items.Any(e =>
            e.Type == "proceeding.created" && e.Data.Id() == created.Id), "proceeding.created in the change feed");
    }

    [Fact]
    public async Task Bad_input_is_a_400_naming_the_field_and_unknown_courts_and_cases_are_refused()
    {
        var (client, defendantId, @case) = await WorldAsync();
        var path = $"/v1/cases/{@case.Id}/proceedings";

        await ProblemAssert.NamesInvalidFieldAsync(await client.PostAsJsonAsync(path, new { kind = "main_action" }), "courtId");
        await ProblemAssert.NamesInvalidFieldAsync(await client.PostAsJsonAsync(path, new { kind = "main_action", courtId = OlgKoeln, fileNumber = "  " }), "fileNumber");
        await ProblemAssert.NamesInvalidFieldAsync(await client.PostAsJsonAsync(path, new
        {
            kind = "main_action", courtId = OlgKoeln, parties = new[] { new { name = "", role = "claimant" } },
        }), "parties");
        // A null among the parties was a 500 (found by the contract fuzzer).
        await ProblemAssert.NamesInvalidFieldAsync(await client.PostAsJsonAsync(path, new { kind = "main_action", courtId = OlgKoeln, parties = new object?[] { null } }), "parties");
        await ProblemAssert.IsProblemAsync(await client.PostAsJsonAsync(path, new { kind = "main_action", courtId = Guid.NewGuid() }), HttpStatusCode.UnprocessableEntity);
        await ProblemAssert.IsProblemAsync(await client.PostAsJsonAsync($"/v1/cases/{Guid.NewGuid()}/proceedings", new { kind = "main_action", courtId = OlgKoeln }), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await client.GetAsync($"/v1/cases/{Guid.NewGuid()}/proceedings"), HttpStatusCode.NotFound);
        var proceeding = await ProceedingAsync(client, @case, defendantId);
        var events = $"/v1/proceedings/{proceeding.Id}/events";
        await ProblemAssert.NamesInvalidFieldAsync(await client.PostAsJsonAsync(events, new { kind = "hearing_scheduled", occurredOn = "2025-05-14" }), "hearingAt");
        await ProblemAssert.NamesInvalidFieldAsync(await client.PostAsJsonAsync(events, new { kind = "decision_pronounced", occurredOn = "2025-05-23", appealable = false }), "outcome");
        await ProblemAssert.NamesInvalidFieldAsync(await client.PostAsJsonAsync(events, new { kind = "decision_pronounced", occurredOn = "2025-05-23", outcome = "rejected" }), "appealable");
        await ProblemAssert.NamesInvalidFieldAsync(await client.PostAsJsonAsync(events, new
        {
            kind = "decision_pronounced", occurredOn = "2025-05-23", outcome = "rejected", appealable = false, ecli = "15 UKl 2/25",
        }), "ecli");
        await ProblemAssert.NamesInvalidFieldAsync(await client.PostAsJsonAsync(events, new { kind = "served", occurredOn = "2025-05-23", place = "Saal 1" }), "place");
        await ProblemAssert.NamesInvalidFieldAsync(await client.PostAsJsonAsync(events, new { kind = "filed" }), "occurredOn");
    }

    [Fact]
    public async Task A_change_needs_the_current_ETag()
    {
        var (client, defendantId, @case) = await WorldAsync();
        var path = $"/v1/proceedings/{(await ProceedingAsync(client, @case, defendantId)).Id}";

        await ProblemAssert.IsProblemAsync(await client.SendWithIfMatchAsync(HttpMethod.Patch, path, new { fileNumber = "15 UKl 3/25" }, null), HttpStatusCode.PreconditionRequired);
        await ProblemAssert.IsProblemAsync(await client.SendWithIfMatchAsync(HttpMethod.Patch, path, new { fileNumber = "15 UKl 3/25" }, 7), HttpStatusCode.PreconditionFailed);
        var changed = await client.SendWithIfMatchAsync(HttpMethod.Patch, path, new { fileNumber = "15 UKl 3/25", parties = new[] { new { name = "Verbraucherschutz e.V.", role = "claimant" } } }, 1);

        var body = await changed.ReadAsync<ProceedingDto>();
        Assert.Equal("15 UKl 3/25", body.FileNumber);
        Assert.Equal(PartyRole.Claimant, Assert.Single(body.Parties).Role);
        Assert.Equal(2, body.Version);
        await ProblemAssert.IsProblemAsync(await client.SendWithIfMatchAsync(HttpMethod.Patch, path, new { fileNumber = "x" }, 1), HttpStatusCode.PreconditionFailed);
    }

    [Fact]
    public async Task Events_move_the_status_a_decision_records_its_outcome_and_ECLI_and_a_final_proceeding_takes_no_more()
    {
        var (client, defendantId, @case) = await WorldAsync();
        var events = $"/v1/proceedings/{(await ProceedingAsync(client, @case, defendantId, "appeal_on_points_of_law")).Id}/events";

        var filed = await client.CreatedAsync<RecordProceedingEvent.Result>(events, new { kind = "filed", occurredOn = "2025-05-12" });
        Assert.Equal(ProceedingStatus.Pending, filed.Proceeding.Status);
        var decided = await client.CreatedAsync<RecordProceedingEvent.Result>(events, new
        {
            kind = "decision_pronounced", occurredOn = "2025-07-04", outcome = "partially_granted", ecli = "ECLI:DE:BGH:2025:040725UIZR1.25.0", appealable = false,
        });
        var decision = decided.Proceeding.Decision!;
        Assert.Equal(ProceedingStatus.Decided, decided.Proceeding.Status);
        Assert.Equal(CourtOutcome.PartiallyGranted, decision.Outcome);
        Assert.Equal(DateOnly.Parse("2025-07-04"), decision.DecidedOn);
        Assert.Equal("ECLI:DE:BGH:2025:040725UIZR1.25.0", decision.Ecli);
        Assert.False(decision.Appealable);
        var served = await client.CreatedAsync<RecordProceedingEvent.Result>(events, new { kind = "decision_served", occurredOn = "2025-07-10" });
        var final = await client.CreatedAsync<RecordProceedingEvent.Result>(events, new { kind = "final", occurredOn = "2025-07-10" });
        Assert.Equal(ProceedingStatus.Final, final.Proceeding.Status);
        Assert.Equal(5, final.Proceeding.Version);

        await ProblemAssert.IsProblemAsync(await client.PostAsJsonAsync(events, new { kind = "served", occurredOn = "2025-07-11" }), HttpStatusCode.Conflict, "proceeding_final");
        Assert.Equal([ProceedingEventKind.Filed, ProceedingEventKind.DecisionPronounced, ProceedingEventKind.DecisionServed, ProceedingEventKind.Final],
            (await client.ItemsAsync<ProceedingEventDto>(events)).Select(e => e.Kind));
        var timeline = await client.ItemsAsync<GetCaseTimeline.TimelineEntryDto>($"/v1/cases/{@case.Id}/timeline?limit=200");
        var servedEntry = Assert.Single(timeline, e => e.Kind == "proceeding.decision_served");
        // A decision that no appeal lies against starts no appeal periods when served (ZPO §§ 517, 548 presuppose one).
        Assert.Equal(JsonValueKind.Null, servedEntry.Details.GetProperty("chainTrigger").ValueKind);
        Assert.Equal(served.Event.Id, servedEntry.Details.GetProperty("eventId").GetGuid());
        var feed = await ChangeFeed.ItemsAsync(client, items => items.Any(e => e.Type == "proceeding.event_recorded" && e.Data.Id() == final.Event.Id), "the last event recorded in the change feed");
        Assert.Equal(4, feed.Count(e => e.Type == "proceeding.event_recorded"));
    }

    // ZPO § 517: the appeal period begins with service, "spätestens aber mit Ablauf von fünf Monaten nach der Verkündung".
    // Pronounced Thursday 15 January 2026, five months run out on 15 June 2026, before service on 20 June: the month ends on
    // Wednesday 15 July 2026. ZPO § 520(2): two months from the same start, Saturday 15 August 2026, moved by ZPO § 222(2)
    // to Monday 17 August 2026 (LG Köln sits in DE-NW, where 15 August is no holiday).
    [Fact]
    public async Task Serving_an_appealable_judgment_opens_the_appeal_periods_at_the_courts_seat_capped_at_five_months_after_pronouncement()
    {
        var (client, defendantId, @case) = await WorldAsync();
        var proceeding = await client.CreatedAsync($"/v1/cases/{@case.Id}/proceedings", new
        {
            kind = "main_action", courtId = DemoData.CourtId("de-lg-koeln"), fileNumber = "31 O 12/25",
            parties = new object[] { new { name = "Meta Platforms Ireland Limited", role = "defendant", defendantId } },
        });
        var events = $"/v1/proceedings/{proceeding.Id()}/events";
        await client.CreatedAsync(events, new { kind = "decision_pronounced", occurredOn = "2026-01-15", outcome = "rejected", appealable = true });

        await client.CreatedAsync(events, new { kind = "decision_served", occurredOn = "2026-06-20" });

        var deadlines = await client.ItemsAsync<DeadlineDto>($"/v1/deadlines?caseId={@case.Id}&limit=200");
        var appeal = Assert.Single(deadlines, d => d.Rule == "zpo.appeal_517");
        var grounds = Assert.Single(deadlines, d => d.Rule == "zpo.appeal_grounds_520_2");
        Assert.Equal(DateOnly.Parse("2026-07-15"), appeal.DueDate);
        Assert.Equal(DateOnly.Parse("2026-08-17"), grounds.DueDate);
        Assert.Contains("DE-NW", grounds.Computation, StringComparison.Ordinal);
    }

    // UWG § 12(1): the application for a preliminary injunction is what the urgency window waits for; filing it meets the window.
    [Fact]
    public async Task Filing_an_application_for_a_preliminary_injunction_meets_the_cases_urgency_window()
    {
        var (client, defendantId, @case) = await WorldAsync();
        var window = (await client.CreatedAsync<ChainResult>($"/v1/cases/{@case.Id}/deadline-triggers", new { kind = "infringement_known", occurredOn = "2025-04-28" }))
            .Created.Single(d => d.Rule == "uwg.urgency_window");
        var proceeding = await ProceedingAsync(client, @case, defendantId);

        await client.CreatedAsync($"/v1/proceedings/{proceeding.Id}/events", new { kind = "filed", occurredOn = "2025-05-12" });

        Assert.Equal(DeadlineStatus.Met, (await client.GetAsync<DeadlineDto>($"/v1/deadlines/{window.Id}")).Status);
    }

    // An application for a preliminary injunction at LG Köln: its urgency window is OLG Köln's (GVG § 119(1) no. 2), here the organisation's
    // six weeks for OLG Köln. Knowledge on Friday 30 January 2026: six weeks end on Friday 13 March 2026; filed on Monday 2 March 2026, met.
    [Fact]
    public async Task An_application_to_LG_Koeln_meets_the_window_of_the_organisation_s_six_weeks_for_OLG_Koeln_above_it()
    {
        var now = new DateTimeOffset(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);
        if (api.Clock.GetUtcNow() < now)
        {
            api.Clock.SetUtcNow(now);
        }

        var (client, defendantId, @case) = await WorldAsync();
        var lgKoeln = await client.GetAsync<CourtDto>($"/v1/courts/{DemoData.CourtId("de-lg-koeln")}");
        Assert.Equal("de-olg-koeln", lgKoeln.HigherRegionalCourt);
        Assert.Equal(HttpStatusCode.OK, (await client.SendWithIfMatchAsync(HttpMethod.Put, "/v1/organisation/urgency-windows/de-olg-koeln",
            new { period = "P6W", reason = "Senate 6 accepted six weeks (6 W 12/26)." }, 0)).StatusCode);
        var proceeding = await ProceedingAsync(client, @case, defendantId, courtId: lgKoeln.Id);

        var window = (await client.CreatedAsync<ChainResult>($"/v1/cases/{@case.Id}/deadline-triggers",
                new { kind = "infringement_known", occurredOn = "2026-01-30", court = lgKoeln.Code, courtJurisdiction = "DE-NW" }))
            .Created.Single(d => d.Rule == "uwg.urgency_window");
        await client.CreatedAsync($"/v1/proceedings/{proceeding.Id}/events", new { kind = "filed", occurredOn = "2026-03-02" });

        Assert.Equal(DateOnly.Parse("2026-03-13"), window.DueDate);
        Assert.Contains("Landgericht Köln: the practice of OLG Köln above it (GVG § 119(1) no. 2) applies: window of P6W set by the organisation for OLG Köln",
            window.Computation, StringComparison.Ordinal);
        Assert.Equal(DeadlineStatus.Met, (await client.GetAsync<DeadlineDto>($"/v1/deadlines/{window.Id}")).Status);
    }

    [Fact]
    public async Task A_scheduled_hearing_is_in_the_calendar_feed_with_court_and_file_number()
    {
        var (client, defendantId, @case) = await WorldAsync();
        var proceeding = await ProceedingAsync(client, @case, defendantId);
        await client.CreatedAsync($"/v1/proceedings/{proceeding.Id}/events", new
        {
            kind = "hearing_scheduled", occurredOn = "2025-05-14", hearingAt = "2025-05-22T10:00:00+02:00", place = "Saal 201",
        });
        var feed = await client.CreatedAsync<CreateCalendarFeed.CreatedCalendarFeedDto>("/v1/calendar-feeds", new { name = "Hearings" });
        using var calendarClient = api.ClientFor(null);

        var calendar = Calendar.Load(await calendarClient.GetStringAsync(new Uri(feed.Url).PathAndQuery));

        var hearing = Assert.Single(calendar!.Events);
        Assert.Equal("Hearing " + @case.Reference + ": Oberlandesgericht Köln, 15 UKl 2/25", hearing.Summary);
        Assert.Equal("Saal 201", hearing.Location);
        Assert.Equal(new DateTime(2025, 5, 22, 8, 0, 0, DateTimeKind.Utc), hearing.DtStart!.AsUtc);
    }

    [Fact]
    public async Task The_demo_case_has_the_application_to_the_OLG_Koeln_rejected_on_23_May_2025()
    {
        using var client = api.ClientFor((await api.SeedDemoAsync()).AdminKey);

        var proceedings = await client.ItemsAsync<ProceedingDto>($"/v1/proceedings?courtId={OlgKoeln}&kind=preliminary_injunction");

        var application = Assert.Single(proceedings);
        Assert.Equal("15 UKl 2/25", application.FileNumber);
        Assert.Equal(ProceedingStatus.Final, application.Status);
        Assert.Equal(CourtOutcome.Rejected, application.Decision!.Outcome);
        Assert.Equal(DateOnly.Parse("2025-05-23"), application.Decision.DecidedOn);
    }
}
