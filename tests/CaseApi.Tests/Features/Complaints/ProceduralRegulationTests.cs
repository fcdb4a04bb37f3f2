using System.Globalization;
using CaseApi.Features.Complaints;
using CaseApi.Features.Deadlines;
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
        var admissibility = deadlines.Single(d => d.Rule == "gdpr_proc.admissibility");
        Assert.Equal((DeadlineKind.Procedural, DeadlineStatus.Open, Dpc), (admissibility.Kind, admissibility.Status, admissibility.DpaId));
        Assert.Contains("Reg. (EU) 2025/2518 Art. 4(2)", admissibility.Computation, StringComparison.Ordinal);
        Assert.Contains("IE", admissibility.Computation, StringComparison.Ordinal);
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
        Assert.All(after.Where(d => d.Rule.StartsWith("gdpr_proc.", StringComparison.Ordinal)), d => Assert.Equal((DeadlineStatus.Met, met), (d.Status, d.MetAt)));
        Assert.Equal(2, after.Count(d => d.Rule.StartsWith("gdpr_proc.", StringComparison.Ordinal)));
        Assert.Contains(after, d => d.Rule == "gdpr.art78_2" && d.Status == DeadlineStatus.Open && d.DpaId == Dpc && d.DueDate == DateOnly.Parse("2027-07-29"));
    }

    [Theory]
    [InlineData("decided", DeadlineStatus.Met, DeadlineStatus.Waived)]
    [InlineData("under_investigation", DeadlineStatus.Met, DeadlineStatus.Open)]
    [InlineData("withdrawn", DeadlineStatus.Waived, DeadlineStatus.Waived)]
    public async Task Art_4_the_authority_s_answer_ends_the_admissibility_period_and_a_decision_or_withdrawal_the_transmission(
        string step, DeadlineStatus admissibility, DeadlineStatus transmission)
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

    [Fact]
    public async Task Art_36_a_complaint_lodged_on_2_April_2027_gets_the_Art_4_periods_but_no_Chapter_III_time_limit_when_investigated()
    {
        // Art. 36: Chapter III applies where "the complaint was lodged after 2 April 2027". Lodged Friday 2 April 2027 with the DPC (Art. 4 applies
        // from that day, Art. 37), investigated Wednesday 7 April 2027: admissibility met, transmission still open, and no Art. 12 time limit.
        var (client, complaint) = await LodgedAsync(Dpc, "2027-04-02");
        MoveClockTo("2027-04-08T09:00:00Z");

        await StepAsync(client, complaint, new { to = "under_investigation", at = "2027-04-07T10:00:00+02:00" });

        Assert.Equal([("gdpr.art78_2", "2027-07-02"), ("gdpr_proc.admissibility", "2027-04-16"), ("gdpr_proc.transmission", "2027-05-14")],
            (await DeadlinesAsync(client, complaint)).Select(Summary).OrderBy(d => d.Rule, StringComparer.Ordinal));
    }

    [Fact]
    public async Task Art_36_and_37_a_complaint_lodged_on_1_April_2027_gets_no_time_limit_of_the_Regulation_when_investigated()
    {
        // Thursday 1 April 2027: neither Art. 4 (Art. 37) nor Chapter III (Art. 36); GDPR Art. 78(2) alone, to Thursday 1 July 2027.
        var (client, complaint) = await LodgedAsync(Dpc, "2027-04-01");
        MoveClockTo("2027-04-08T09:00:00Z");

        await StepAsync(client, complaint, new { to = "under_investigation", at = "2027-04-07T10:00:00+02:00" });

        Assert.Equal([("gdpr.art78_2", "2027-07-01")], (await DeadlinesAsync(client, complaint)).Select(Summary));
    }

    [Fact]
    public async Task Art_12_a_complaint_lodged_on_3_April_2027_investigated_from_10_May_2027_gives_the_lead_authority_fifteen_months_to_10_August_2028()
    {
        // Lodged Saturday 3 April 2027 with the DPC, after 2 April (Art. 36): Art. 4(2) two weeks end Saturday 17 April, so Monday 19 April 2027;
        // six weeks end Saturday 15 May, so Monday 17 May 2027; GDPR Art. 78(2) three months end Saturday 3 July, so Monday 5 July 2027
        // (Reg. 1182/71 Art. 3(4)). Under investigation from Monday 10 May 2027: Art. 12 fifteen months to Thursday 10 August 2028
        // (Art. 3(2)(c); Ireland's August bank holiday, Monday 7 August 2028, lies before it). A transfer then hands the case to a lead
        // authority that starts its own investigation: the limit is waived.
        var (client, complaint) = await LodgedAsync(Dpc, "2027-04-03");
        MoveClockTo("2027-05-11T09:00:00Z");

        await StepAsync(client, complaint, new { to = "under_investigation", at = "2027-05-10T10:00:00+02:00" });

        var deadlines = await DeadlinesAsync(client, complaint);
        Assert.Equal([("gdpr.art78_2", "2027-07-05"), ("gdpr_proc.admissibility", "2027-04-19"), ("gdpr_proc.investigation", "2027-05-10"),
            ("gdpr_proc.transmission", "2027-05-17")],
            deadlines.Select(d => (d.Rule, $"{(d.Rule == "gdpr_proc.investigation" ? d.StartsOn : d.DueDate):O}")).OrderBy(d => d.Item1, StringComparer.Ordinal));
        var investigation = deadlines.Single(d => d.Rule == "gdpr_proc.investigation");
        Assert.Equal((DateOnly.Parse("2028-08-10"), DeadlineStatus.Open, Dpc), (investigation.DueDate, investigation.Status, investigation.DpaId));
        Assert.Contains("Reg. (EU) 2025/2518 Art. 12", investigation.Computation, StringComparison.Ordinal);
        Assert.Contains("(Art. 36)", investigation.Computation, StringComparison.Ordinal);

        MoveClockTo("2027-06-02T09:00:00Z");
        await StepAsync(client, complaint, new { to = "transferred", at = "2027-06-01T10:00:00+02:00", transferredToDpaId = Hamburg });

        Assert.Equal(DeadlineStatus.Waived, Status(await DeadlinesAsync(client, complaint), "gdpr_proc.investigation"));
    }

    [Fact]
    public async Task Art_12_fifteen_months_from_30_November_2027_end_on_28_February_2029_and_extend_once_by_at_most_twelve_months()
    {
        // Investigated from Tuesday 30 November 2027: fifteen months reach February 2029, which has no 30th, so the period ends on its last day,
        // Wednesday 28 February 2029 (Reg. 1182/71 Art. 3(2)(c)). One extension of at most twelve months (Art. 12): P13M is a 409; P12M from
        // the end as computed runs to Thursday 28 February 2030; a second extension is a 409.
        var (client, complaint) = await LodgedAsync(Dpc, "2027-04-03");
        MoveClockTo("2027-12-01T09:00:00Z");
        await StepAsync(client, complaint, new { to = "under_investigation", at = "2027-11-30T10:00:00+01:00" });
        var investigation = (await DeadlinesAsync(client, complaint)).Single(d => d.Rule == "gdpr_proc.investigation");
        Assert.Equal(DateOnly.Parse("2029-02-28"), investigation.DueDate);

        var tooLong = await ExtendAsync(client, investigation, "P13M");
        var problem = await ProblemAssert.IsProblemAsync(tooLong, HttpStatusCode.Conflict, "extension_not_allowed");
        Assert.Equal(("longer_than_maximum", "gdpr_proc.investigation"), (problem.GetProperty("reason").GetString(), problem.GetProperty("ruleCode").GetString()));

        var afterExtension = await ExtendAsync(client, investigation, "P12M").ReadAsync<DeadlineDto>();
        Assert.Equal(DateOnly.Parse("2030-02-28"), afterExtension.DueDate);

        var second = await ExtendAsync(client, afterExtension, "P1D");
        Assert.Equal("second_extension", (await ProblemAssert.IsProblemAsync(second, HttpStatusCode.Conflict, "extension_not_allowed")).GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Art_6_and_12_6_in_the_simple_cooperation_procedure_the_draft_decision_is_due_in_twelve_months_not_extendable_and_met_by_the_decision()
    {
        // Investigated from Wednesday 30 June 2027 in the simple cooperation procedure: twelve months to Friday 30 June 2028 (Art. 6(1), 12(6));
        // no fifteen-month limit beside it; an extension is a 409; the decision on Monday 3 July 2028 (after the end) meets it late.
        var (client, complaint) = await LodgedAsync(Dpc, "2027-04-03");
        MoveClockTo("2027-07-01T09:00:00Z");

        await StepAsync(client, complaint, new { to = "under_investigation", at = "2027-06-30T10:00:00+02:00", simpleCooperation = true });

        var deadlines = await DeadlinesAsync(client, complaint);
        Assert.DoesNotContain(deadlines, d => d.Rule == "gdpr_proc.investigation");
        var simple = deadlines.Single(d => d.Rule == "gdpr_proc.simple_cooperation");
        Assert.Equal(DateOnly.Parse("2028-06-30"), simple.DueDate);
        Assert.Equal("not_extendable",
            (await ProblemAssert.IsProblemAsync(await ExtendAsync(client, simple, "P1M"), HttpStatusCode.Conflict, "extension_not_allowed")).GetProperty("reason").GetString());

        MoveClockTo("2028-07-04T09:00:00Z");
        await StepAsync(client, complaint, new { to = "decided", at = "2028-07-03T10:00:00+02:00", outcome = "upheld" });

        Assert.Equal(DeadlineStatus.Met, Status(await DeadlinesAsync(client, complaint), "gdpr_proc.simple_cooperation"));
    }

    [Fact]
    public async Task Only_the_under_investigation_step_says_whether_the_simple_cooperation_procedure_applies()
    {
        var (client, complaint) = await LodgedAsync(Dpc, "2027-04-03");
        var current = await client.GetAsync<ComplaintDto>($"/v1/complaints/{complaint.Id}");

        var response = await client.SendWithIfMatchAsync(HttpMethod.Post, $"/v1/complaints/{complaint.Id}/transitions",
            new { to = "acknowledged", simpleCooperation = true }, current.Version);

        await ProblemAssert.NamesInvalidFieldAsync(response, "simpleCooperation");
    }

    private static Task<HttpResponseMessage> ExtendAsync(HttpClient client, DeadlineDto deadline, string period) =>
        client.SendWithIfMatchAsync(HttpMethod.Post, $"/v1/deadlines/{deadline.Id}/extend",
            new { period, reason = "The lead authority extended its investigation for complexity (Reg. (EU) 2025/2518 Art. 12)." }, deadline.Version);

    private static DeadlineStatus Status(DeadlineDto[] deadlines, string rule) => deadlines.Single(d => d.Rule == rule).Status;

    private static (string Rule, string DueDate) Summary(DeadlineDto deadline) => (deadline.Rule, $"{deadline.DueDate:O}");

    private async Task<HttpClient> OrganisationAsync()
    {
        var organisation = await api.SendAsync(new CaseApi.Features.Organisations.CreateOrganisation.Command("Procedural regulation org", "DE-NW", "Europe/Berlin"));
        return api.ClientFor(organisation.AdminKeySecret);
    }

    private async Task<(HttpClient Client, ComplaintDto Complaint)> LodgedAsync(Guid dpaId, string filedOn)
    {
        MoveClockTo($"{filedOn}T12:00:00Z");
        var client = await OrganisationAsync();
        return (client, await ComplaintAsync(client, dpaId, filedOn));
    }

    private static async Task<ComplaintDto> ComplaintAsync(HttpClient client, Guid dpaId, string? filedOn)
    {
        var defendant = await client.DefendantAsync();
        var @case = await client.CaseAsync(null, defendant.Id());
        return await client.CreatedAsync<ComplaintDto>($"/v1/cases/{@case.Id()}/complaints", new
        {
            defendantId = defendant.Id(), dpaId, onBehalfOf = "organisation", filedOn,
        });
    }

    private static async Task<ComplaintDto> StepAsync(HttpClient client, ComplaintDto complaint, object step)
    {
        var current = await client.GetAsync<ComplaintDto>($"/v1/complaints/{complaint.Id}");
        return await client.SendWithIfMatchAsync(HttpMethod.Post, $"/v1/complaints/{complaint.Id}/transitions", step, current.Version).ReadAsync<ComplaintDto>();
    }

    private static async Task<DeadlineDto[]> DeadlinesAsync(HttpClient client, ComplaintDto complaint) =>
        (await client.ItemsAsync<DeadlineDto>($"/v1/deadlines?caseId={complaint.CaseId}&limit=200")).Where(d => d.ComplaintId == complaint.Id).ToArray();

    private void MoveClockTo(string instant)
    {
        var at = DateTimeOffset.Parse(instant, CultureInfo.InvariantCulture);
        if (at > api.Clock.GetUtcNow())
        {
            api.Clock.SetUtcNow(at);
        }
    }
}
