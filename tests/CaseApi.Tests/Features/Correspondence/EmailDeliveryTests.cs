using CaseApi.Features.Correspondence;
using CaseApi.Features.Deadlines;
using CaseApi.Infrastructure.Json;
using CaseApi.Tests.Features.Organisations;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using SmtpServer.Protocol;

namespace CaseApi.Tests.Features.Correspondence;

/// <summary>
/// Issue 15 point 2: e-mail letters delivered through a real SMTP server (SmtpServer in the test process) with the organisation's mailbox on
/// a real Dovecot, both on the loopback interface, which only <c>Mail:AllowPrivateAddresses</c> permits. The dispatcher runs when the test
/// says so, on the fake clock: pauses of 60 and 300 s between three attempts, the mailbox looked into every 60 s, a lost attempt after 600 s.
/// </summary>
public sealed class EmailDeliveryTests(EmailDeliveryTests.Loopback api, Dovecot dovecot) : IClassFixture<EmailDeliveryTests.Loopback>, IClassFixture<Dovecot>, IAsyncLifetime
{
    public sealed class Loopback : CaseApiFactory
    {
        protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
        {
            ["Mail:AllowPrivateAddresses"] = "true", ["Mail:RetrySeconds:0"] = "60", ["Mail:RetrySeconds:1"] = "300",
            ["Mail:WitnessCheckSeconds"] = "60", ["Mail:WitnessGraceSeconds"] = "600",
        };
    }

    private const string SmtpPassword = "smtp-Deliver-7f3a1c";

    private LoopbackSmtp smtp = null!;

    public Task InitializeAsync()
    {
        smtp = new LoopbackSmtp(dovecot.Certificate, SmtpPassword);
        smtp.CopyTo(dovecot, "ngo.example");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await smtp.DisposeAsync();

    [Fact]
    public async Task A_letter_arrives_with_its_Message_ID_reply_address_attachments_and_PDF_and_its_deadline_runs_from_the_server_s_acceptance()
    {
        // Monday 30 November 2026, 09:15 UTC (10:15 in Berlin), after every other test's clock.
        api.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 30, 9, 15, 0, TimeSpan.Zero));
        var (world, draft) = await EmailDraftAsync();
        var attachment = "%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"u8.ToArray();
        var file = new ByteArrayContent(attachment) { Headers = { ContentType = new("application/pdf") } };
        using (var uploaded = await world.Client.PostAsync($"/v1/letters/{draft.Id}/attachments", new MultipartFormDataContent { { file, "file", "vollmacht.pdf" } }))
        {
            Assert.Equal(HttpStatusCode.Created, uploaded.StatusCode);
        }

        var queued = await SendAsync(world, draft.Id, new { responsePeriod = "P14D", attachDocument = true });
        Assert.Equal(LetterStatus.Sending, queued.Status);
        Assert.Null(queued.SentAt);
        Assert.Empty(smtp.Accepted);
        api.Clock.Advance(TimeSpan.FromSeconds(3));
        await DispatchAsync();

        var (recipients, message) = Assert.Single(smtp.Accepted);
        var token = await MailTokenAsync(world.CaseId);
        Assert.Equal($"{draft.Id}@caseapi.invalid", message.MessageId);
        Assert.Equal(["legal@meta.example"], message.To.Mailboxes.Select(m => m.Address));
        Assert.Equal(["cases@ngo.example"], message.From.Mailboxes.Select(m => m.Address));
        Assert.Equal([$"cases+{token}@ngo.example"], message.ReplyTo.Mailboxes.Select(m => m.Address));
        // The reply address is the form the importer's threading reads a case's token from.
        Assert.Equal(token, ThreadClues.MailToken(message.ReplyTo.Mailboxes.Single().Address));
        // The copy for the organisation's mailbox travels as Bcc: in the envelope, not in the headers.
        Assert.Equal(["legal@meta.example", $"cases+{token}@ngo.example"], recipients);
        Assert.Empty(message.Bcc);
        Assert.Equal("Unterlassungsaufforderung", message.Subject);
        Assert.Equal("Sehr geehrte Damen und Herren, …", message.TextBody);
        var parts = message.Attachments.OfType<MimePart>().ToArray();
        Assert.Equal(("vollmacht.pdf", "application/pdf"), (parts[0].FileName, parts[0].ContentType.MimeType));
        Assert.Equal(attachment, Content(parts[0]));
        Assert.Equal("application/pdf", parts[1].ContentType.MimeType);
        Assert.EndsWith("-2026-11-30.pdf", parts[1].FileName, StringComparison.Ordinal);
        Assert.StartsWith("%PDF-", System.Text.Encoding.ASCII.GetString(Content(parts[1])[..5]), StringComparison.Ordinal);

