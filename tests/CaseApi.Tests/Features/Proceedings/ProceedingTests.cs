using CaseApi.Features.Demo;
using Ical.Net;

namespace CaseApi.Tests.Features.Proceedings;

public sealed class ProceedingTests(CaseApiFactory api) : IClassFixture<CaseApiFactory>
{
    private static readonly Guid OlgKoeln = DemoData.CourtId("de-olg-koeln");

    private async Task<(HttpClient Client, JsonElement Defendant, JsonElement Case)> WorldAsync()
    {
        var client = api.ClientFor((await api.CreateOrganisationAsync()).AdminKey);
        var defendant = await client.DefendantAsync();
        return (client, defendant, await client.CaseAsync(null, defendant.Id()));
    }

    private static Task<JsonElement> ProceedingAsync(HttpClient client, JsonElement @case, JsonElement defendant, string kind = "preliminary_injunction",
        Guid? courtId = null) =>
        client.CreatedAsync($"/v1/cases/{@case.Id()}/proceedings", new
        {
            kind,
            courtId = courtId ?? OlgKoeln,
            fileNumber = "15 UKl 2/25",
            parties = new object[]
            {
                new { name = "Verbraucherschutz e.V.", role = "applicant" },
                new { name = "Meta Platforms Ireland Limited", role = "respondent", defendantId = defendant.Id() },
            },
        });

    [Fact]
    public async Task The_court_registry_has_the_24_higher_regional_courts_and_the_federal_and_EU_courts_with_their_seats()
    {
        using var client = api.ClientFor((await api.CreateOrganisationAsync()).AdminKey);

        var olgs = await client.GetFromJsonAsync<JsonElement>("/v1/courts?kind=higher_regional_court&limit=100");
        var koeln = await client.GetFromJsonAsync<JsonElement>($"/v1/courts/{OlgKoeln}");
        var nw = await client.GetFromJsonAsync<JsonElement>("/v1/courts?jurisdiction=DE-NW&limit=100");

        Assert.Equal(24, olgs.GetProperty("items").GetArrayLength());
        Assert.Equal("Oberlandesgericht Köln", koeln.GetProperty("name").GetString());
        Assert.Equal("DE-NW", koeln.GetProperty("jurisdiction").GetString());
        Assert.Contains(nw.GetProperty("items").EnumerateArray(), c => c.GetProperty("code").GetString() == "de-vg-koeln");
        var bgh = await client.GetFromJsonAsync<JsonElement>($"/v1/courts/{DemoData.CourtId("de-bgh")}");
        Assert.Equal(("Karlsruhe", "DE-BW"), (bgh.GetProperty("city").GetString(), bgh.GetProperty("jurisdiction").GetString()));
        var cjeu = await client.GetFromJsonAsync<JsonElement>($"/v1/courts/{DemoData.CourtId("eu-cjeu")}");
        Assert.Equal("LU", cjeu.GetProperty("jurisdiction").GetString());
        await ProblemAssert.NamesInvalidFieldAsync(await client.GetAsync("/v1/courts?kind=tribunal"), "kind");
    }

    [Fact]
    public async Task A_proceeding_is_created_listed_read_and_on_the_timeline_and_in_the_change_feed()
    {
        var (client, defendant, @case) = await WorldAsync();

        var created = await ProceedingAsync(client, @case, defendant);

        Assert.Equal("preparing", created.GetProperty("status").GetString());
        Assert.Equal("15 UKl 2/25", created.GetProperty("fileNumber").GetString());
        Assert.Equal(defendant.Id(), created.GetProperty("parties")[1].GetProperty("defendantId").GetGuid());
        Assert.Equal("respondent", created.GetProperty("parties")[1].GetProperty("role").GetString());
        var inCase = await client.GetFromJsonAsync<JsonElement>($"/v1/cases/{@case.Id()}/proceedings");
        Assert.Equal(created.Id(), Assert.Single(inCase.GetProperty("items").EnumerateArray()).Id());
        var all = await client.GetFromJsonAsync<JsonElement>($"/v1/proceedings?courtId={OlgKoeln}&kind=preliminary_injunction");
        Assert.Equal(created.Id(), Assert.Single(all.GetProperty("items").EnumerateArray()).Id());
        var got = await client.GetAsync($"/v1/proceedings/{created.Id()}");
        Assert.Equal("\"1\"", got.Headers.ETag?.Tag);
        var kinds = (await client.GetFromJsonAsync<JsonElement>($"/v1/cases/{@case.Id()}/timeline")).GetProperty("items").EnumerateArray()
            .Select(e => e.GetProperty("kind").GetString());
        Assert.Contains("proceeding.created", kinds);
        await ChangeFeed.ItemsAsync(client, items => items.Any(e =>
            e.GetProperty("type").GetString() == "proceeding.created" && e.GetProperty("data").Id() == created.Id()), "proceeding.created in the change feed");
    }

