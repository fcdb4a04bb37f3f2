using System.Globalization;
using CaseApi.Features.Demo;

namespace CaseApi.Tests.Features.Complaints;

/// <summary>
/// Issue 13 point 6: Regulation (EU) 2025/2518 applies from 2 April 2027 (Art. 37). A complaint lodged from that day gives the authority
/// lodged with two weeks to declare it inadmissible (Art. 4(2)) and six weeks to transmit it to the lead authority (Art. 4); one lodged
/// before keeps only GDPR Art. 78(2). Dates are computed by hand in the comments with Reg. 1182/71 Art. 3(2)(c) (a period in weeks ends
/// on the same weekday) and Art. 3(4) (a last day on a holiday, Saturday or Sunday moves to the next working day), on the authority's
/// calendar. Easter Sunday 2027 is 28 March: Ascension Day is Thursday 6 May, Whit Monday 17 May. Each test has its own API and database.
/// </summary>
public sealed class ProceduralRegulationTests : IAsyncLifetime
{
    private readonly CaseApiFactory api = new();

    public Task InitializeAsync() => api.InitializeAsync();

    Task IAsyncLifetime.DisposeAsync() => ((IAsyncLifetime)api).DisposeAsync();

    private static readonly Guid Dpc = DemoData.DpaId("ie-dpc");
    private static readonly Guid Hamburg = DemoData.DpaId("de-hh-hmbbfdi");

    [Fact]
    public async Task Art_37_a_complaint_lodged_on_1_April_2027_keeps_only_the_GDPR_Art_78_2_period()
    {
        // Thursday 1 April 2027 with the DPC: GDPR Art. 78(2), three months, to Thursday 1 July 2027; Reg. 2025/2518 does not apply yet.
        var (client, complaint) = await LodgedAsync(Dpc, "2027-04-01");

        var deadlines = await DeadlinesAsync(client, complaint);

        Assert.Equal([("gdpr.art78_2", "2027-07-01")], deadlines.Select(Summary));
    }

