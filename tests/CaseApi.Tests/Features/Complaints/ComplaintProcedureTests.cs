using System.Globalization;
using CaseApi.Features.Complaints;
using CaseApi.Features.Correspondence;
using CaseApi.Features.Deadlines;
using CaseApi.Features.Demo;
using CaseApi.Features.Timeline;

namespace CaseApi.Tests.Features.Complaints;

/// <summary>
/// Issue 12 (points 7, 8, 10, 11, 12): complaints and their GDPR Art. 78(2) periods as a court would see them. Dates are
/// computed by hand in the comments. Each test has an API and a database of its own: each moves its clock to its own dates.
/// The organisation is in North Rhine-Westphalia (Europe/Berlin): without the fixes, its reminders were German whoever read them.
/// </summary>
public sealed class ComplaintProcedureTests : IAsyncLifetime
{
    private readonly CaseApiFactory api = new();

    public Task InitializeAsync() => api.InitializeAsync();

    Task IAsyncLifetime.DisposeAsync() => ((IAsyncLifetime)api).DisposeAsync();

    private static readonly Guid Dpc = DemoData.DpaId("ie-dpc");
    private static readonly Guid Hamburg = DemoData.DpaId("de-hh-hmbbfdi");

    [Fact]
    public async Task Art_78_2_a_decision_on_1_May_2026_meets_the_running_period_and_no_reminder_is_drafted()
    {
        var (client, complaint) = await FiledComplaintAsync("ie-dpc");
        // Filed Thursday 12 February 2026: three months end on Tuesday 12 May 2026 (Reg. 1182/71 Art. 3(2)(c)).
        var period = await Art78PeriodsAsync(client, complaint.Id);
        Assert.Equal(DateOnly.Parse("2026-05-12"), Assert.Single(period).DueDate);

        MoveClockTo("2026-05-04T09:00:00Z");
        var decided = await StepAsync(client, complaint, new { to = "decided", at = "2026-05-01T10:00:00+02:00", outcome = "upheld" });
        var sweep = await SweepAtAsync("2026-05-13T00:00:00Z");

        var after = Assert.Single(await Art78PeriodsAsync(client, complaint.Id));
        Assert.Equal(DeadlineStatus.Met, after.Status);
        Assert.Equal(DateTimeOffset.Parse("2026-05-01T08:00:00Z", CultureInfo.InvariantCulture), after.MetAt);
        Assert.Equal((0, 0), (sweep.Missed, sweep.RemindersDrafted));
        Assert.Empty(await RemindersAsync(client, decided.CaseId));
    }

    [Theory]
    [InlineData("withdrawn")]
    [InlineData("closed")]
    public async Task Art_78_2_a_withdrawal_or_closing_waives_the_running_period_and_starts_none(string step)
    {
        var (client, complaint) = await FiledComplaintAsync("ie-dpc");
        MoveClockTo("2026-03-02T09:00:00Z");
        if (step == "closed")
        {
            complaint = await StepAsync(client, complaint, new { to = "decided", at = "2026-03-01T10:00:00+01:00", outcome = "settled" });
        }

        await StepAsync(client, complaint, new { to = step, at = "2026-03-02T09:00:00Z" });
        var sweep = await SweepAtAsync("2026-05-13T00:00:00Z");

        var only = Assert.Single(await Art78PeriodsAsync(client, complaint.Id));
        Assert.Equal(step == "closed" ? DeadlineStatus.Met : DeadlineStatus.Waived, only.Status);
        if (step == "withdrawn")
        {
            Assert.Contains("2026-03-02", only.WaivedReason, StringComparison.Ordinal);
        }

        Assert.Equal(0, sweep.RemindersDrafted);
    }

