using System.Text.RegularExpressions;
using CaseApi.Features.Correspondence;
using CaseApi.Features.Demo;
using CaseApi.Features.LetterTemplates;

namespace CaseApi.Tests.Features.LetterTemplates;

/// <summary>
/// Issue 12 point 8: a reminder never goes out with an empty merge field ("Beschwerde vom  –"). Every built-in template is
/// rendered, through the API, for every kind of letter it serves, with each merge field it outputs wrapped in markers
/// (⟦…⟧): an empty pair is a blank in the letter.
/// </summary>
public sealed class BuiltInTemplateBlanksTests(CaseApiFactory api) : IClassFixture<CaseApiFactory>
{
    private static readonly Regex Output = new(@"\{\{(.*?)\}\}", RegexOptions.Singleline);
    private static readonly Regex Blank = new(@"⟦\s*⟧");

    [Fact]
    public async Task Every_built_in_template_fills_every_merge_field_for_every_letter_it_serves()
    {
        var world = await Letters.WorldAsync(api);
        var client = world.Client;
        var dpc = DemoData.DpaId("ie-dpc");
        var hamburg = DemoData.DpaId("de-hh-hmbbfdi");
        var withAddress = await client.CreatedAsync("/v1/defendants", new { legalName = "Meta Platforms Ireland Limited", address = "Merrion Road, Dublin 4", language = "en" });
        var caseWithAddress = await client.CaseAsync(null, withAddress.Id());

        // A cease-and-desist letter answered: to a defendant with an address, and to one without (world's defendant).
        var ceaseAndDesist = await world.SendAsync(await world.DraftAsync(), "2025-04-30T10:00:00+02:00", "P14D");
        var addressed = new Letters.World(client, caseWithAddress.Id(), withAddress.Id());
        var ceaseAndDesistAddressed = await addressed.SendAsync(await addressed.DraftAsync(), "2025-04-30T10:00:00+02:00", "P14D");
        var information = await world.SendAsync(await world.DraftAsync("request_for_information"), "2025-04-30T10:00:00+02:00", "P14D");

        // Complaints: under a mandate with the authority's reference (the sweep's case: no letter of ours, only the complaint),
        // in the organisation's own right after a transfer, and one whose submission letter is answered.
        var mandated = await client.CreatedAsync($"/v1/cases/{world.CaseId}/complaints", new
        {
            defendantId = world.DefendantId, dpaId = dpc, onBehalfOf = "complainants", mandateDocument = "Mandate.pdf", dpaReference = "C-25-6-1",
            filedOn = "2025-06-06", complainants = new[] { new { name = "Jane Doe" } },
        });
        var ownRight = await client.CreatedAsync($"/v1/cases/{world.CaseId}/complaints",
            new { defendantId = world.DefendantId, dpaId = hamburg, onBehalfOf = "organisation", filedOn = "2025-06-06" });
        var transfer = await client.SendWithIfMatchAsync(HttpMethod.Post, $"/v1/complaints/{ownRight.Id()}/transitions",
            new { to = "transferred", at = "2025-06-20T10:00:00+02:00", transferredToDpaId = dpc }, ownRight.GetProperty("version").GetInt32());
        Assert.Equal(HttpStatusCode.OK, transfer.StatusCode);
        var submission = await world.SendAsync(await client.CreatedAsync<LetterDto>($"/v1/cases/{world.CaseId}/letters", new
        {
            direction = "outgoing", type = "complaint_submission", dpaId = dpc, channel = "email", subject = "Complaint: Meta AI training", complaintId = mandated.Id(),
        }), "2025-06-06T10:00:00+02:00");

        var defendantLetters = new (string Name, Guid CaseId, object Letter)[]
        {
            ("cease-and-desist, defendant without address", world.CaseId, new { defendantId = world.DefendantId, inReplyTo = ceaseAndDesist.Id }),
            ("cease-and-desist, defendant with address", caseWithAddress.Id(), new { defendantId = withAddress.Id(), inReplyTo = ceaseAndDesistAddressed.Id }),
            ("request for information", world.CaseId, new { defendantId = world.DefendantId, inReplyTo = information.Id }),
        };
        var authorityLetters = new (string Name, Guid CaseId, object Letter)[]
        {
            ("Art. 78(2) period of a complaint under a mandate", world.CaseId, new { dpaId = dpc, complaintId = mandated.Id() }),
            ("Art. 78(2) period of a transferred complaint in the organisation's own right", world.CaseId, new { dpaId = dpc, complaintId = ownRight.Id() }),
            ("complaint submission answered", world.CaseId, new { dpaId = dpc, inReplyTo = submission.Id }),
        };
        var serves = new Dictionary<BuiltInLetterTemplate, (string Name, Guid CaseId, object Letter)[]>
        {
            [BuiltInLetterTemplates.CeaseAndDesistReminderDe] = defendantLetters[..2],
            [BuiltInLetterTemplates.CeaseAndDesistReminderEn] = defendantLetters[..2],
            [BuiltInLetterTemplates.DpaSilenceReminderDe] = authorityLetters,
            [BuiltInLetterTemplates.DpaSilenceReminderEn] = authorityLetters,
            [BuiltInLetterTemplates.ReminderDe] = [.. defendantLetters, authorityLetters[2]],
            [BuiltInLetterTemplates.ReminderEn] = [.. defendantLetters, authorityLetters[2]],
        };
        Assert.Equal(BuiltInLetterTemplates.All.Select(t => t.Key).Order(), serves.Keys.Select(t => t.Key).Order());

        var blanks = new List<string>();
        foreach (var (template, letters) in serves)
        {
            var marked = await client.CreatedAsync("/v1/letter-templates", new
            {
                name = $"marked {template.Key}", letterType = "reminder", language = template.Language,
                subject = Output.Replace(template.Subject, "⟦{{$1}}⟧"), body = Output.Replace(template.Body, "⟦{{$1}}⟧"),
            });
            foreach (var (name, caseId, letter) in letters)
            {
                var fields = JsonSerializer.SerializeToNode(letter)!.AsObject();
                fields["direction"] = "outgoing";
                fields["type"] = "reminder";
                fields["channel"] = "email";
                fields["templateId"] = marked.Id();
                var drafted = await client.CreatedAsync($"/v1/cases/{caseId}/letters", fields);
                var text = drafted.GetProperty("subject").GetString() + "\n" + drafted.GetProperty("body").GetString();
                if (Blank.IsMatch(text) || text.Contains("{{", StringComparison.Ordinal))
                {
                    blanks.Add($"{template.Key} for {name}:\n{text}");
                }
            }
        }

        Assert.True(blanks.Count == 0, string.Join("\n\n", blanks));
    }
}
