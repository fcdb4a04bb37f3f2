using CaseApi.Features.Demo;
using CaseApi.Features.Events;
using CaseApi.Features.Proceedings;
using CaseApi.Features.Timeline;
using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Json;

namespace CaseApi.Tests.Features.Proceedings;

public sealed class RepresentativeActionTests(CaseApiFactory api) : IClassFixture<CaseApiFactory>
{
    private static readonly Guid OlgKoeln = DemoData.CourtId("de-olg-koeln");

    private async Task<(TestOrganisation Organisation, HttpClient Client, JsonElement Case, ProceedingDto Proceeding)> WorldAsync(string kind = "redress_action")
    {
        var organisation = await api.CreateOrganisationAsync();
        var client = api.ClientFor(organisation.AdminKey);
        var defendant = await client.DefendantAsync();
        var @case = await client.CaseAsync(null, defendant.Id());
        var proceeding = await client.CreatedAsync<ProceedingDto>($"/v1/cases/{@case.Id()}/proceedings", new
        {
            kind,
            courtId = OlgKoeln,
            fileNumber = "3 VKl 1/25",
            parties = new object[]
            {
                new { name = "Verbraucherzentrale Bundesverband e.V.", role = "claimant" },
                new { name = "Meta Platforms Ireland Limited", role = "defendant", defendantId = defendant.Id() },
            },
        });
        return (organisation, client, @case, proceeding);
    }

    private static Task<RepresentativeActionDto> RepresentativeAsync(HttpClient client, ProceedingDto proceeding) =>
        client.GetAsync<RepresentativeActionDto>($"/v1/proceedings/{proceeding.Id}/representative");

    [Fact]
    public async Task Registration_counts_are_set_against_the_50_consumers_of_VDuG_section_4_by_the_latest_day_counted()
    {
        var (_, client, _, proceeding) = await WorldAsync();
        var path = $"/v1/proceedings/{proceeding.Id}/registrations";

        var none = await RepresentativeAsync(client, proceeding);
        await client.CreatedAsync(path, new { countedOn = "2025-01-15", registered = 49, source = "Bundesamt für Justiz, Verbandsklageregister" });
        var below = await RepresentativeAsync(client, proceeding);
        await client.CreatedAsync(path, new { countedOn = "2025-02-01", registered = 1234, source = "Bundesamt für Justiz, Verbandsklageregister" });
        // Recorded later, counted earlier: the latest day counted stays the one that counts.
        await client.CreatedAsync(path, new { countedOn = "2025-01-20", registered = 30, source = "Bundesamt für Justiz, Verbandsklageregister" });
        var met = await RepresentativeAsync(client, proceeding);
        var listed = await client.GetAsync<Page<RegistrationCountDto>>($"{path}?limit=2");

        Assert.False(none.Threshold.Met);
        Assert.Null(none.Threshold.LatestRegistered);
        Assert.Equal(50, below.Threshold.MinimumConsumers);
        Assert.Equal("VDuG § 4(1) sentence 1 no. 1", below.Threshold.Basis);
        Assert.False(below.Threshold.Met);
        Assert.Equal(1234, met.Threshold.LatestRegistered);
        Assert.Equal(DateOnly.Parse("2025-02-01"), met.Threshold.LatestCountedOn);
        Assert.True(met.Threshold.Met);
        Assert.Equal([49, 1234], listed.Items.Select(c => c.Registered));
        Assert.Equal(30, Assert.Single(await client.ItemsAsync<RegistrationCountDto>($"{path}?limit=2&cursor={listed.NextCursor}")).Registered);
        await ProblemAssert.NamesInvalidFieldAsync(await client.PostAsJsonAsync(path, new { countedOn = "2025-02-01", registered = -1, source = "BfJ" }), "registered");
    }