    [Fact]
    public async Task Bad_input_is_a_400_naming_the_field_and_unknown_courts_and_cases_are_refused()
    {
        var (client, defendant, @case) = await WorldAsync();
        var path = $"/v1/cases/{@case.Id()}/proceedings";

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
        var proceeding = await ProceedingAsync(client, @case, defendant);
        var events = $"/v1/proceedings/{proceeding.Id()}/events";
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
        var (client, defendant, @case) = await WorldAsync();
        var proceeding = await ProceedingAsync(client, @case, defendant);
        var path = $"/v1/proceedings/{proceeding.Id()}";

        await ProblemAssert.IsProblemAsync(await client.SendWithIfMatchAsync(HttpMethod.Patch, path, new { fileNumber = "15 UKl 3/25" }, null), HttpStatusCode.PreconditionRequired);
        await ProblemAssert.IsProblemAsync(await client.SendWithIfMatchAsync(HttpMethod.Patch, path, new { fileNumber = "15 UKl 3/25" }, 7), HttpStatusCode.PreconditionFailed);
        var changed = await client.SendWithIfMatchAsync(HttpMethod.Patch, path, new { fileNumber = "15 UKl 3/25", parties = new[] { new { name = "Verbraucherschutz e.V.", role = "claimant" } } }, 1);

        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        var body = await changed.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("15 UKl 3/25", body.GetProperty("fileNumber").GetString());
        Assert.Equal("claimant", Assert.Single(body.GetProperty("parties").EnumerateArray()).GetProperty("role").GetString());
        Assert.Equal(2, body.GetProperty("version").GetInt32());
        await ProblemAssert.IsProblemAsync(await client.SendWithIfMatchAsync(HttpMethod.Patch, path, new { fileNumber = "x" }, 1), HttpStatusCode.PreconditionFailed);
    }

