using CaseApi.Tests.Features.Organisations;
using Dapper;

namespace CaseApi.Tests.Features.Correspondence;

/// <summary>
/// Issue 15 point 2: the real API, with its job server, killed with SIGKILL while its SMTP conversation waits for the server's reply to the
/// message, against a real SMTP server (SmtpServer) that holds that reply until the test releases it and delivers the Bcc copy into the
/// organisation's real mailbox (Dovecot). Killed after the server stored the message: after a restart the letter is sent at the server's
/// acceptance, found from the copy, and nothing is sent again. Killed before the server stored it: after a restart it is sent, once.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class EmailDeliveryCrashTests(CaseApiFactory api, Dovecot dovecot) : IClassFixture<CaseApiFactory>, IClassFixture<Dovecot>
{
    private const string SmtpPassword = "smtp-Crash-2b8e41";

    private static readonly Dictionary<string, string> Settings = new()
    {
        ["Mode"] = "all",
        ["Mail__AllowPrivateAddresses"] = "true",
        // The shortest lease the step timeouts allow (more than six of 10 s), so that the test waits about a minute for the dead dispatcher's.
        ["Mail__LeaseSeconds"] = "61",
        ["Mail__WitnessCheckSeconds"] = "1",
        ["Mail__WitnessGraceSeconds"] = "5",
        ["Mail__RetrySeconds__0"] = "1",
        ["Jobs__MailCron"] = "* * * * * *",
    };

    [Fact]
    public async Task An_API_killed_after_the_server_accepted_a_letter_records_it_sent_at_the_acceptance_after_restart_and_sends_nothing_again()
    {
        await using var smtp = new LoopbackSmtp(dovecot.Certificate, SmtpPassword);
        smtp.CopyTo(dovecot, "ngo.example");
        // Monday 30 November 2026, 09:15 UTC, as the server's clock stamps its Received header.
        smtp.Clock = () => new DateTimeOffset(2026, 11, 30, 9, 15, 0, TimeSpan.Zero);
        var reply = new TaskCompletionSource();
        smtp.Script(new LoopbackSmtp.Answer(Hold: reply.Task));

        var letterId = await SendAndKillAsync(smtp);
        Assert.Single(smtp.Accepted);
        Assert.Equal(("sending", 1), await DeliveryAsync(letterId));

        await using (var second = await ServedApi.StartAsync(api.Database, Settings))
        {
            await Poll.UntilAsync(async () => await DeliveryAsync(letterId) is ("sent", _), "the letter sent after the restart",
                () => second.OutputTail(), timeout: TimeSpan.FromSeconds(150));
        }

        // The held reply goes to the dead connection now: the server accepted exactly one message.
        reply.SetResult();
        var (_, message) = Assert.Single(smtp.Accepted);
        Assert.Equal(1, smtp.MessagesSeen);
        Assert.Equal($"{letterId}@caseapi.invalid", message.MessageId);
        var (sentAt, dueDate) = await SentAsync(letterId);
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 9, 15, 0, TimeSpan.Zero), sentAt);
        // P14D from Monday 30 November 2026 (the day of sending does not count): Monday 14 December.
        Assert.Equal(new DateOnly(2026, 12, 14), dueDate);
    }

    [Fact]
    public async Task An_API_killed_before_the_server_accepted_a_letter_sends_it_once_after_restart()
    {
        await using var smtp = new LoopbackSmtp(dovecot.Certificate, SmtpPassword);
        smtp.CopyTo(dovecot, "ngo.example");
        var reply = new TaskCompletionSource();
        // Held before the server stores the message: the connection dies first, and the server never commits it.
        smtp.Script(new LoopbackSmtp.Answer(Hold: reply.Task, Store: false));

        var letterId = await SendAndKillAsync(smtp);
        reply.SetResult();
        Assert.Empty(smtp.Accepted);

        await using (var second = await ServedApi.StartAsync(api.Database, Settings))
        {
            await Poll.UntilAsync(async () => await DeliveryAsync(letterId) is ("sent", _), "the letter sent after the restart",
                () => second.OutputTail(), timeout: TimeSpan.FromSeconds(150));
        }

        var (_, message) = Assert.Single(smtp.Accepted);
        Assert.Equal(2, smtp.MessagesSeen);
        Assert.Equal($"{letterId}@caseapi.invalid", message.MessageId);
        Assert.Equal(("sent", 2), await DeliveryAsync(letterId));
    }

    /// <summary>Starts the API, sends an e-mail letter, kills the API while the server holds its reply to the message; returns the letter.</summary>
    private async Task<Guid> SendAndKillAsync(LoopbackSmtp smtp)
    {
        var organisation = await api.CreateOrganisationAsync("Mail crash test");
        await using var first = await ServedApi.StartAsync(api.Database, Settings);
        using var client = first.Client(organisation.AdminKey);
        using var put = await MailApi.PutAsync(client, MailApi.Body(
            new { host = "127.0.0.1", port = smtp.TlsPort, tls = "tls", user = LoopbackSmtp.User, password = SmtpPassword, trustedCertificateSha256 = dovecot.Certificate.Sha256 },
            new { host = "127.0.0.1", port = dovecot.ImapsPort, tls = "tls", user = Dovecot.User, password = dovecot.Password, folder = "INBOX", trustedCertificateSha256 = dovecot.Certificate.Sha256 }),
            "\"0\"");
        Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        var defendant = await client.DefendantAsync();
        var @case = await client.CaseAsync(null, defendant.Id());
        var draft = await client.CreatedAsync($"/v1/cases/{@case.Id()}/letters", new
        {
            direction = "outgoing", type = "cease_and_desist", defendantId = defendant.Id(), channel = "email",
            subject = "Unterlassungsaufforderung", body = "Sehr geehrte Damen und Herren, …", recipientAddress = "legal@meta.example",
        });
        using var send = await client.SendWithIfMatchAsync(HttpMethod.Post, $"/v1/letters/{draft.Id()}/send", new { responsePeriod = "P14D" }, 1);
        Assert.Equal(HttpStatusCode.Accepted, send.StatusCode);

        await Poll.UntilAsync(() => smtp.Holding.Task.IsCompleted, "the message at the server, its reply held", () => first.OutputTail());
        first.Process.Kill(entireProcessTree: true);
        await first.Process.WaitForExitAsync();
        return draft.Id();
    }

    private async Task<(string Status, int Attempts)> DeliveryAsync(Guid letterId)
    {
        await using var superUser = await api.OpenAsSuperUserAsync();
        return await superUser.QuerySingleAsync<(string, int)>("""
            SELECT l.status, d.attempts FROM letters l JOIN letter_deliveries d ON d.organisation_id = l.organisation_id AND d.letter_id = l.id
            WHERE l.id = @letterId
            """, new { letterId });
    }

    private async Task<(DateTimeOffset SentAt, DateOnly DueDate)> SentAsync(Guid letterId)
    {
        await using var superUser = await api.OpenAsSuperUserAsync();
        return await superUser.QuerySingleAsync<(DateTimeOffset, DateOnly)>("""
            SELECT l.sent_at, d.due_date FROM letters l JOIN deadlines d ON d.organisation_id = l.organisation_id AND d.letter_id = l.id AND d.kind = 'response'
            WHERE l.id = @letterId
            """, new { letterId });
    }
}