    [Fact]
    public async Task Art_78_2_after_a_transfer_the_lead_authority_s_period_runs_and_its_reminder_is_in_English_with_the_filing_date()
    {
        var (client, complaint) = await FiledComplaintAsync("de-hh-hmbbfdi");
        // Transferred Thursday 26 February 2026 to the DPC (Art. 56(1)): that meets Hamburg's period, and the DPC's three
        // months run to Tuesday 26 May 2026 (Whit Monday is 25 May).
        MoveClockTo("2026-02-27T09:00:00Z");
        await StepAsync(client, complaint, new { to = "transferred", at = "2026-02-26T10:00:00+01:00", transferredToDpaId = Dpc });

        var periods = (await Art78PeriodsAsync(client, complaint.Id)).OrderBy(p => p.DueDate).ToArray();
        Assert.Equal(2, periods.Length);
        Assert.Equal((Hamburg, DeadlineStatus.Met), (periods[0].DpaId, periods[0].Status));
        Assert.Equal((Dpc, DeadlineStatus.Open, DateOnly.Parse("2026-05-26")), (periods[1].DpaId, periods[1].Status, periods[1].DueDate));

        var sweep = await SweepAtAsync("2026-05-28T00:00:00Z");

        Assert.Equal((1, 1), (sweep.Missed, sweep.RemindersDrafted));
        var reminder = Assert.Single(await RemindersAsync(client, complaint.CaseId));
        Assert.Equal(Dpc, reminder.DpaId);
        var (subject, body) = (reminder.Subject, reminder.Body);
        // The DPC takes complaints in English and Irish (registry): English, with the filing date filled in.
        Assert.StartsWith("Progress of our complaint of 12 February 2026 – our ref. ", subject, StringComparison.Ordinal);
        Assert.Contains("On 12 February 2026 we lodged a complaint concerning \"Meta: training AI on EU users' posts\" with Der Hamburgische Beauftragte für Datenschutz und Informationsfreiheit, which handed it to you as the lead supervisory authority (Article 56(1) GDPR).", body, StringComparison.Ordinal);
        // GDPR Art. 80(1): lodged under the complainants' mandate, and the letter says so.
        Assert.Contains("under the mandate of the data subjects concerned, Article 80(1) GDPR", body, StringComparison.Ordinal);
        Assert.Contains("by 26 May 2026", body, StringComparison.Ordinal);
        Assert.DoesNotContain("Sehr geehrte", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_letter_from_the_authority_lodged_with_meets_the_lead_authority_s_period_Art_77_2_and_60_7()
    {
        var (client, complaint) = await FiledComplaintAsync("de-hh-hmbbfdi");
        MoveClockTo("2026-03-10T09:00:00Z");
        await StepAsync(client, complaint, new { to = "transferred", at = "2026-02-26T10:00:00+01:00", transferredToDpaId = Dpc });

        // Hamburg, still the complainant's contact, reports on Monday 9 March 2026; the DPC's next three months end Tuesday 9 June 2026.
        await client.CreatedAsync($"/v1/cases/{complaint.CaseId}/letters", new
        {
            direction = "incoming", type = "other", dpaId = Hamburg, complaintId = complaint.Id, channel = "email",
            subject = "Sachstand: Abgabe an die DPC", receivedAt = "2026-03-09T10:00:00+01:00",
        });

        var periods = (await Art78PeriodsAsync(client, complaint.Id)).OrderBy(p => p.DueDate).ToArray();
        Assert.Equal([DeadlineStatus.Met, DeadlineStatus.Met, DeadlineStatus.Open], periods.Select(p => p.Status));
        Assert.Equal((Dpc, DateOnly.Parse("2026-06-09")), (periods[2].DpaId, periods[2].DueDate));
    }

    [Fact]
    public async Task A_reminder_to_a_defendant_is_drafted_in_its_stated_language()
    {
        MoveClockTo("2026-03-02T09:00:00Z");
        var client = await OrganisationAsync();
        var defendant = await client.CreatedAsync("/v1/defendants", new { legalName = "Meta Platforms Ireland Limited", country = "IE", language = "en" });
        var @case = await client.CaseAsync(null, defendant.Id());
        var world = new Letters.World(client, @case.Id(), defendant.Id());
        // Sent Monday 2 March 2026 with P14D: due Monday 16 March 2026.
        await world.SendAsync(await world.DraftAsync(), "2026-03-02T10:00:00+01:00", "P14D");

        var sweep = await SweepAtAsync("2026-03-17T00:00:00Z");

        Assert.Equal(1, sweep.RemindersDrafted);
        var reminder = Assert.Single(await RemindersAsync(client, @case.Id()));
        Assert.Contains("In our letter of 2 March 2026 (\"Unterlassungsaufforderung\") we called on you", reminder.Body, StringComparison.Ordinal);
        Assert.Contains("by 16 March 2026", reminder.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_reminder_is_drafted_to_an_authority_that_accepts_no_language_of_the_built_in_templates()
    {
        // The Bulgarian CPDP takes complaints in Bulgarian only (registry); the built-in reminders are German and English.
        var (client, complaint) = await FiledComplaintAsync("bg-cpdp");

        var sweep = await SweepAtAsync("2026-05-13T00:00:00Z");

        Assert.Equal((1, 0), (sweep.Missed, sweep.RemindersDrafted));
        var timeline = await client.ItemsAsync<GetCaseTimeline.TimelineEntryDto>($"/v1/cases/{complaint.CaseId}/timeline?limit=200");
        Assert.Contains(timeline, e => e.Kind == "deadline.reminder_not_drafted");
    }

    [Fact]
    public async Task Art_60_7_and_8_after_a_transfer_a_rejection_is_the_authority_lodged_with_s_and_an_upholding_the_lead_s()
    {
        MoveClockTo("2026-03-02T09:00:00Z");
        var (client, rejected) = await TransferredComplaintAsync();
        var (_, upheld) = await TransferredComplaintAsync(client);
        var (_, byLead) = await TransferredComplaintAsync(client);
        var (_, unrelated) = await TransferredComplaintAsync(client);

        var rejection = await StepAsync(client, rejected, new { to = "decided", at = "2026-03-01T10:00:00+01:00", outcome = "rejected" });
        var upholding = await StepAsync(client, upheld, new { to = "decided", at = "2026-03-01T10:00:00+01:00", outcome = "upheld", fineAmount = 1000m, fineCurrency = "EUR" });
        var leadRejects = await client.SendWithIfMatchAsync(HttpMethod.Post, $"/v1/complaints/{byLead.Id}/transitions",
            new { to = "decided", outcome = "dismissed", decidedByDpaId = Dpc }, byLead.Version);
        var otherAuthority = await client.SendWithIfMatchAsync(HttpMethod.Post, $"/v1/complaints/{unrelated.Id}/transitions",
            new { to = "decided", outcome = "upheld", decidedByDpaId = DemoData.DpaId("fr-cnil") }, unrelated.Version);

        Assert.Equal((Hamburg, Dpc), (rejection.DpaId, rejection.TransferredToDpaId));
        Assert.Equal(Hamburg, rejection.DecidedByDpaId);
        Assert.Equal(Dpc, upholding.DecidedByDpaId);
        await ProblemAssert.IsProblemAsync(leadRejects, HttpStatusCode.Conflict, "dismissal_by_lead_authority");
        await ProblemAssert.IsProblemAsync(otherAuthority, HttpStatusCode.Conflict, "deciding_authority_unrelated");
    }

    [Theory]
    [InlineData("rejected")]
    [InlineData("dismissed")]
    public async Task Art_58_2_i_and_83_a_rejected_or_dismissed_complaint_carries_no_fine(string outcome)
    {
        var (client, complaint) = await FiledComplaintAsync("ie-dpc");
        MoveClockTo("2026-03-02T09:00:00Z");

        var response = await client.SendWithIfMatchAsync(HttpMethod.Post, $"/v1/complaints/{complaint.Id}/transitions",
            new { to = "decided", outcome, fineAmount = 1000m, fineCurrency = "EUR" }, complaint.Version);

        await ProblemAssert.NamesInvalidFieldAsync(response, "fineAmount");
    }

    [Fact]
    public async Task Art_78_1_and_3_an_appeal_records_who_brought_it_before_which_court_and_opens_its_deadline()
    {
        var (client, complaint) = await FiledComplaintAsync("de-hh-hmbbfdi");
        MoveClockTo("2026-03-10T09:00:00Z");
        complaint = await StepAsync(client, complaint, new { to = "decided", at = "2026-03-04T10:00:00+01:00", outcome = "upheld", fineAmount = 5000m, fineCurrency = "EUR" });
        // Notified Wednesday 4 March 2026: VwGO § 74(1) gives a month, to Saturday 4 April; VwGO § 57(2) with ZPO § 222(2)
        // moves it past Easter Monday (6 April) to Tuesday 7 April 2026. The lawyer gives the date; CaseApi keeps it.
        var incomplete = await client.SendWithIfMatchAsync(HttpMethod.Post, $"/v1/complaints/{complaint.Id}/transitions",
            new { to = "appealed", appealedBy = "controller" }, complaint.Version);
        var appealed = await StepAsync(client, complaint, new
        {
            to = "appealed", at = "2026-03-09T10:00:00+01:00", appealedBy = "controller", appealCourt = "Verwaltungsgericht Hamburg", appealDueOn = "2026-04-07",
        });

        var problem = await ProblemAssert.IsProblemAsync(incomplete, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("appealCourt", out _));
        Assert.True(problem.GetProperty("errors").TryGetProperty("appealDueOn", out _));
        Assert.Equal((Appellant.Controller, "Verwaltungsgericht Hamburg", Hamburg), (appealed.AppealedBy, appealed.AppealCourt, appealed.DecidedByDpaId));
        var deadlines = await client.ItemsAsync<DeadlineDto>($"/v1/deadlines?caseId={appealed.CaseId}&limit=200");
        var appeal = Assert.Single(deadlines, d => d.Kind == DeadlineKind.Appeal);
        Assert.Equal((DateOnly.Parse("2026-04-07"), DeadlineStatus.Open), (appeal.DueDate, appeal.Status));
        Assert.Contains("GDPR Art. 78(1), (3)", appeal.Computation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Art_80_a_complaint_shows_its_mandate_or_that_it_is_lodged_in_the_organisation_s_own_right()
    {
        MoveClockTo("2026-03-02T09:00:00Z");
        var client = await OrganisationAsync();
        var defendant = await client.DefendantAsync();
        var @case = await client.CaseAsync(null, defendant.Id());

        var mandated = await client.CreatedAsync<ComplaintDto>($"/v1/cases/{@case.Id()}/complaints", new
        {
            defendantId = defendant.Id(), dpaId = Dpc, onBehalfOf = "complainants", mandateDocument = "Mandate Jane Doe.pdf", mandateSignedOn = "2026-02-10",
            complainants = new[] { new { name = "Jane Doe" } },
        });
        var ownRight = await client.CreatedAsync<ComplaintDto>($"/v1/cases/{@case.Id()}/complaints", new { defendantId = defendant.Id(), dpaId = Dpc, onBehalfOf = "organisation" });

        Assert.Equal((OnBehalfOf.Complainants, "Mandate Jane Doe.pdf", DateOnly.Parse("2026-02-10")), (mandated.OnBehalfOf, mandated.MandateDocument, mandated.MandateSignedOn));
        Assert.Equal((OnBehalfOf.Organisation, (string?)null), (ownRight.OnBehalfOf, ownRight.MandateDocument));
    }

    private async Task<HttpClient> OrganisationAsync()
    {
        var organisation = await api.SendAsync(new CaseApi.Features.Organisations.CreateOrganisation.Command("Procedure org", "DE-NW", "Europe/Berlin"));
        return api.ClientFor(organisation.AdminKeySecret);
    }

    /// <summary>A complaint lodged under the complainants' mandate on Thursday 12 February 2026.</summary>
    private async Task<(HttpClient Client, ComplaintDto Complaint)> FiledComplaintAsync(string dpaCode, HttpClient? client = null)
    {
        MoveClockTo("2026-02-12T12:00:00Z");
        client ??= await OrganisationAsync();
        var defendant = await client.DefendantAsync();
        var @case = await client.CaseAsync(null, defendant.Id());
        var complaint = await client.CreatedAsync<ComplaintDto>($"/v1/cases/{@case.Id()}/complaints", new
        {
            defendantId = defendant.Id(), dpaId = DemoData.DpaId(dpaCode), onBehalfOf = "complainants", mandateDocument = "Mandate Jane Doe.pdf",
            filedOn = "2026-02-12", complainants = new[] { new { name = "Jane Doe" } },
        });
        return (client, complaint);
    }

    private async Task<(HttpClient Client, ComplaintDto Complaint)> TransferredComplaintAsync(HttpClient? client = null)
    {
        var (own, complaint) = await FiledComplaintAsync("de-hh-hmbbfdi", client);
        return (own, await StepAsync(own, complaint, new { to = "transferred", at = "2026-02-26T10:00:00+01:00", transferredToDpaId = Dpc }));
    }

    private static Task<ComplaintDto> StepAsync(HttpClient client, ComplaintDto complaint, object step) =>
        client.SendWithIfMatchAsync(HttpMethod.Post, $"/v1/complaints/{complaint.Id}/transitions", step, complaint.Version).ReadAsync<ComplaintDto>();

    private static async Task<DeadlineDto[]> Art78PeriodsAsync(HttpClient client, Guid complaintId)
    {
        var complaint = await client.GetAsync<ComplaintDto>($"/v1/complaints/{complaintId}");
        return (await client.ItemsAsync<DeadlineDto>($"/v1/deadlines?caseId={complaint.CaseId}&limit=200"))
            .Where(d => d.Kind == DeadlineKind.DpaProgress && d.ComplaintId == complaintId).ToArray();
    }

    private static async Task<LetterDto[]> RemindersAsync(HttpClient client, Guid caseId) =>
        (await client.ItemsAsync<LetterDto>($"/v1/cases/{caseId}/letters")).Where(l => l.Type == LetterType.Reminder).ToArray();

    private async Task<SweepDeadlines.Result> SweepAtAsync(string instant)
    {
        MoveClockTo(instant);
        var total = new SweepDeadlines.Result(0, 0, 0, 0, 0);
        while (await api.SendAsync(new SweepDeadlines.Command(BatchSize: 50)) is { Claimed: > 0 } result)
        {
            total = new(total.Claimed + result.Claimed, total.DueSoon + result.DueSoon, total.Missed + result.Missed,
                total.RemindersDrafted + result.RemindersDrafted, total.CasesEscalated + result.CasesEscalated);
            if (result is { DueSoon: 0, Missed: 0, RemindersDrafted: 0, CasesEscalated: 0 })
            {
                break;
            }
        }

        return total;
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