    [Fact]
    public async Task The_qualified_entity_register_entry_and_stage_are_kept_under_If_Match_and_the_register_closes_three_weeks_after_the_hearing()
    {
        var (_, client, _, proceeding) = await WorldAsync();
        var path = $"/v1/proceedings/{proceeding.Id}/representative";
        var body = new { qualifiedEntity = new { name = "Verbraucherzentrale Bundesverband e.V.", list = "uklag" }, registerEntryOn = "2024-11-04", implementationStage = "none" };

        var first = await client.SendWithIfMatchAsync(HttpMethod.Put, path, body, 0);
        var stale = await client.SendWithIfMatchAsync(HttpMethod.Put, path, body with { implementationStage = "judgment_on_merits" }, 0);
        // Oral hearing closed Thursday 9 January 2025; VDuG § 46(1): three weeks later, Thursday 30 January 2025 (BGB §§ 187(1), 188(2)).
        await client.CreatedAsync($"/v1/proceedings/{proceeding.Id}/events", new { kind = "hearing_held", occurredOn = "2025-01-09" });
        var read = await RepresentativeAsync(client, proceeding);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("\"1\"", first.Headers.ETag?.Tag);
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.Equal(QualifiedEntityList.Uklag, read.QualifiedEntity!.List);
        Assert.Equal(DateOnly.Parse("2024-11-04"), read.RegisterEntryOn);
        Assert.Equal(DateOnly.Parse("2025-01-30"), read.RegisterClosesOn);
        Assert.Equal(HttpStatusCode.PreconditionRequired, (await client.PutAsJsonAsync(path, body)).StatusCode);
        // The feed shows a transaction's events once no older transaction in the cluster is still open (parallel test classes).
        await Poll.UntilAsync(async () => (await client.ItemsAsync<ListEvents.EventDto>("/v1/events?types=proceeding.representative_updated")).Count == 1,
            "the update in the change feed");
    }

    [Fact]
    public async Task A_model_declaratory_action_has_no_implementation_procedure_and_other_proceedings_no_representative_side()
    {
        var (_, client, _, model) = await WorldAsync("model_declaratory_action");
        var (_, other, _, injunction) = await WorldAsync("preliminary_injunction");

        var implementation = await client.SendWithIfMatchAsync(HttpMethod.Put, $"/v1/proceedings/{model.Id}/representative",
            new { implementationStage = "implementation" }, 0);
        var read = await RepresentativeAsync(client, model);

        await ProblemAssert.IsProblemAsync(implementation, HttpStatusCode.Conflict, "no_implementation_procedure");
        Assert.Equal("VDuG § 4(1) sentence 1 no. 2", read.Threshold.Basis);
        await ProblemAssert.IsProblemAsync(await other.GetAsync($"/v1/proceedings/{injunction.Id}/representative"), HttpStatusCode.Conflict, "proceeding_not_representative");
    }

    [Fact]
    public async Task A_settlement_opens_the_one_month_opt_out_of_VDuG_section_10_from_its_publication_moved_past_Easter()
    {
        var (_, client, @case, proceeding) = await WorldAsync();
        var path = $"/v1/proceedings/{proceeding.Id}/settlements";

        // Hearing closed Thursday 9 January 2025: the register closes Thursday 30 January 2025 (VDuG § 46(1)); no settlement on or
        // before that day (§ 9(1) sentence 2).
        await client.CreatedAsync($"/v1/proceedings/{proceeding.Id}/events", new { kind = "hearing_held", occurredOn = "2025-01-09" });
        var early = await client.PostAsJsonAsync(path, new { approvedOn = "2025-01-30", publishedOn = "2025-01-31", summary = "Too early." });
        // Published Tuesday 18 March 2025. VDuG § 10(1): one month from publication; BGB § 187(1) leaves out that day, § 188(2) ends
        // the month on Friday 18 April 2025, Good Friday; BGB § 193 (not excluded by § 10) moves it past Saturday 19, Sunday 20 and
        // Easter Monday 21 April (holidays at the court's seat, Köln, NW) to Tuesday 22 April 2025.
        var deadline = (await client.CreatedAsync<RecordSettlement.Result>(path, new
        {
            approvedOn = "2025-03-11", servedOn = "2025-03-13", publishedOn = "2025-03-18", summary = "EUR 120 per registered consumer.",
        })).OptOutDeadline;
        var listed = await client.ItemsAsync<SettlementDto>(path);

        await ProblemAssert.IsProblemAsync(early, HttpStatusCode.Conflict, "settlement_before_register_closed");
        Assert.Equal("vdug.settlement_opt_out_10", deadline.Rule);
        Assert.Equal(DateOnly.Parse("2025-04-22"), deadline.DueDate);
        Assert.Equal(proceeding.Id, deadline.ProceedingId);
        Assert.Contains("VDuG § 10(1)", deadline.Computation);
        Assert.Equal(deadline.Id, Assert.Single(listed).OptOutDeadlineId);
        var timeline = await client.ItemsAsync<GetCaseTimeline.TimelineEntryDto>($"/v1/cases/{@case.Id()}/timeline?limit=100");
        Assert.Contains(timeline, e => e.Kind == "proceeding.settlement_recorded");
        await ProblemAssert.NamesInvalidFieldAsync(
            await client.PostAsJsonAsync(path, new { approvedOn = "2025-03-20", publishedOn = "2025-03-18", summary = "Published before approval." }), "publishedOn");
    }

