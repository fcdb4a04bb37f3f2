using CaseApi.Features.Correspondence;
using CaseApi.Features.Demo;
using CaseApi.Features.LetterTemplates;
using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Data;
using Microsoft.Extensions.DependencyInjection;

namespace CaseApi.Tests.Features.LetterTemplates;

public sealed class RenderingTests(CaseApiFactory api) : IClassFixture<CaseApiFactory>
{
    [Fact]
    public async Task The_German_reminder_after_a_cease_and_desist_letter_names_its_date_and_deadline()
    {
        var world = await Letters.WorldAsync(api);
        var sent = await world.SendAsync(await world.DraftAsync(), "2025-04-30T10:00:00+02:00", "P14D");
        var reference = await ReferenceAsync(world);

        var reminder = await world.Client.CreatedAsync($"/v1/cases/{world.CaseId}/letters", new
        {
            direction = "outgoing", type = "reminder", defendantId = world.DefendantId, channel = "registered_post",
            inReplyTo = sent.Id, templateId = BuiltInLetterTemplates.CeaseAndDesistReminderDe.Id,
        });

        var body = reminder.GetProperty("body").GetString()!;
        Assert.Equal($"Erinnerung: unser Schreiben vom 30. April 2025 – Unser Zeichen {reference}", reminder.GetProperty("subject").GetString());
        Assert.Contains("mit unserem Schreiben vom 30. April 2025 („Unterlassungsaufforderung“) haben wir Sie aufgefordert", body, StringComparison.Ordinal);
        Assert.Contains("bis zum 14. Mai 2025 eine strafbewehrte Unterlassungserklärung abzugeben", body, StringComparison.Ordinal);
        // The address, place and date are the PDF's (LetterDocument); an e-mail has none: the body starts at the salutation.
        Assert.StartsWith("Sehr geehrte Damen und Herren,\n", body, StringComparison.Ordinal);
        Assert.DoesNotContain("31. Dezember 2025", body, StringComparison.Ordinal);
        Assert.EndsWith("Mit freundlichen Grüßen\n\nLetters org", body.TrimEnd(), StringComparison.Ordinal);
        Assert.Equal("draft", reminder.GetProperty("status").GetString());
    }