        var sent = await LetterAsync(world, draft.Id);
        Assert.Equal(LetterStatus.Sent, sent.Status);
        Assert.Equal($"{draft.Id}@caseapi.invalid", sent.MessageId);
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 9, 15, 3, TimeSpan.Zero), sent.SentAt);
        // P14D from Monday 30 November 2026 (the day of sending does not count): Monday 14 December, to 24:00 in Berlin (23:00 UTC).
        Assert.Equal(DateOnly.Parse("2026-12-14"), sent.Deadline!.DueDate);
        Assert.Equal(new DateTimeOffset(2026, 12, 14, 23, 0, 0, TimeSpan.Zero), sent.Deadline.DueAt);
        Assert.Equal(["letter.sending", "letter.sent"], await EventTypesAsync(draft.Id));
    }

    [Fact]
    public async Task A_server_turning_the_message_away_for_now_gets_it_again_after_each_pause_and_then_it_is_sent()
    {
        var (world, draft) = await EmailDraftAsync();
        smtp.Script(new LoopbackSmtp.Answer(new SmtpResponse((SmtpReplyCode)451, "try later")), new LoopbackSmtp.Answer(new SmtpResponse((SmtpReplyCode)421, "busy")));
        var seen = smtp.MessagesSeen;
        await SendAsync(world, draft.Id, new { responsePeriod = "P14D" });
        var queuedAt = api.Clock.GetUtcNow();

        await DispatchAsync();
        Assert.Equal((seen + 1, LetterStatus.Sending), (smtp.MessagesSeen, await StatusAsync(world, draft.Id)));
        api.Clock.Advance(TimeSpan.FromSeconds(59));
        await DispatchAsync();
        Assert.Equal(seen + 1, smtp.MessagesSeen);
        api.Clock.Advance(TimeSpan.FromSeconds(1));
        await DispatchAsync();
        Assert.Equal((seen + 2, LetterStatus.Sending), (smtp.MessagesSeen, await StatusAsync(world, draft.Id)));
        api.Clock.Advance(TimeSpan.FromSeconds(299));
        await DispatchAsync();
        Assert.Equal(seen + 2, smtp.MessagesSeen);
        api.Clock.Advance(TimeSpan.FromSeconds(1));
        await DispatchAsync();

        var sent = await LetterAsync(world, draft.Id);
        Assert.Equal((seen + 3, LetterStatus.Sent), (smtp.MessagesSeen, sent.Status));
        Assert.Equal(queuedAt + TimeSpan.FromSeconds(360), sent.SentAt);
        Assert.Single(smtp.Accepted, a => a.Message.MessageId == $"{draft.Id}@caseapi.invalid");
    }

    [Fact]
    public async Task A_server_refusing_the_message_fails_the_letter_with_the_reason_and_an_alarm_due_today_which_a_later_send_meets()
    {
        var (world, draft) = await EmailDraftAsync();
        smtp.Script(new LoopbackSmtp.Answer(new SmtpResponse((SmtpReplyCode)554, "policy")));
        await SendAsync(world, draft.Id, new { responsePeriod = "P14D" });

        await DispatchAsync();

        var failed = await LetterAsync(world, draft.Id);
        Assert.Equal(LetterStatus.Failed, failed.Status);
        Assert.Equal("SMTP: the server refused the message (554).", failed.DeliveryFailure);
        Assert.Null(failed.Deadline);
        var alarm = await AlarmAsync(world);
        Assert.Equal((DeadlineStatus.Open, DeadlineKind.Procedural, draft.Id), (alarm.Status, alarm.Kind, alarm.LetterId));
        // Due at the end of the day of the failure where the organisation is.
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(api.Clock.GetUtcNow(), TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin")).DateTime);
        Assert.Equal(today, alarm.DueDate);
        Assert.StartsWith("CaseApi could not deliver the e-mail letter \"Unterlassungsaufforderung\" (SMTP: the server refused the message (554).)",
            alarm.Computation, StringComparison.Ordinal);
        // The strict read took every field of the body, so the letter written back holds all of it.
        Assert.DoesNotContain(SmtpPassword, JsonSerializer.Serialize(failed, JsonSetup.Api), StringComparison.Ordinal);

        await SendAsync(world, draft.Id, new { responsePeriod = "P14D" }, failed.Version);
        await DispatchAsync();

        Assert.Equal(LetterStatus.Sent, await StatusAsync(world, draft.Id));
        Assert.Equal(DeadlineStatus.Met, (await AlarmAsync(world)).Status);
        Assert.Equal(["letter.sending", "letter.delivery_failed", "letter.sending", "letter.sent"], await EventTypesAsync(draft.Id));
    }

    [Fact]
    public async Task An_attempt_broken_off_after_the_server_stored_the_message_is_resolved_from_the_mailbox_copy_and_not_sent_again()
    {
        var (world, draft) = await EmailDraftAsync();
        var acceptedAt = new DateTimeOffset(2026, 1, 5, 8, 0, 0, TimeSpan.Zero);
        smtp.Clock = () => acceptedAt;
        smtp.Script(new LoopbackSmtp.Answer(Drop: true));
        var seen = smtp.MessagesSeen;
        await SendAsync(world, draft.Id, new { responsePeriod = "P14D" });

        await DispatchAsync();
        Assert.Equal(LetterStatus.Sending, await StatusAsync(world, draft.Id));
        api.Clock.Advance(TimeSpan.FromSeconds(60));
        await DispatchAsync();

        var sent = await LetterAsync(world, draft.Id);
        Assert.Equal(LetterStatus.Sent, sent.Status);
        Assert.Equal(acceptedAt, sent.SentAt);
        // P14D from Monday 5 January 2026: Monday 19 January.
        Assert.Equal(DateOnly.Parse("2026-01-19"), sent.Deadline!.DueDate);
        Assert.Equal(seen + 1, smtp.MessagesSeen);
    }

    [Fact]
    public async Task An_attempt_broken_off_without_a_mailbox_to_search_is_never_sent_again_and_fails_as_outcome_unknown()
    {
        var (world, draft) = await EmailDraftAsync(imapPort: TestCertificate.FreePort());
        smtp.Script(new LoopbackSmtp.Answer(Store: false, Drop: true));
        var seen = smtp.MessagesSeen;
        await SendAsync(world, draft.Id, new { responsePeriod = "P14D" });

        await DispatchAsync();
        foreach (var pause in new[] { 60, 60, 300 })
        {
            Assert.Equal(LetterStatus.Sending, await StatusAsync(world, draft.Id));
            api.Clock.Advance(TimeSpan.FromSeconds(pause));
            await DispatchAsync();
        }

        var failed = await LetterAsync(world, draft.Id);
        Assert.Equal(LetterStatus.Failed, failed.Status);
        Assert.StartsWith("Outcome unknown: the connection broke off before the server confirmed attempt 1", failed.DeliveryFailure, StringComparison.Ordinal);
        Assert.Equal(DeadlineStatus.Open, (await AlarmAsync(world)).Status);
        api.Clock.Advance(TimeSpan.FromDays(1));
        await DispatchAsync();
        Assert.Equal(seen + 1, smtp.MessagesSeen);
    }

    [Fact]
    public async Task An_email_letter_without_an_address_is_refused_naming_the_field_and_one_sent_outside_CaseApi_is_recorded_as_before()
    {
        var (world, draft) = await EmailDraftAsync(recipient: null);
        var seen = smtp.MessagesSeen;

        using var missing = await world.Client.SendWithIfMatchAsync(HttpMethod.Post, $"/v1/letters/{draft.Id}/send", new { responsePeriod = "P14D" }, 1);
        var problem = await ProblemAssert.IsProblemAsync(missing, HttpStatusCode.UnprocessableEntity, "recipient_address_missing");
        Assert.Equal("recipientAddress", problem.GetProperty("field").GetString());

        using var recorded = await world.Client.SendWithIfMatchAsync(HttpMethod.Post, $"/v1/letters/{draft.Id}/send",
            new { sentAt = "2025-12-30T10:00:00+01:00", responsePeriod = "P14D" }, 1);
        var letter = await recorded.ReadAsync<LetterDto>();
        Assert.Equal((LetterStatus.Sent, DateOnly.Parse("2026-01-13")), (letter.Status, letter.Deadline?.DueDate));
        await DispatchAsync();
        Assert.Equal(seen, smtp.MessagesSeen);
    }

    [Fact]
    public async Task A_letter_goes_to_the_address_set_on_the_draft_and_without_one_to_the_defendant_s_or_the_authority_s_published_address()
    {
        var (world, draft) = await EmailDraftAsync(recipient: null);
        var toDefendant = await world.Client.CreatedAsync<LetterDto>($"/v1/cases/{world.CaseId}/letters", new
        {
            direction = "outgoing", type = "reminder", defendantId = world.DefendantId, channel = "email", subject = "Erinnerung", body = "…",
        });
        using (var defendant = await world.Client.SendWithIfMatchAsync(HttpMethod.Patch, $"/v1/defendants/{world.DefendantId}", new { email = "rechtsabteilung@meta.example" }, 1))
        {
            Assert.Equal(HttpStatusCode.OK, defendant.StatusCode);
        }

        using var patched = await world.Client.SendWithIfMatchAsync(HttpMethod.Patch, $"/v1/letters/{draft.Id}", new { recipientAddress = "datenschutz@meta.example" }, 1);
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        using var invalid = await world.Client.SendWithIfMatchAsync(HttpMethod.Patch, $"/v1/letters/{draft.Id}", new { recipientAddress = "Meta <legal@meta.example>" }, 2);
        await ProblemAssert.NamesInvalidFieldAsync(invalid, "recipientAddress");
        var toAuthority = await world.Client.CreatedAsync<LetterDto>($"/v1/cases/{world.CaseId}/letters", new
        {
            direction = "outgoing", type = "complaint_submission", dpaId = CaseApi.Features.Demo.DemoData.DpaId("ie-dpc"), channel = "email",
            subject = "Beschwerde", body = "Sehr geehrte Damen und Herren, …",
        });

        await SendAsync(world, draft.Id, new { responsePeriod = "P14D" }, 2);
        await SendAsync(world, toDefendant.Id, new { responsePeriod = "P7D" });
        var queued = await SendAsync(world, toAuthority.Id, new { });
        await DispatchAsync();

        // The Data Protection Commission's complaint address, as the registry publishes it (db/data/dpas.json).
        Assert.Equal("info@dataprotection.ie", queued.RecipientAddress);
        Assert.Equal(["datenschutz@meta.example"], To(draft.Id));
        Assert.Equal(["rechtsabteilung@meta.example"], To(toDefendant.Id));
        Assert.Equal(["info@dataprotection.ie"], To(toAuthority.Id));
        Assert.Equal(LetterStatus.Sent, await StatusAsync(world, toAuthority.Id));
    }

    private IEnumerable<string> To(Guid letterId) =>
        smtp.Accepted.Single(a => a.Message.MessageId == $"{letterId}@caseapi.invalid").Message.To.Mailboxes.Select(m => m.Address);

    private async Task<(Letters.World World, LetterDto Draft)> EmailDraftAsync(string? recipient = "legal@meta.example", int? imapPort = null)
    {
        var world = await Letters.WorldAsync(api);
        using var put = await MailApi.PutAsync(world.Client, MailApi.Body(
            new { host = "127.0.0.1", port = smtp.StartTlsPort, tls = "starttls", user = LoopbackSmtp.User, password = SmtpPassword, trustedCertificateSha256 = dovecot.Certificate.Sha256 },
            new { host = "127.0.0.1", port = imapPort ?? dovecot.ImapsPort, tls = "tls", user = Dovecot.User, password = dovecot.Password, folder = "INBOX", trustedCertificateSha256 = dovecot.Certificate.Sha256 }),
            "\"0\"");
        Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        var draft = await world.Client.CreatedAsync<LetterDto>($"/v1/cases/{world.CaseId}/letters", new
        {
            direction = "outgoing", type = "cease_and_desist", defendantId = world.DefendantId, channel = "email",
            subject = "Unterlassungsaufforderung", body = "Sehr geehrte Damen und Herren, …", recipientAddress = recipient,
        });
        return (world, draft);
    }

    private static async Task<LetterDto> SendAsync(Letters.World world, Guid letterId, object body, int version = 1)
    {
        using var response = await world.Client.SendWithIfMatchAsync(HttpMethod.Post, $"/v1/letters/{letterId}/send", body, version);
        var queued = await response.ReadAsync<LetterDto>(HttpStatusCode.Accepted);
        Assert.Equal($"/v1/letters/{letterId}", response.Headers.Location?.OriginalString);
        return queued;
    }

    private static Task<LetterDto> LetterAsync(Letters.World world, Guid letterId) => world.Client.GetAsync<LetterDto>($"/v1/letters/{letterId}");

    private static async Task<LetterStatus> StatusAsync(Letters.World world, Guid letterId) => (await LetterAsync(world, letterId)).Status;

    private static async Task<DeadlineDto> AlarmAsync(Letters.World world) =>
        (await world.Client.ItemsAsync<DeadlineDto>($"/v1/deadlines?caseId={world.CaseId}")).Single(d => d.Rule == "caseapi.letter_delivery");

    private async Task<string> MailTokenAsync(Guid caseId)
    {
        await using var superUser = await api.OpenAsSuperUserAsync();
        return await superUser.QuerySingleAsync<string>("SELECT mail_token FROM cases WHERE id = @caseId", new { caseId });
    }

    private async Task<IReadOnlyList<string>> EventTypesAsync(Guid letterId)
    {
        await using var superUser = await api.OpenAsSuperUserAsync();
        return (await superUser.QueryAsync<string>("SELECT type FROM events WHERE resource_id = @letterId AND type <> 'letter.created' ORDER BY txid, seq", new { letterId })).AsList();
    }

    private static byte[] Content(MimePart part)
    {
        using var decoded = new MemoryStream();
        part.Content!.DecodeTo(decoded);
        return decoded.ToArray();
    }

    private Task DispatchAsync() => api.Services.GetRequiredService<DispatchLettersJob>().RunAsync(CancellationToken.None);
}