    [Fact]
    public async Task Events_move_the_status_a_decision_records_its_outcome_and_ECLI_and_a_final_proceeding_takes_no_more()
    {
        var (client, defendant, @case) = await WorldAsync();
        var proceeding = await ProceedingAsync(client, @case, defendant, "appeal_on_points_of_law");
        var events = $"/v1/proceedings/{proceeding.Id()}/events";

        var filed = await client.CreatedAsync(events, new { kind = "filed", occurredOn = "2025-05-12" });
        Assert.Equal("pending", filed.GetProperty("proceeding").GetProperty("status").GetString());
        var decided = await client.CreatedAsync(events, new
        {
            kind = "decision_pronounced", occurredOn = "2025-07-04", outcome = "partially_granted", ecli = "ECLI:DE:BGH:2025:040725UIZR1.25.0", appealable = false,
        });
        var decision = decided.GetProperty("proceeding").GetProperty("decision");
        Assert.Equal("decided", decided.GetProperty("proceeding").GetProperty("status").GetString());
        Assert.Equal("partially_granted", decision.GetProperty("outcome").GetString());
        Assert.Equal("2025-07-04", decision.GetProperty("decidedOn").GetString());
        Assert.Equal("ECLI:DE:BGH:2025:040725UIZR1.25.0", decision.GetProperty("ecli").GetString());
        Assert.False(decision.GetProperty("appealable").GetBoolean());
        var served = await client.CreatedAsync(events, new { kind = "decision_served", occurredOn = "2025-07-10" });
        var final = await client.CreatedAsync(events, new { kind = "final", occurredOn = "2025-07-10" });
        Assert.Equal("final", final.GetProperty("proceeding").GetProperty("status").GetString());
        Assert.Equal(5, final.GetProperty("proceeding").GetProperty("version").GetInt32());

        await ProblemAssert.IsProblemAsync(await client.PostAsJsonAsync(events, new { kind = "served", occurredOn = "2025-07-11" }), HttpStatusCode.Conflict, "proceeding_final");
        var history = await client.GetFromJsonAsync<JsonElement>(events);
        Assert.Equal(["filed", "decision_pronounced", "decision_served", "final"],
            history.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("kind").GetString()));
        var timeline = (await client.GetFromJsonAsync<JsonElement>($"/v1/cases/{@case.Id()}/timeline?limit=200")).GetProperty("items").EnumerateArray().ToArray();
        var servedEntry = Assert.Single(timeline, e => e.GetProperty("kind").GetString() == "proceeding.decision_served");
        // A decision that no appeal lies against starts no appeal periods when served (ZPO §§ 517, 548 presuppose one).
        Assert.Equal(JsonValueKind.Null, servedEntry.GetProperty("details").GetProperty("chainTrigger").ValueKind);
        Assert.Equal(served.GetProperty("event").Id(), servedEntry.GetProperty("details").GetProperty("eventId").GetGuid());
        var feed = await ChangeFeed.ItemsAsync(client, items => items.Any(e => e.GetProperty("type").GetString() == "proceeding.event_recorded"
            && e.GetProperty("data").Id() == final.GetProperty("event").Id()), "the last event recorded in the change feed");
        Assert.Equal(4, feed.Count(e => e.GetProperty("type").GetString() == "proceeding.event_recorded"));
    }

    // ZPO § 517: the appeal period begins with service, "spätestens aber mit Ablauf von fünf Monaten nach der Verkündung".
    // Pronounced Thursday 15 January 2026, five months run out on 15 June 2026, before service on 20 June: the month ends on
    // Wednesday 15 July 2026. ZPO § 520(2): two months from the same start, Saturday 15 August 2026, moved by ZPO § 222(2)
    // to Monday 17 August 2026 (LG Köln sits in DE-NW, where 15 August is no holiday).
    [Fact]
    public async Task Serving_an_appealable_judgment_opens_the_appeal_periods_at_the_courts_seat_capped_at_five_months_after_pronouncement()
    {
        var (client, defendant, @case) = await WorldAsync();
        var proceeding = await client.CreatedAsync($"/v1/cases/{@case.Id()}/proceedings", new
        {
            kind = "main_action", courtId = DemoData.CourtId("de-lg-koeln"), fileNumber = "31 O 12/25",
            parties = new object[] { new { name = "Meta Platforms Ireland Limited", role = "defendant", defendantId = defendant.Id() } },
        });
        var events = $"/v1/proceedings/{proceeding.Id()}/events";
        await client.CreatedAsync(events, new { kind = "decision_pronounced", occurredOn = "2026-01-15", outcome = "rejected", appealable = true });

        await client.CreatedAsync(events, new { kind = "decision_served", occurredOn = "2026-06-20" });

        var deadlines = (await client.GetFromJsonAsync<JsonElement>($"/v1/deadlines?caseId={@case.Id()}&limit=200")).GetProperty("items").EnumerateArray().ToArray();
        var appeal = Assert.Single(deadlines, d => d.GetProperty("rule").GetString() == "zpo.appeal_517");
        var grounds = Assert.Single(deadlines, d => d.GetProperty("rule").GetString() == "zpo.appeal_grounds_520_2");
        Assert.Equal("2026-07-15", appeal.GetProperty("dueDate").GetString());
        Assert.Equal("2026-08-17", grounds.GetProperty("dueDate").GetString());
        Assert.Contains("DE-NW", grounds.GetProperty("computation").GetString(), StringComparison.Ordinal);
    }

    // UWG § 12(1): the application for a preliminary injunction is what the urgency window waits for; filing it meets the window.
    [Fact]
    public async Task Filing_an_application_for_a_preliminary_injunction_meets_the_cases_urgency_window()
    {
        var (client, defendant, @case) = await WorldAsync();
        var window = (await client.CreatedAsync($"/v1/cases/{@case.Id()}/deadline-triggers", new { kind = "infringement_known", occurredOn = "2025-04-28" }))
            .GetProperty("created").EnumerateArray().Single(d => d.GetProperty("rule").GetString() == "uwg.urgency_window");
        var proceeding = await ProceedingAsync(client, @case, defendant);

        await client.CreatedAsync($"/v1/proceedings/{proceeding.Id()}/events", new { kind = "filed", occurredOn = "2025-05-12" });

        var after = await client.GetFromJsonAsync<JsonElement>($"/v1/deadlines/{window.Id()}");
        Assert.Equal("met", after.GetProperty("status").GetString());
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

        var (client, defendant, @case) = await WorldAsync();
        var lgKoeln = await client.GetFromJsonAsync<JsonElement>($"/v1/courts/{DemoData.CourtId("de-lg-koeln")}");
        Assert.Equal("de-olg-koeln", lgKoeln.GetProperty("higherRegionalCourt").GetString());
        Assert.Equal(HttpStatusCode.OK, (await client.SendWithIfMatchAsync(HttpMethod.Put, "/v1/organisation/urgency-windows/de-olg-koeln",
            new { period = "P6W", reason = "Senate 6 accepted six weeks (6 W 12/26)." }, 0)).StatusCode);
        var proceeding = await ProceedingAsync(client, @case, defendant, courtId: lgKoeln.Id());

        var window = (await client.CreatedAsync($"/v1/cases/{@case.Id()}/deadline-triggers",
                new { kind = "infringement_known", occurredOn = "2026-01-30", court = lgKoeln.GetProperty("code").GetString(), courtJurisdiction = "DE-NW" }))
            .GetProperty("created").EnumerateArray().Single(d => d.GetProperty("rule").GetString() == "uwg.urgency_window");
        await client.CreatedAsync($"/v1/proceedings/{proceeding.Id()}/events", new { kind = "filed", occurredOn = "2026-03-02" });

        Assert.Equal("2026-03-13", window.GetProperty("dueDate").GetString());
        Assert.Contains("Landgericht Köln: the practice of OLG Köln above it (GVG § 119(1) no. 2) applies: window of P6W set by the organisation for OLG Köln",
            window.GetProperty("computation").GetString(), StringComparison.Ordinal);
        Assert.Equal("met", (await client.GetFromJsonAsync<JsonElement>($"/v1/deadlines/{window.Id()}")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_scheduled_hearing_is_in_the_calendar_feed_with_court_and_file_number()
    {
        var (client, defendant, @case) = await WorldAsync();
        var proceeding = await ProceedingAsync(client, @case, defendant);
        await client.CreatedAsync($"/v1/proceedings/{proceeding.Id()}/events", new
        {
            kind = "hearing_scheduled", occurredOn = "2025-05-14", hearingAt = "2025-05-22T10:00:00+02:00", place = "Saal 201",
        });
        var feed = await client.CreatedAsync("/v1/calendar-feeds", new { name = "Hearings" });
        using var calendarClient = api.ClientFor(null);

        var calendar = Calendar.Load(await calendarClient.GetStringAsync(new Uri(feed.GetProperty("url").GetString()!).PathAndQuery));

        var hearing = Assert.Single(calendar!.Events);
        Assert.Equal("Hearing " + @case.GetProperty("reference").GetString() + ": Oberlandesgericht Köln, 15 UKl 2/25", hearing.Summary);
        Assert.Equal("Saal 201", hearing.Location);
        Assert.Equal(new DateTime(2025, 5, 22, 8, 0, 0, DateTimeKind.Utc), hearing.DtStart!.AsUtc);
    }

    [Fact]
    public async Task The_demo_case_has_the_application_to_the_OLG_Koeln_rejected_on_23_May_2025()
    {
        using var client = api.ClientFor((await api.SeedDemoAsync()).AdminKey);

        var proceedings = await client.GetFromJsonAsync<JsonElement>($"/v1/proceedings?courtId={OlgKoeln}&kind=preliminary_injunction");

        var application = Assert.Single(proceedings.GetProperty("items").EnumerateArray());
        Assert.Equal("15 UKl 2/25", application.GetProperty("fileNumber").GetString());
        Assert.Equal("final", application.GetProperty("status").GetString());
        Assert.Equal("rejected", application.GetProperty("decision").GetProperty("outcome").GetString());
        Assert.Equal("2025-05-23", application.GetProperty("decision").GetProperty("decidedOn").GetString());
    }
}