    [Fact]
    public async Task Art_4_a_complaint_lodged_on_2_April_2027_with_the_DPC_gets_two_and_six_weeks_besides_Art_78_2()
    {
        // Friday 2 April 2027 with the DPC (Ireland): Art. 4(2) two weeks to Friday 16 April; Art. 4 six weeks to Friday 14 May (the May bank
        // holiday, Monday 3 May, lies inside); GDPR Art. 78(2) stays in force: three months to Friday 2 July 2027.
        var (client, complaint) = await LodgedAsync(Dpc, "2027-04-02");

        var deadlines = await DeadlinesAsync(client, complaint);

        Assert.Equal([("gdpr.art78_2", "2027-07-02"), ("gdpr_proc.admissibility", "2027-04-16"), ("gdpr_proc.transmission", "2027-05-14")],
            deadlines.Select(Summary).OrderBy(d => d.Rule, StringComparer.Ordinal));
        var admissibility = deadlines.Single(d => d.GetProperty("rule").GetString() == "gdpr_proc.admissibility");
        Assert.Equal(("procedural", "open", Dpc), (admissibility.GetProperty("kind").GetString(), admissibility.GetProperty("status").GetString(),
            admissibility.GetProperty("dpaId").GetGuid()));
        Assert.Contains("Reg. (EU) 2025/2518 Art. 4(2)", admissibility.GetProperty("computation").GetString(), StringComparison.Ordinal);
        Assert.Contains("IE", admissibility.GetProperty("computation").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Art_4_filed_by_a_step_on_26_April_2027_the_six_weeks_move_past_the_Irish_June_bank_holiday()
    {
        // Monday 26 April 2027, filed by the `filed` step: two weeks to Monday 10 May; six weeks to Monday 7 June, Ireland's June bank holiday,
        // so Tuesday 8 June 2027 (Reg. 1182/71 Art. 3(4)); Art. 78(2) to Monday 26 July 2027.
        MoveClockTo("2027-04-27T09:00:00Z");
        var client = await OrganisationAsync();
        var draft = await ComplaintAsync(client, Dpc, filedOn: null);

        await StepAsync(client, draft, new { to = "filed", at = "2027-04-26T10:00:00+02:00" });

        Assert.Equal([("gdpr.art78_2", "2027-07-26"), ("gdpr_proc.admissibility", "2027-05-10"), ("gdpr_proc.transmission", "2027-06-08")],
            (await DeadlinesAsync(client, draft)).Select(Summary).OrderBy(d => d.Rule, StringComparer.Ordinal));
    }

    [Fact]
    public async Task Art_4_a_transfer_to_the_lead_authority_meets_the_transmission_and_admissibility_periods_of_the_authority_lodged_with()
    {
        // Thursday 22 April 2027 with Hamburg (DE-HH): two weeks end Thursday 6 May, Ascension Day, so Friday 7 May 2027; six weeks to Thursday
        // 3 June 2027 (Corpus Christi, 27 May, is no holiday in Hamburg and lies inside anyway). Transferred to the DPC on Thursday 29 April 2027:
        // both met that day; GDPR Art. 78(2) moves to the DPC, three months to Thursday 29 July 2027.
        var (client, complaint) = await LodgedAsync(Hamburg, "2027-04-22");
        Assert.Equal([("gdpr.art78_2", "2027-07-22"), ("gdpr_proc.admissibility", "2027-05-07"), ("gdpr_proc.transmission", "2027-06-03")],
            (await DeadlinesAsync(client, complaint)).Select(Summary).OrderBy(d => d.Rule, StringComparer.Ordinal));
        MoveClockTo("2027-04-30T09:00:00Z");

        await StepAsync(client, complaint, new { to = "transferred", at = "2027-04-29T10:00:00+02:00", transferredToDpaId = Dpc });

        var after = await DeadlinesAsync(client, complaint);
        var met = DateTimeOffset.Parse("2027-04-29T08:00:00Z", CultureInfo.InvariantCulture);
        Assert.All(after.Where(d => d.GetProperty("rule").GetString()!.StartsWith("gdpr_proc.", StringComparison.Ordinal)),
            d => Assert.Equal(("met", met), (d.GetProperty("status").GetString(), d.GetProperty("metAt").GetDateTimeOffset())));
        Assert.Equal(2, after.Count(d => d.GetProperty("rule").GetString()!.StartsWith("gdpr_proc.", StringComparison.Ordinal)));
        Assert.Contains(after, d => d.GetProperty("rule").GetString() == "gdpr.art78_2" && d.GetProperty("status").GetString() == "open"
            && d.GetProperty("dpaId").GetGuid() == Dpc && d.GetProperty("dueDate").GetString() == "2027-07-29");
    }

    [Theory]
    [InlineData("decided", "met", "waived")]
    [InlineData("under_investigation", "met", "open")]
    [InlineData("withdrawn", "waived", "waived")]
    public async Task Art_4_the_authority_s_answer_ends_the_admissibility_period_and_a_decision_or_withdrawal_the_transmission(
        string step, string admissibility, string transmission)
    {
        // Lodged Friday 2 April 2027 with the DPC; the step on Wednesday 7 April 2027, inside both periods. A decision (an inadmissibility
        // declaration is one) answers Art. 4(2) and leaves nothing to transmit; an investigation by the authority lodged with shows the
        // complaint admissible, and it may still transmit; a withdrawal ends the complaint.
        var (client, complaint) = await LodgedAsync(Dpc, "2027-04-02");
        MoveClockTo("2027-04-08T09:00:00Z");

        await StepAsync(client, complaint, step == "decided"
            ? new { to = step, at = "2027-04-07T10:00:00+01:00", outcome = "rejected" }
            : (object)new { to = step, at = "2027-04-07T10:00:00+01:00" });

        var after = await DeadlinesAsync(client, complaint);
        Assert.Equal((admissibility, transmission), (Status(after, "gdpr_proc.admissibility"), Status(after, "gdpr_proc.transmission")));
    }

    private static string? Status(JsonElement[] deadlines, string rule) =>
        deadlines.Single(d => d.GetProperty("rule").GetString() == rule).GetProperty("status").GetString();

    private static (string Rule, string DueDate) Summary(JsonElement deadline) =>
        (deadline.GetProperty("rule").GetString()!, deadline.GetProperty("dueDate").GetString()!);

    private async Task<HttpClient> OrganisationAsync()
    {
        var organisation = await api.SendAsync(new CaseApi.Features.Organisations.CreateOrganisation.Command("Procedural regulation org", "DE-NW", "Europe/Berlin"));
        return api.ClientFor(organisation.AdminKeySecret);
    }

    private async Task<(HttpClient Client, JsonElement Complaint)> LodgedAsync(Guid dpaId, string filedOn)
    {
        MoveClockTo($"{filedOn}T12:00:00Z");
        var client = await OrganisationAsync();
        return (client, await ComplaintAsync(client, dpaId, filedOn));
    }

    private static async Task<JsonElement> ComplaintAsync(HttpClient client, Guid dpaId, string? filedOn)
    {
        var defendant = await client.DefendantAsync();
        var @case = await client.CaseAsync(null, defendant.Id());
        return await client.CreatedAsync($"/v1/cases/{@case.Id()}/complaints", new
        {
            defendantId = defendant.Id(), dpaId, onBehalfOf = "organisation", filedOn,
        });
    }

    private static async Task<JsonElement> StepAsync(HttpClient client, JsonElement complaint, object step)
    {
        var current = await client.GetFromJsonAsync<JsonElement>($"/v1/complaints/{complaint.Id()}");
        var response = await client.SendWithIfMatchAsync(HttpMethod.Post, $"/v1/complaints/{complaint.Id()}/transitions", step, current.GetProperty("version").GetInt32());
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    private static async Task<JsonElement[]> DeadlinesAsync(HttpClient client, JsonElement complaint)
    {
        var deadlines = await client.GetFromJsonAsync<JsonElement>($"/v1/deadlines?caseId={complaint.GetProperty("caseId").GetGuid()}&limit=200");
        return deadlines.GetProperty("items").EnumerateArray().Where(d => d.GetProperty("complaintId").ValueKind != JsonValueKind.Null
            && d.GetProperty("complaintId").GetGuid() == complaint.Id()).ToArray();
    }

    private void MoveClockTo(string instant)
    {
        var at = DateTimeOffset.Parse(instant, CultureInfo.InvariantCulture);
        if (at > api.Clock.GetUtcNow())
        {
            api.Clock.SetUtcNow(at);
        }
    }
}
