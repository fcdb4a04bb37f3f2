using CaseApi.Features.Courts;
using CaseApi.Features.Deadlines;
using CaseApi.Features.Organisations;
using CaseApi.Infrastructure.Auth;
using Npgsql;

namespace CaseApi.Tests.Features.Organisations;

/// <summary>
/// Issue 13 point 2: the urgency window for a preliminary injunction (UWG § 12(1)) per Oberlandesgericht, "configurable per court with a
/// sourced default". Dates by hand: knowledge on Friday 30 January 2026; the window is counted without the BGB § 193 shift (DE-NW).
/// One month ends on 28 February 2026 (no 30 February, BGB § 188(3)), a Saturday, kept; six weeks end on Friday 13 March 2026; two weeks on
/// Friday 13 February 2026; two months on Monday 30 March 2026.
/// </summary>
public sealed class UrgencyWindowTests(CaseApiFactory api) : IClassFixture<CaseApiFactory>
{
    private const string Path = "/v1/organisation/urgency-windows";
    private const string Reason = "Senate 6 accepted six weeks in our last three cases (6 W 12/26).";

    [Fact]
    public async Task Every_Oberlandesgericht_of_the_court_registry_has_a_default_window_and_Cologne_Frankfurt_and_Duesseldorf_have_their_own()
    {
        var world = await WorldAsync();
        var courts = await world.Client.ItemsAsync<CourtDto>("/v1/courts?kind=higher_regional_court&limit=100");

        var windows = await ListAsync(world.Client);

        Assert.Equal(courts.Select(c => c.Code).Order(StringComparer.Ordinal), windows.Keys.Order(StringComparer.Ordinal));
        Assert.All(windows.Values, w => Assert.Equal((UrgencyWindowOrigin.Default, 0), (w.Origin, w.Version)));
        // OLG Köln GRUR-RR 2010, 493: one month; OLG Frankfurt 6 W 94/12: about six weeks; OLG Düsseldorf I-20 U 151/07: two months.
        Assert.Equal(("P1M", true), Default(windows["de-olg-koeln"]));
        Assert.Contains("GRUR-RR 2010, 493", windows["de-olg-koeln"].DefaultSource, StringComparison.Ordinal);
        Assert.Equal(("P6W", true), Default(windows["de-olg-frankfurt"]));
        Assert.Contains("6 W 94/12", windows["de-olg-frankfurt"].DefaultSource, StringComparison.Ordinal);
        Assert.Equal(("P2M", true), Default(windows["de-olg-duesseldorf"]));
        Assert.Contains("I-20 U 151/07", windows["de-olg-duesseldorf"].DefaultSource, StringComparison.Ordinal);
        // Unsourced: the safe month, said so.
        Assert.Equal(("P1M", false), Default(windows["de-olg-rostock"]));
    }

