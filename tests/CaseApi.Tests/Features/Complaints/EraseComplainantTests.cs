using System.Net.Http.Headers;
using CaseApi.Features.Correspondence;
using CaseApi.Features.Inbox;
using Dapper;
using MimeKit;

namespace CaseApi.Tests.Features.Complaints;

/// <summary>DELETE /v1/complainants/{id} and the complaint's correspondence (issue 15: kept original e-mails outlived the erasure).</summary>
public sealed class EraseComplainantTests(CaseApiFactory api) : IClassFixture<CaseApiFactory>
{
    [Fact]
    public async Task Erasing_a_complainant_deletes_the_kept_originals_of_the_complaint_s_e_mails_and_their_name_in_its_letters_and_mandate()
    {
        var world = await Letters.WorldAsync(api);
        var client = world.Client;
        var complaint = await client.ComplaintAsync(world.CaseId, world.DefendantId, "ie-dpc", filed: true);
        var draft = new
        {
            direction = "outgoing", type = "complaint_submission", dpaId = CaseApi.Features.Demo.DemoData.DpaId("ie-dpc"), complaintId = complaint.Id(),
            channel = "email", subject = "Complaint of Jane Doe against Meta",
            body = "Dear Sir or Madam,\n\nwe lodge this complaint on behalf of Jane Doe (jane@example.org), under her mandate.",
        };
        var idempotencyKey = Guid.NewGuid().ToString();
        var submission = await world.SendAsync(await client.CreatedAsync<LetterDto>($"/v1/cases/{world.CaseId}/letters", draft, idempotencyKey), "2025-06-06T10:00:00+02:00");
        // The authority's answer, threaded to the submission by In-Reply-To; it has no complaint of its own.
        var answer = Message("Re: Complaint of Jane Doe against Meta", "We have received the complaint of Ms Jane Doe, JANE@EXAMPLE.ORG, and will examine it.");
        answer.InReplyTo = submission.MessageId;
        answer.Body = new Multipart("mixed")
        {
            answer.Body!,
            new MimePart("application", "pdf")
            {
                FileName = "Acknowledgement Jane Doe.pdf", Content = new MimeContent(new MemoryStream(Pdf)), ContentTransferEncoding = ContentEncoding.Base64,
            },
        };
        var reply = await ImportAsync(world, answer);
        // Another matter of the case that happens to name her: not the complaint's correspondence, left alone.
        var unrelated = await ImportAsync(world, Message("Newsletter sign-up", "Jane Doe signed up for the newsletter."), $"?defendantId={world.DefendantId}");
        Assert.Equal(submission.Id, reply.GetProperty("inReplyToId").GetGuid());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/v1/letters/{reply.Id()}/original")).StatusCode);

        var erased = await client.DeleteAsync($"/v1/complainants/{complaint.GetProperty("complainants")[0].Id()}");

        Assert.Equal(HttpStatusCode.NoContent, erased.StatusCode);
        await ProblemAssert.IsProblemAsync(await client.GetAsync($"/v1/letters/{reply.Id()}/original"), HttpStatusCode.NotFound, "not_found");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/v1/letters/{unrelated.Id()}/original")).StatusCode);
        var sent = await client.GetAsync<LetterDto>($"/v1/letters/{submission.Id}");
        Assert.Equal("Complaint of Erased complainant against Meta", sent.Subject);
        Assert.Equal("Dear Sir or Madam,\n\nwe lodge this complaint on behalf of Erased complainant (Erased complainant), under her mandate.", sent.Body);
        Assert.Equal(submission.Version + 1, sent.Version);
        var answered = await client.GetFromJsonAsync<JsonElement>($"/v1/letters/{reply.Id()}");
        Assert.Equal("We have received the complaint of Ms Erased complainant, Erased complainant, and will examine it.", answered.GetProperty("body").GetString()!.Trim());
        Assert.Equal("Acknowledgement Erased complainant.pdf", answered.GetProperty("attachments")[0].GetProperty("fileName").GetString());
        // The mandate's name on the complaint (Arrange: "Mandate Jane Doe.pdf").
        var after = await client.GetFromJsonAsync<JsonElement>($"/v1/complaints/{complaint.Id()}");
        Assert.Equal("Mandate Erased complainant.pdf", after.GetProperty("mandateDocument").GetString());
        Assert.Equal("Jane Doe signed up for the newsletter.", (await client.GetFromJsonAsync<JsonElement>($"/v1/letters/{unrelated.Id()}")).GetProperty("body").GetString()!.Trim());

        // The response kept for a retry of the draft's creation showed her name: it is not replayed.
        using var retry = new HttpRequestMessage(HttpMethod.Post, $"/v1/cases/{world.CaseId}/letters") { Content = JsonContent.Create(draft) };
        retry.Headers.Add("Idempotency-Key", idempotencyKey);
        await ProblemAssert.IsProblemAsync(await client.SendAsync(retry), HttpStatusCode.Conflict, "idempotent_response_erased");

        await using var superUser = await api.OpenAsSuperUserAsync();
        Assert.Equal(0, await superUser.QuerySingleAsync<long>("SELECT count(*) FROM letter_originals WHERE letter_id = @id", new { id = reply.Id() }));
        Assert.Equal(0, await superUser.QuerySingleAsync<long>(
            "SELECT count(*) FROM letters WHERE id = ANY(@ids) AND (subject || coalesce(body, '')) ILIKE ANY(ARRAY['%jane doe%', '%jane@example.org%'])",
            new { ids = new[] { submission.Id, reply.Id() } }));
    }