    [Fact]
    public async Task The_English_reminder_after_a_cease_and_desist_letter_is_drafted_for_a_job_through_its_own_unit_of_work()
    {
        var world = await Letters.WorldAsync(api);
        var sent = await world.SendAsync(await world.DraftAsync(), "2025-04-30T10:00:00+02:00", "P14D");

        var reminder = await RenderAsAJobAsync(world, renderer => renderer.RenderDefaultReminderAsync(LetterType.CeaseAndDesist, null, "en",
            new TemplateInput(world.CaseId, world.DefendantId, null, sent.Id), CancellationToken.None));

        Assert.StartsWith("Reminder: our letter of 30 April 2025", reminder.Subject, StringComparison.Ordinal);
        Assert.Contains("In our letter of 30 April 2025 (\"Unterlassungsaufforderung\") we called on you", reminder.Body, StringComparison.Ordinal);
        Assert.Contains("by 14 May 2025, an undertaking to cease and desist", reminder.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_reminder_after_an_authority_s_silence_names_the_Art_78_2_deadline_and_the_authority()
    {
        var world = await Letters.WorldAsync(api);
        var dpc = DemoData.DpaId("ie-dpc");
        var complaint = await world.Client.CreatedAsync($"/v1/cases/{world.CaseId}/complaints",
            new { defendantId = world.DefendantId, dpaId = dpc, onBehalfOf = "organisation", filedOn = "2024-06-06" });
        var submission = await world.Client.CreatedAsync<LetterDto>($"/v1/cases/{world.CaseId}/letters", new
        {
            direction = "outgoing", type = "complaint_submission", dpaId = dpc, channel = "email", subject = "Complaint: Meta AI training",
            complaintId = complaint.Id(),
        });
        await world.SendAsync(submission, "2024-06-06T10:00:00+02:00");

        Task<RenderedLetter> ReminderAsync(string language) => RenderAsAJobAsync(world, renderer => renderer.RenderDefaultReminderAsync(
            LetterType.ComplaintSubmission, dpc, language, new TemplateInput(world.CaseId, null, dpc, submission.Id), CancellationToken.None));

        var german = await ReminderAsync("de");
        var english = await ReminderAsync("en");

        Assert.StartsWith("Sehr geehrte Damen und Herren,\n", german.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("Fitzwilliam Square", german.Body, StringComparison.Ordinal);
        // The complaint's filing date, from the complaint (GDPR Art. 80(2): lodged in the organisation's own right).
        Assert.Contains("am 6. Juni 2024 haben wir bei Ihnen Beschwerde", german.Body, StringComparison.Ordinal);
        Assert.Contains("im eigenen Namen nach Art. 80 Abs. 2 DSGVO", german.Body, StringComparison.Ordinal);
        Assert.Contains("Nach Art. 78 Abs. 2 DSGVO hätten Sie uns bis zum 6. September 2024", german.Body, StringComparison.Ordinal);
        Assert.Contains("On 6 June 2024 we lodged a complaint", english.Body, StringComparison.Ordinal);
        Assert.Contains("by 6 September 2024", english.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_letter_created_from_a_template_has_the_rendered_subject_and_body()
    {
        var world = await Letters.WorldAsync(api);
        var reference = await ReferenceAsync(world);
        var template = await world.Client.CreatedAsync("/v1/letter-templates", new
        {
            name = "Abmahnung", letterType = "cease_and_desist", language = "de",
            subject = "Abmahnung – Unser Zeichen {{ case.reference }}",
            body = "An {{ defendant.legal_name }}{% if dpa %}, {{ dpa.english_name }}{% endif %}\nStand: {{ today | date_long }}\nVorgang: {{ answered.subject }}",
        });

        var letter = await world.Client.CreatedAsync($"/v1/cases/{world.CaseId}/letters", new
        {
            direction = "outgoing", type = "cease_and_desist", defendantId = world.DefendantId, channel = "email", templateId = template.Id(),
        });
        var ownSubject = await world.Client.CreatedAsync($"/v1/cases/{world.CaseId}/letters", new
        {
            direction = "outgoing", type = "cease_and_desist", defendantId = world.DefendantId, channel = "email", templateId = template.Id(),
            subject = "Eigener Betreff",
        });

        Assert.Equal($"Abmahnung – Unser Zeichen {reference}", letter.GetProperty("subject").GetString());
        Assert.Equal("An Meta Platforms Ireland Limited\nStand: 31. Dezember 2025\nVorgang: ", letter.GetProperty("body").GetString());
        Assert.Equal("Eigener Betreff", ownSubject.GetProperty("subject").GetString());
        Assert.Equal(letter.GetProperty("body").GetString(), ownSubject.GetProperty("body").GetString());
    }

    [Fact]
    public async Task A_letter_needs_a_subject_or_a_template_and_only_outgoing_letters_take_a_template()
    {
        var world = await Letters.WorldAsync(api);

        var neither = await world.Client.PostAsJsonAsync($"/v1/cases/{world.CaseId}/letters", new
        {
            direction = "outgoing", type = "cease_and_desist", defendantId = world.DefendantId, channel = "email",
        });
        var emptyWithTemplate = await world.Client.PostAsJsonAsync($"/v1/cases/{world.CaseId}/letters", new
        {
            direction = "outgoing", type = "reminder", defendantId = world.DefendantId, channel = "email", subject = "",
            templateId = BuiltInLetterTemplates.ReminderDe.Id,
        });
        var incoming = await world.Client.PostAsJsonAsync($"/v1/cases/{world.CaseId}/letters", new
        {
            direction = "incoming", type = "reply", defendantId = world.DefendantId, channel = "email", subject = "Re",
            templateId = BuiltInLetterTemplates.ReminderDe.Id,
        });

        await ProblemAssert.NamesInvalidFieldAsync(neither, "subject");
        await ProblemAssert.NamesInvalidFieldAsync(emptyWithTemplate, "subject");
        await ProblemAssert.NamesInvalidFieldAsync(incoming, "templateId");
    }

    private static async Task<string> ReferenceAsync(Letters.World world) =>
        (await world.Client.GetFromJsonAsync<JsonElement>($"/v1/cases/{world.CaseId}")).GetProperty("reference").GetString()!;

    /// <summary>As the escalation job will: its own scope and unit of work, acting for the case's organisation.</summary>
    private async Task<RenderedLetter> RenderAsAJobAsync(Letters.World world, Func<LetterTemplateRenderer, Task<RenderedLetter>> render)
    {
        var organisationId = (await world.Client.GetFromJsonAsync<JsonElement>("/v1/organisation")).Id();
        await using var scope = api.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CallerContext>().ActFor(organisationId);
        await scope.ServiceProvider.GetRequiredService<DbSession>().BeginAsync(readOnly: true, CancellationToken.None);
        return await render(scope.ServiceProvider.GetRequiredService<LetterTemplateRenderer>());
    }
}