    [Fact]
    public async Task An_organisation_s_six_weeks_for_OLG_Koeln_end_the_window_from_30_January_2026_on_13_March_and_reverting_restores_28_February()
    {
        var world = await WorldAsync();
        var before = await TriggerAsync(world, "de-olg-koeln");
        Assert.Equal(DateOnly.Parse("2026-02-28"), before.DueDate);

        var set = await world.Client.SendWithIfMatchAsync(HttpMethod.Put, $"{Path}/de-olg-koeln", new { period = "P6W", reason = Reason }, 0);

        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        Assert.Equal("\"1\"", set.Headers.ETag?.Tag);
        var window = (await ListAsync(world.Client))["de-olg-koeln"];
        Assert.Equal(("P6W", UrgencyWindowOrigin.Organisation, Reason, "P1M", 1), (window.Period, window.Origin, window.Reason, window.DefaultPeriod, window.Version));
        var overridden = await TriggerAsync(world, "de-olg-koeln");
        Assert.Equal(DateOnly.Parse("2026-03-13"), overridden.DueDate);
        Assert.Contains($"window of P6W set by the organisation for OLG Köln: {Reason}; the court's published practice is P1M (OLG Köln GRUR-RR 2010, 493",
            overridden.Computation, StringComparison.Ordinal);
        // The deadline opened before keeps its date.
        Assert.Equal(DateOnly.Parse("2026-02-28"), (await world.Client.GetAsync<DeadlineDto>($"/v1/deadlines/{before.Id}")).DueDate);

        var reset = await DeleteAsync(world.Client, "de-olg-koeln", 1);

        Assert.Equal((UrgencyWindowOrigin.Default, 0), ((await reset.ReadAsync<UrgencyWindowDto>()).Origin, (await ListAsync(world.Client))["de-olg-koeln"].Version));
        var after = await TriggerAsync(world, "de-olg-koeln");
        Assert.Equal(DateOnly.Parse("2026-02-28"), after.DueDate);
        Assert.DoesNotContain("set by the organisation", after.Computation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_second_change_needs_the_current_version_and_two_weeks_for_Duesseldorf_end_on_13_February()
    {
        var world = await WorldAsync();
        Assert.Equal(HttpStatusCode.OK, (await world.Client.SendWithIfMatchAsync(HttpMethod.Put, $"{Path}/de-olg-duesseldorf", new { period = "P1M", reason = Reason }, 0)).StatusCode);

        await ProblemAssert.IsProblemAsync(await world.Client.SendWithIfMatchAsync(HttpMethod.Put, $"{Path}/de-olg-duesseldorf", new { period = "P2W", reason = Reason }, 0),
            HttpStatusCode.PreconditionFailed, "precondition_failed");
        await ProblemAssert.IsProblemAsync(await world.Client.SendWithIfMatchAsync(HttpMethod.Put, $"{Path}/de-olg-duesseldorf", new { period = "P2W", reason = Reason }, null),
            HttpStatusCode.PreconditionRequired, "precondition_required");
        var changed = await world.Client.SendWithIfMatchAsync(HttpMethod.Put, $"{Path}/de-olg-duesseldorf", new { period = "P2W", reason = Reason }, 1);

        Assert.Equal("\"2\"", changed.Headers.ETag?.Tag);
        Assert.Equal(DateOnly.Parse("2026-02-13"), (await TriggerAsync(world, "de-olg-duesseldorf")).DueDate);
        await ProblemAssert.IsProblemAsync(await DeleteAsync(world.Client, "de-olg-duesseldorf", 1), HttpStatusCode.PreconditionFailed, "precondition_failed");
    }

    [Fact]
    public async Task If_Match_star_sets_and_removes_the_window_whatever_is_in_effect()
    {
        // RFC 9110 § 13.1.1: "*" matches any current representation, and the default in effect is one.
        var world = await WorldAsync();

        var created = await world.Client.SendAsync(AnyVersion(HttpMethod.Put, "de-olg-koeln", new { period = "P6W", reason = Reason }));
        var replaced = await world.Client.SendAsync(AnyVersion(HttpMethod.Put, "de-olg-koeln", new { period = "P5W", reason = Reason }));
        Assert.Equal("\"1\"", created.Headers.ETag?.Tag);
        Assert.Equal("\"2\"", replaced.Headers.ETag?.Tag);
        // Knowledge on Friday 30 January 2026 + five weeks = Friday 6 March 2026.
        Assert.Equal(DateOnly.Parse("2026-03-06"), (await TriggerAsync(world, "de-olg-koeln")).DueDate);

        Assert.Equal(HttpStatusCode.OK, (await world.Client.SendAsync(AnyVersion(HttpMethod.Delete, "de-olg-koeln", null))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await world.Client.SendAsync(AnyVersion(HttpMethod.Delete, "de-olg-koeln", null))).StatusCode);
        Assert.Equal(UrgencyWindowOrigin.Default, (await ListAsync(world.Client))["de-olg-koeln"].Origin);
    }

    [Theory]
    [InlineData("P13D")]
    [InlineData("P1W")]
    [InlineData("P13W")]
    [InlineData("P3M1D")]
    [InlineData("P4M")]
    [InlineData("two months")]
    public async Task A_window_shorter_than_two_weeks_or_longer_than_three_months_is_a_400_naming_period(string period)
    {
        var world = await WorldAsync();

        var response = await world.Client.SendWithIfMatchAsync(HttpMethod.Put, $"{Path}/de-olg-koeln", new { period, reason = Reason }, 0);

        await ProblemAssert.NamesInvalidFieldAsync(response, "period");
    }

    [Fact]
    public async Task A_window_needs_a_reason_a_known_Oberlandesgericht_and_an_admin()
    {
        var organisation = await api.CreateOrganisationAsync();
        using var admin = api.ClientFor(organisation.AdminKey);
        using var lawyer = api.ClientFor(await api.CreateKeyAsync(organisation, ApiKeyRole.Lawyer));

        await ProblemAssert.NamesInvalidFieldAsync(await admin.SendWithIfMatchAsync(HttpMethod.Put, $"{Path}/de-olg-koeln", new { period = "P2M" }, 0), "reason");
        await ProblemAssert.IsProblemAsync(await admin.SendWithIfMatchAsync(HttpMethod.Put, $"{Path}/de-vg-koeln", new { period = "P2M", reason = Reason }, 0),
            HttpStatusCode.NotFound, "not_found");
        await ProblemAssert.IsProblemAsync(await lawyer.SendWithIfMatchAsync(HttpMethod.Put, $"{Path}/de-olg-koeln", new { period = "P2M", reason = Reason }, 0),
            HttpStatusCode.Forbidden);
        Assert.Equal(UrgencyWindowOrigin.Default, (await ListAsync(lawyer))["de-olg-koeln"].Origin);
    }

    // GVG § 119(1) no. 2: OLG Düsseldorf hears the appeals from LG Düsseldorf, whose urgency practice is its own: two months (I-20 U 151/07).
    // Knowledge on Friday 30 January 2026: two months end on Monday 30 March 2026 (BGB § 188(2)).
    [Fact]
    public async Task Knowledge_on_30_January_2026_at_LG_Duesseldorf_gets_OLG_Duesseldorf_s_two_months_ending_30_March_and_says_why()
    {
        var world = await WorldAsync();

        var window = await TriggerAsync(world, "de-lg-duesseldorf");

        Assert.Equal(DateOnly.Parse("2026-03-30"), window.DueDate);
        Assert.Equal("P2M", window.Period);
        Assert.Contains("Landgericht Düsseldorf: the practice of OLG Düsseldorf above it (GVG § 119(1) no. 2) applies: OLG Düsseldorf: P2M (OLG Düsseldorf I-20 U 151/07",
            window.Computation, StringComparison.Ordinal);
    }

    // The organisation's six weeks for OLG Köln apply at LG Köln below it: from Friday 30 January 2026 to Friday 13 March 2026. Without them,
    // OLG Köln's month: Saturday 28 February 2026, kept.
    [Fact]
    public async Task The_organisation_s_six_weeks_for_OLG_Koeln_apply_at_LG_Koeln_and_a_window_for_LG_Koeln_itself_is_a_404_naming_OLG_Koeln()
    {
        var world = await WorldAsync();
        Assert.Equal(DateOnly.Parse("2026-02-28"), (await TriggerAsync(world, "de-lg-koeln")).DueDate);
        Assert.Equal(HttpStatusCode.OK, (await world.Client.SendWithIfMatchAsync(HttpMethod.Put, $"{Path}/de-olg-koeln", new { period = "P6W", reason = Reason }, 0)).StatusCode);

        var window = await TriggerAsync(world, "de-lg-koeln");

        Assert.Equal(DateOnly.Parse("2026-03-13"), window.DueDate);
        Assert.Contains($"Landgericht Köln: the practice of OLG Köln above it (GVG § 119(1) no. 2) applies: window of P6W set by the organisation for OLG Köln: {Reason}",
            window.Computation, StringComparison.Ordinal);
        var refused = await ProblemAssert.IsProblemAsync(
            await world.Client.SendWithIfMatchAsync(HttpMethod.Put, $"{Path}/de-lg-koeln", new { period = "P2M", reason = Reason }, 0), HttpStatusCode.NotFound, "not_found");
        Assert.Contains("'de-lg-koeln' is a Landgericht", refused.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("set it for 'de-olg-koeln'", refused.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await ProblemAssert.IsProblemAsync(await DeleteAsync(world.Client, "de-lg-koeln", 1), HttpStatusCode.NotFound, "not_found");
        Assert.DoesNotContain("de-lg-koeln", (await ListAsync(world.Client)).Keys);
    }

    [Theory]
    [InlineData("de-vg-koeln")]
    [InlineData("de-bgh")]
    [InlineData("de-lg-nirgendwo")]
    public async Task A_trigger_naming_a_court_that_is_neither_an_Oberlandesgericht_nor_a_Landgericht_is_a_400_naming_court(string court)
    {
        var world = await WorldAsync();

        var response = await world.Client.PostAsJsonAsync($"/v1/cases/{world.CaseId}/deadline-triggers",
            new { kind = "infringement_known", occurredOn = "2026-01-30", court, courtJurisdiction = "DE-NW" });

        await ProblemAssert.NamesInvalidFieldAsync(response, "court");
    }

    [Fact]
    public async Task Every_Landgericht_of_the_registry_lies_below_an_Oberlandesgericht_with_a_window_and_no_other_court_has_one()
    {
        var world = await WorldAsync();
        var windows = await ListAsync(world.Client);

        var courts = await world.Client.ItemsAsync<CourtDto>("/v1/courts?limit=100");

        var olgs = courts.Where(c => c.Kind == CourtKind.HigherRegionalCourt).Select(c => c.Code).ToHashSet();
        var lgs = courts.Where(c => c.Kind == CourtKind.RegionalCourt).ToArray();
        Assert.Equal(18, lgs.Length);
        Assert.All(lgs, lg => Assert.Contains(lg.HigherRegionalCourt!, olgs));
        Assert.All(lgs, lg => Assert.Contains(lg.HigherRegionalCourt!, windows.Keys));
        Assert.All(courts.Where(c => c.Kind != CourtKind.RegionalCourt), c => Assert.Null(c.HigherRegionalCourt));
        var seats = lgs.ToDictionary(lg => lg.Code, lg => lg.HigherRegionalCourt);
        Assert.Equal(("de-kg", "de-olg-zweibruecken", "de-olg-muenchen", "de-olg-nuernberg"),
            (seats["de-lg-berlin-2"], seats["de-lg-zweibruecken"], seats["de-lg-muenchen-1"], seats["de-lg-nuernberg-fuerth"]));
        var koeln = await world.Client.GetAsync<CourtDto>($"/v1/courts/{CaseApi.Features.Demo.DemoData.CourtId("de-lg-koeln")}");
        Assert.Equal("de-olg-koeln", koeln.HigherRegionalCourt);
    }

    // Migration 0030's CHECK: the registry cannot hold a Landgericht without its Oberlandesgericht, nor another court with one.
    [Theory]
    [InlineData("UPDATE courts SET higher_regional_court_code = NULL WHERE code = 'de-lg-koeln'")]
    [InlineData("INSERT INTO courts (code, kind, name, city, jurisdiction, source) VALUES ('de-lg-bonn', 'regional_court', 'Landgericht Bonn', 'Bonn', 'DE-NW', 'test')")]
    [InlineData("UPDATE courts SET higher_regional_court_code = 'de-olg-koeln' WHERE code = 'de-vg-koeln'")]
    public async Task The_registry_refuses_a_Landgericht_without_an_Oberlandesgericht_and_any_other_court_with_one(string sql)
    {
        await using var connection = new NpgsqlConnection(api.Database.Migrations);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var command = new NpgsqlCommand(sql, connection, transaction);

        var refused = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());

        Assert.Equal((PostgresErrorCodes.CheckViolation, "courts_higher_regional_court_of_regional_courts"), (refused.SqlState, refused.ConstraintName));
    }

    [Fact]
    public async Task One_organisation_s_window_changes_neither_another_s_list_nor_its_deadlines()
    {
        var a = await WorldAsync();
        var b = await WorldAsync();
        Assert.Equal(HttpStatusCode.OK, (await a.Client.SendWithIfMatchAsync(HttpMethod.Put, $"{Path}/de-olg-koeln", new { period = "P6W", reason = Reason }, 0)).StatusCode);

        Assert.Equal(UrgencyWindowOrigin.Default, (await ListAsync(b.Client))["de-olg-koeln"].Origin);
        Assert.Equal(DateOnly.Parse("2026-02-28"), (await TriggerAsync(b, "de-olg-koeln")).DueDate);
        await ProblemAssert.IsProblemAsync(await DeleteAsync(b.Client, "de-olg-koeln", 1), HttpStatusCode.PreconditionFailed, "precondition_failed");
        Assert.Equal(UrgencyWindowOrigin.Organisation, (await ListAsync(a.Client))["de-olg-koeln"].Origin);
    }

    // After every date the tests record knowledge on.
    private async Task<Letters.World> WorldAsync()
    {
        var now = new DateTimeOffset(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);
        if (api.Clock.GetUtcNow() < now)
        {
            api.Clock.SetUtcNow(now);
        }

        return await Letters.WorldAsync(api);
    }

    private static (string?, bool) Default(UrgencyWindowDto window) => (window.DefaultPeriod, window.DefaultSourced);

    private static async Task<Dictionary<string, UrgencyWindowDto>> ListAsync(HttpClient client) =>
        (await client.GetAsync<UrgencyWindowDto[]>(Path)).ToDictionary(w => w.Court);

    private static async Task<DeadlineDto> TriggerAsync(Letters.World world, string court)
    {
        var result = await world.Client.CreatedAsync<ChainResult>($"/v1/cases/{world.CaseId}/deadline-triggers",
            new { kind = "infringement_known", occurredOn = "2026-01-30", court, courtJurisdiction = "DE-NW" });
        return result.Created.Single(d => d.Rule == "uwg.urgency_window");
    }

    private static Task<HttpResponseMessage> DeleteAsync(HttpClient client, string court, int version)
    {
        var request = new HttpRequestMessage(HttpMethod.Delete, $"{Path}/{court}");
        request.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue($"\"{version}\""));
        return client.SendAsync(request);
    }

    private static HttpRequestMessage AnyVersion(HttpMethod method, string court, object? body)
    {
        var request = new HttpRequestMessage(method, $"{Path}/{court}") { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.IfMatch.Add(System.Net.Http.Headers.EntityTagHeaderValue.Any);
        return request;
    }
}