    [Fact]
    public async Task Consumers_names_are_for_lawyer_and_admin_keys_only_an_integration_key_sees_the_count()
    {
        var (organisation, client, @case, proceeding) = await WorldAsync();
        using var integration = api.ClientFor(await api.CreateKeyAsync(organisation, ApiKeyRole.Integration));
        using var lawyer = api.ClientFor(await api.CreateKeyAsync(organisation, ApiKeyRole.Lawyer));
        var path = $"/v1/proceedings/{proceeding.Id}/consumers";

        await lawyer.CreatedAsync(path, new { name = "Jane Doe", email = "jane@example.org", postalAddress = "Musterstraße 1, 50667 Köln" });
        var refused = await integration.PostAsJsonAsync(path, new { name = "John Roe" });
        var listForIntegration = await integration.GetAsync(path);
        var representative = await integration.GetStringAsync($"/v1/proceedings/{proceeding.Id}/representative");
        var timeline = await integration.GetStringAsync($"/v1/cases/{@case.Id()}/timeline?limit=100");
        var feed = await integration.GetStringAsync("/v1/events?limit=100");

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, listForIntegration.StatusCode);
        Assert.Equal(1, JsonDocument.Parse(representative).RootElement.As<RepresentativeActionDto>().ConsumersKept);
        Assert.DoesNotContain("Jane Doe", representative + timeline + feed);
        Assert.DoesNotContain("jane@example.org", representative + timeline + feed);
        Assert.Equal("Jane Doe", Assert.Single(await lawyer.ItemsAsync<RepresentedConsumerDto>(path)).Name);
    }

    [Fact]
    public async Task Erasing_a_consumer_pseudonymises_the_row_and_forgets_the_replayed_response()
    {
        var (organisation, client, _, proceeding) = await WorldAsync();
        using var integration = api.ClientFor(await api.CreateKeyAsync(organisation, ApiKeyRole.Integration));
        var path = $"/v1/proceedings/{proceeding.Id}/consumers";
        var body = new { name = "Jane Doe", email = "jane@example.org", postalAddress = "Musterstraße 1, 50667 Köln", registeredOn = "2025-01-20" };
        var consumer = await client.CreatedAsync<RepresentedConsumerDto>(path, body, idempotencyKey: "consumer-jane");

        var byIntegration = await integration.DeleteAsync($"/v1/represented-consumers/{consumer.Id}");
        var erased = await client.DeleteAsync($"/v1/represented-consumers/{consumer.Id}");
        var replay = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        replay.Headers.Add("Idempotency-Key", "consumer-jane");
        var replayed = await (await client.SendAsync(replay)).Content.ReadAsStringAsync();
        var listed = Assert.Single(await client.ItemsAsync<RepresentedConsumerDto>(path));
        var representative = await RepresentativeAsync(client, proceeding);

        Assert.Equal(HttpStatusCode.Forbidden, byIntegration.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, erased.StatusCode);
        Assert.Equal("Erased consumer", listed.Name);
        Assert.Null(listed.Email);
        Assert.Null(listed.PostalAddress);
        Assert.NotNull(listed.ErasedAt);
        Assert.Equal(0, representative.ConsumersKept);
        Assert.DoesNotContain("Jane Doe", replayed);
        Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync($"/v1/represented-consumers/{Guid.NewGuid()}")).StatusCode);
    }
}