    [Fact]
    public async Task Erasing_a_complainant_empties_the_inbox_s_copy_of_an_e_mail_that_became_a_letter_of_the_complaint()
    {
        var world = await Letters.WorldAsync(api);
        var client = world.Client;
        var complaint = await client.ComplaintAsync(world.CaseId, world.DefendantId, "ie-dpc", filed: true);
        var submission = await world.SendAsync(await client.CreatedAsync<LetterDto>($"/v1/cases/{world.CaseId}/letters", new
        {
            direction = "outgoing", type = "complaint_submission", dpaId = CaseApi.Features.Demo.DemoData.DpaId("ie-dpc"), complaintId = complaint.Id(),
            channel = "email", subject = "Complaint against Meta",
            body = "Dear Sir or Madam,\n\nwe lodge this complaint under our client's mandate.",
        }), "2025-06-06T10:00:00+02:00");
        // She wrote about it herself, without threading headers: the poller could not tell the case, and a lawyer assigned it from
        // the inbox. Only the sender names her, so the letter's text has nothing to redact: the inbox's copy and row are all there is.
        var mail = Message("Re: Complaint against Meta", "I agree with the complaint as filed.");
        mail.From.Clear();
        mail.From.Add(new MailboxAddress("Jane Doe", "jane@example.org"));
        var answer = await InboxMessages.FileAsync(api, world, MailMessages.Bytes(mail));
        var idempotencyKey = Guid.NewGuid().ToString();
        HttpRequestMessage Assignment()
        {
            var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/inbox/{answer.Id}/assign")
            {
                Content = JsonContent.Create(new { caseId = world.CaseId, inReplyToId = submission.Id }),
            };
            request.Headers.Add("Idempotency-Key", idempotencyKey);
            request.Headers.TryAddWithoutValidation("If-Match", "\"1\"");
            return request;
        }

        using var assigned = await client.SendAsync(Assignment());
        Assert.Equal(HttpStatusCode.OK, assigned.StatusCode);
        // A message that names her and became no letter of the complaint: whose it is, the erasure cannot tell.
        var other = await InboxMessages.FileAsync(api, world,
            MailMessages.Bytes(Message("Newsletter sign-up", "Jane Doe signed up for the newsletter.")));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/v1/inbox/{answer.Id}/original")).StatusCode);

        var erased = await client.DeleteAsync($"/v1/complainants/{complaint.GetProperty("complainants")[0].Id()}");

        Assert.Equal(HttpStatusCode.NoContent, erased.StatusCode);
        var problem = await ProblemAssert.IsProblemAsync(await client.GetAsync($"/v1/inbox/{answer.Id}/original"), HttpStatusCode.NotFound, "not_found");
        Assert.Contains("erased", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var after = await client.GetAsync<InboxMessageDto>($"/v1/inbox/{answer.Id}");
        Assert.Equal(("Re: Complaint against Meta", answer.Version + 2), (after.Subject, after.Version));
        Assert.Contains("jane@example.org", answer.From, StringComparison.Ordinal);
        Assert.DoesNotContain("jane", after.From, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/v1/inbox/{other.Id}/original")).StatusCode);
        // The response kept for a retry of the assignment showed the old subject: it is not replayed.
        using var retried = await client.SendAsync(Assignment());
        await ProblemAssert.IsProblemAsync(retried, HttpStatusCode.Conflict, "idempotent_response_erased");
        await using var superUser = await api.OpenAsSuperUserAsync();
        Assert.Equal((true, api.Clock.GetUtcNow()), await superUser.QuerySingleAsync<(bool, DateTimeOffset)>(
            "SELECT content IS NULL, content_erased_at FROM inbox_messages WHERE id = @id", new { id = answer.Id }));
        Assert.Equal(1, await superUser.QuerySingleAsync<int>("""
            SELECT (details ->> 'inboxCopiesErased')::int FROM timeline_entries WHERE kind = 'complainant.erased' AND case_id = @CaseId
            """, new { world.CaseId }));
    }

    private static readonly byte[] Pdf = "%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"u8.ToArray();

    private static MimeMessage Message(string subject, string text)
    {
        var message = new MimeMessage
        {
            Subject = subject,
            Date = new DateTimeOffset(2025, 6, 20, 11, 0, 0, TimeSpan.FromHours(2)),
            MessageId = $"{Guid.NewGuid()}@dataprotection.example",
            Body = new TextPart("plain") { Text = text },
        };
        message.From.Add(new MailboxAddress("Data Protection Commission", "info@dataprotection.example"));
        message.To.Add(new MailboxAddress("Letters org", "cases@letters.example"));
        return message;
    }

    private static async Task<JsonElement> ImportAsync(Letters.World world, MimeMessage message, string query = "")
    {
        using var raw = new MemoryStream();
        message.WriteTo(raw);
        var file = new ByteArrayContent(raw.ToArray());
        file.Headers.ContentType = new MediaTypeHeaderValue("message/rfc822");
        var response = await world.Client.PostAsync($"/v1/cases/{world.CaseId}/letters/import{query}", new MultipartFormDataContent { { file, "file", "message.eml" } });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
