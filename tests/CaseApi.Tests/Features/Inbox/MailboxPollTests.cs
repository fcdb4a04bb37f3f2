using System.Text;
using CaseApi.Features.ApiKeys;
using CaseApi.Features.Cases;
using CaseApi.Features.Correspondence;
using CaseApi.Features.Deadlines;
using CaseApi.Features.Inbox;
using CaseApi.Features.Organisations;
using CaseApi.Infrastructure.Json;
using CaseApi.Tests.Features.Organisations;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using static CaseApi.Tests.Support.MailMessages;

namespace CaseApi.Tests.Features.Inbox;

/// <summary>
/// Issue 15 point 3: the mailbox poll against a real IMAP server (Dovecot), on the fake clock: each test's organisation reads a folder of
/// its own, and the test runs the recurring job as Hangfire would. Replies become letters in their case and meet their deadline; what
/// threads to no case of the organisation (another organisation's ids included) waits in its inbox; each message is imported once.
/// </summary>
public sealed class MailboxPollTests(MailboxPollTests.Loopback api, Dovecot dovecot) : IClassFixture<MailboxPollTests.Loopback>, IClassFixture<Dovecot>
{
    public sealed class Loopback : CaseApiFactory
    {
        protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string> { ["Mail:AllowPrivateAddresses"] = "true" };
    }

    private const int IntervalMinutes = 5;

    /// <summary>PollMailboxJob's default lease.</summary>
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(10);

    [Fact]
    public async Task A_reply_in_the_mailbox_becomes_an_incoming_letter_in_its_case_within_one_polling_interval_and_meets_the_deadline()
    {
        var (world, folder) = await MailboxAsync();
        var sent = await SendEmailAsync(world);
        await PollAsync(); // The first poll finds the folder empty; the next is due five minutes later.
        var reply = Reply("Re: Unterlassungsaufforderung", "Wir geben die geforderte Erklärung nicht ab.");
        reply.InReplyTo = sent.MessageId;
        var raw = await DeliverAsync(reply, folder);

        await PollAsync();
        var beforeTheInterval = await LettersAsync(world);
        api.Clock.Advance(TimeSpan.FromMinutes(IntervalMinutes));
        await PollAsync();

        Assert.Equal([sent.Id], beforeTheInterval.Select(l => l.Id));
        var letter = (await LettersAsync(world)).Single(l => l.Direction == LetterDirection.Incoming);
        Assert.Equal((LetterType.Reply, LetterChannel.Email, LetterStatus.Received), (letter.Type, letter.Channel, letter.Status));
        Assert.Equal(sent.Id, letter.InReplyToId);
        Assert.Equal(world.DefendantId, letter.DefendantId);
        Assert.Equal(reply.MessageId, letter.MessageId);
        // Date: Mon, 12 May 2025 11:00:00 +0200.
        Assert.Equal(new DateTimeOffset(2025, 5, 12, 9, 0, 0, TimeSpan.Zero), letter.ReceivedAt);
        // Sent Wednesday 30 April 2025 with 14 days: due Wednesday 14 May 2025; met by the reply of 12 May.
        var deadline = await world.Client.GetAsync<DeadlineDto>($"/v1/deadlines/{sent.Deadline!.Id}");
        Assert.Equal(DateOnly.Parse("2025-05-14"), deadline.DueDate);
        Assert.Equal(DeadlineStatus.Met, deadline.Status);
        Assert.Equal(letter.Id, deadline.MetByLetterId);
        Assert.Equal(new DateTimeOffset(2025, 5, 12, 9, 0, 0, TimeSpan.Zero), deadline.MetAt);
        Assert.Equal(raw, await world.Client.GetByteArrayAsync($"/v1/letters/{letter.Id}/original"));
        Assert.Empty(await InboxAsync(world));
    }

    [Fact]
    public async Task An_unthreadable_message_lands_in_the_inbox_with_its_original_and_in_no_case()
    {
        var (world, folder) = await MailboxAsync();
        var raw = await DeliverAsync(Reply("Allgemeine Anfrage", "Bitte rufen Sie uns zurück."), folder);

        await PollAsync();

        Assert.Empty(await LettersAsync(world));
        var message = (await InboxAsync(world)).Single();
        Assert.Equal((InboxStatus.New, InboxReason.Unmatched, "Allgemeine Anfrage", "legal@meta.example"), (message.Status, message.Reason, message.Subject, message.From));
        Assert.Equal(raw, await world.Client.GetByteArrayAsync($"/v1/inbox/{message.Id}/original"));
        await ChangeFeed.ItemsAsync(world.Client, items => items.Any(e => e.Type == "inbox_message.received" && e.Data.Id() == message.Id),
            "inbox_message.received in the change feed");
    }

    [Fact]
    public async Task A_message_with_another_organisation_s_ids_lands_in_neither_organisation_s_case_but_in_the_inbox_of_the_mailbox_s_organisation()
    {
        var (world, folder) = await MailboxAsync();
        var victim = await Letters.WorldAsync(api);
        var victimCase = await victim.Client.CaseAsync("VZ-2025-0777", victim.DefendantId);
        victim = victim with { CaseId = victimCase.Id() };
        var victimLetter = await SendEmailAsync(victim);
        var forged = Reply("Re: Unterlassungsaufforderung VZ-2025-0777", "Wir erkennen die Forderung an.");
        forged.InReplyTo = victimLetter.MessageId;
        forged.References.Add(victimLetter.MessageId!);
        forged.To.Add(MailboxAddress.Parse($"cases+{victimCase.As<CaseDto>().MailToken}@ngo.example"));
        await DeliverAsync(forged, folder);

        await PollAsync();

        Assert.Empty(await LettersAsync(world));
        Assert.Equal([victimLetter.Id], (await LettersAsync(victim)).Select(l => l.Id));
        Assert.Equal(DeadlineStatus.Open, (await victim.Client.GetAsync<DeadlineDto>($"/v1/deadlines/{victimLetter.Deadline!.Id}")).Status);
        Assert.Empty(await InboxAsync(victim));
        var message = (await InboxAsync(world)).Single();
        Assert.Equal((InboxReason.Unmatched, forged.MessageId), (message.Reason, message.MessageId));
    }

    [Fact]
    public async Task Two_pollers_at_once_import_each_message_once()
    {
        var (world, folder) = await MailboxAsync();
        var caseReference = (await world.Client.GetAsync<CaseDto>($"/v1/cases/{world.CaseId}")).Reference;
        foreach (var n in Enumerable.Range(1, 3))
        {
            await DeliverAsync(Reply($"Ihr Zeichen {caseReference}: Schreiben {n}", "Text."), folder);
        }

        await Task.WhenAll(PollAsync(), PollAsync(), PollAsync());
        // Two pollers of one mailbox despite the lease (one outlived it): the cursor's lock lets only the first import the message.
        var organisationId = await OrganisationOfAsync(world);
        var again = new PollMailbox.Import("imap://again", 7, 1, Bytes(Reply($"Ihr Zeichen {caseReference}: Nachtrag", "Text.")));
        var outcomes = await Task.WhenAll(api.SendAsync(again, organisationId), api.SendAsync(again, organisationId));

        Assert.Equal(4, (await LettersAsync(world)).Count);
        Assert.Equal([PollMailbox.Outcome.AlreadyRead, PollMailbox.Outcome.Letter], outcomes.Order());
    }

    [Fact]
    public async Task A_poll_that_fails_between_recording_a_letter_and_moving_the_cursor_keeps_neither_and_the_next_imports_the_message_once()
    {
        var (world, folder) = await MailboxAsync();
        var sent = await SendEmailAsync(world);
        var reply = Reply("Re: Unterlassungsaufforderung", "Antwort.");
        reply.InReplyTo = sent.MessageId;
        await DeliverAsync(reply, folder);
        var organisationId = await OrganisationOfAsync(world);
        await using (var superUser = await api.OpenAsSuperUserAsync())
        {
            // The cursor moves after the letter is written, in the same transaction: failing there is a crash at the worst moment.
            await superUser.ExecuteAsync($"""
                CREATE FUNCTION fail_cursor_{organisationId:N}() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN IF NEW.organisation_id = '{organisationId}' THEN RAISE EXCEPTION 'injected failure'; END IF; RETURN NEW; END $$;
                CREATE TRIGGER fail_cursor_{organisationId:N} BEFORE UPDATE ON mailbox_cursors FOR EACH ROW EXECUTE FUNCTION fail_cursor_{organisationId:N}();
                """);
        }

        await PollAsync();
        var afterFailure = await LettersAsync(world);
        await using (var superUser = await api.OpenAsSuperUserAsync())
        {
            await superUser.ExecuteAsync($"DROP TRIGGER fail_cursor_{organisationId:N} ON mailbox_cursors; DROP FUNCTION fail_cursor_{organisationId:N}();");
        }

        await PollAsync();
        var whileLeased = await LettersAsync(world);
        api.Clock.Advance(Lease);
        await PollAsync();
        api.Clock.Advance(TimeSpan.FromMinutes(IntervalMinutes));
        await PollAsync();

        Assert.Single(afterFailure);
        Assert.Single(whileLeased);
        var letters = await LettersAsync(world);
        Assert.Single(letters, l => l.Direction == LetterDirection.Incoming && l.InReplyToId == sent.Id);
        Assert.Equal(2, letters.Count);
        Assert.Equal(1L, (await CursorAsync(organisationId)).LastUid);
    }

    [Fact]
    public async Task A_folder_read_again_under_a_new_uidvalidity_imports_nothing_twice()
    {
        var (world, folder) = await MailboxAsync();
        var caseReference = (await world.Client.GetAsync<CaseDto>($"/v1/cases/{world.CaseId}")).Reference;
        await DeliverAsync(Reply($"Ihr Zeichen {caseReference}", "Filed in the case."), folder);
        await DeliverAsync(Reply("Newsletter", "To the inbox."), folder);
        var withoutId = Reply("Ohne Message-ID", "To the inbox, told apart by its bytes.");
        withoutId.Headers.Remove(HeaderId.MessageId);
        await DeliverAsync(withoutId, folder);
        var organisationId = await OrganisationOfAsync(world);
        await PollAsync();
        var cursor = await CursorAsync(organisationId);

        await using (var superUser = await api.OpenAsSuperUserAsync())
        {
            // As if the server had given the folder's UIDs anew: the poller reads it from its start.
            await superUser.ExecuteAsync("UPDATE mailbox_cursors SET uid_validity = uid_validity + 1 WHERE organisation_id = @organisationId", new { organisationId });
        }

        api.Clock.Advance(TimeSpan.FromMinutes(IntervalMinutes));
        await PollAsync();

        Assert.Equal(3L, cursor.LastUid);
        Assert.Equal((cursor.UidValidity, 3L), await CursorAsync(organisationId));
        Assert.Single(await LettersAsync(world));
        Assert.Equal(2, (await InboxAsync(world)).Count);
    }

    [Fact]
    public async Task A_message_the_organisation_sent_itself_is_skipped_as_known()
    {
        var (world, folder) = await MailboxAsync();
        var sent = await SendEmailAsync(world);
        // The copy of our own letter that a Bcc to the mailbox leaves there, as a witness of its delivery.
        var copy = Reply("Unterlassungsaufforderung: KI-Training mit Nutzerdaten", "Sehr geehrte Damen und Herren, …");
        copy.MessageId = sent.MessageId!;
        await DeliverAsync(copy, folder);

        await PollAsync();

        Assert.Equal([sent.Id], (await LettersAsync(world)).Select(l => l.Id));
        Assert.Empty(await InboxAsync(world));
        Assert.Equal(1L, (await CursorAsync(await OrganisationOfAsync(world))).LastUid);
    }

    [Fact]
    public async Task A_message_whose_import_fails_on_three_polls_is_set_aside_in_the_inbox_and_the_replies_behind_it_are_imported()
    {
        var (world, folder) = await MailboxAsync();
        var caseReference = (await world.Client.GetAsync<CaseDto>($"/v1/cases/{world.CaseId}")).Reference;
        var poison = await DeliverAsync(Reply($"Ihr Zeichen {caseReference}: Vergiftet", "Text."), folder);
        var organisationId = await OrganisationOfAsync(world);
        // A fault in CaseApi itself that this one message meets every time: not a passing failure of the database.
        await FailLetterInsertsAsync(organisationId, "Vergiftet", sqlState: "P0001");

        await PollAsync();
        var afterFirst = await StatusAsync(world);
        // Delivered after the poll read the folder, so that its UID is surely the higher one (Dovecot numbers new messages as it finds them).
        await DeliverAsync(Reply($"Ihr Zeichen {caseReference}: Danach", "Text."), folder);
        api.Clock.Advance(Lease);
        await PollAsync();
        var afterSecond = await LettersAsync(world);
        api.Clock.Advance(Lease);
        await PollAsync();
        await StopFailingAsync(organisationId);

        Assert.Equal(1, afterFirst.FailedImports);
        Assert.Equal("import", afterFirst.LastError!.Stage);
        Assert.Contains("injected failure", afterFirst.LastError.Detail);
        Assert.Empty(afterSecond);
        var letter = Assert.Single(await LettersAsync(world));
        Assert.Equal($"Ihr Zeichen {caseReference}: Danach", letter.Subject);
        var setAside = Assert.Single(await InboxAsync(world));
        Assert.Equal((InboxReason.Refused, $"Ihr Zeichen {caseReference}: Vergiftet"), (setAside.Reason, setAside.Subject));
        Assert.StartsWith("CaseApi could not import this message (3 attempts): PostgresException: P0001: injected failure.", setAside.Detail);
        Assert.Equal(poison, await world.Client.GetByteArrayAsync($"/v1/inbox/{setAside.Id}/original"));
        var status = await StatusAsync(world);
        Assert.Equal((0, 1, null), (status.FailedImports, status.SetAside, status.LastError));
        Assert.Equal(2L, (await CursorAsync(organisationId)).LastUid);
    }

    [Fact]
    public async Task A_message_that_failed_once_and_is_imported_at_the_next_poll_leaves_no_failure_counted()
    {
        var (world, folder) = await MailboxAsync();
        var caseReference = (await world.Client.GetAsync<CaseDto>($"/v1/cases/{world.CaseId}")).Reference;
        await DeliverAsync(Reply($"Ihr Zeichen {caseReference}: Einmal", "Text."), folder);
        var organisationId = await OrganisationOfAsync(world);
        await FailLetterInsertsAsync(organisationId, "Einmal", sqlState: "P0001");

        await PollAsync();
        var failed = await StatusAsync(world);
        await StopFailingAsync(organisationId);
        api.Clock.Advance(Lease);
        await PollAsync();
        var imported = await StatusAsync(world);

        Assert.Equal((1, "import"), (failed.FailedImports, failed.LastError?.Stage));
        Assert.Equal((0, 0, null), (imported.FailedImports, imported.SetAside, imported.LastError));
        Assert.Single(await LettersAsync(world));
        Assert.Empty(await InboxAsync(world));
    }

    [Fact]
    public async Task A_passing_failure_of_the_database_is_not_counted_against_the_message_which_is_imported_once_the_database_is_back()
    {
        var (world, folder) = await MailboxAsync();
        var caseReference = (await world.Client.GetAsync<CaseDto>($"/v1/cases/{world.CaseId}")).Reference;
        await DeliverAsync(Reply($"Ihr Zeichen {caseReference}: Geduld", "Text."), folder);
        var organisationId = await OrganisationOfAsync(world);
        // 53300 too_many_connections: transient to Npgsql, as a server at its connection limit is.
        await FailLetterInsertsAsync(organisationId, "Geduld", sqlState: "53300");

        foreach (var _ in Enumerable.Range(0, 4))
        {
            await PollAsync();
            api.Clock.Advance(Lease);
        }

        var whileFailing = await StatusAsync(world);
        await StopFailingAsync(organisationId);
        await PollAsync();

        Assert.Equal(0, whileFailing.FailedImports);
        Assert.Empty(await InboxAsync(world));
        Assert.Equal($"Ihr Zeichen {caseReference}: Geduld", Assert.Single(await LettersAsync(world)).Subject);
    }

    [Fact]
    public async Task An_admin_sees_when_the_mailbox_was_read_and_why_it_could_not_be_and_a_lawyer_does_not()
    {
        var (world, folder) = await MailboxAsync();
        var caseReference = (await world.Client.GetAsync<CaseDto>($"/v1/cases/{world.CaseId}")).Reference;
        await DeliverAsync(Reply($"Ihr Zeichen {caseReference}", "Text."), folder);
        await PollAsync();
        var read = await StatusAsync(world);
        var polledAt = api.Clock.GetUtcNow();
        using var wrongPassword = await MailApi.PutAsync(world.Client, new
        {
            fromAddress = "cases@ngo.example", replyAddressPattern = "cases+{token}@ngo.example", pollIntervalMinutes = IntervalMinutes,
            smtp = new { host = "127.0.0.1", port = 25, tls = "none" },
            imap = new { host = "127.0.0.1", port = dovecot.ImapsPort, tls = "tls", user = Dovecot.User, password = "expired", folder, trustedCertificateSha256 = dovecot.Certificate.Sha256 },
        }, "\"1\"");
        api.Clock.Advance(TimeSpan.FromMinutes(1));

        await PollAsync();
        var failed = await StatusAsync(world);
        var lawyerKey = (await world.Client.CreatedAsync<CreateApiKey.CreatedApiKeyDto>("/v1/api-keys", new { name = "Lawyer", role = "lawyer" })).Secret;
        using var lawyer = api.ClientFor(lawyerKey);
        using var lawyerReads = await lawyer.GetAsync("/v1/organisation/mail/status");

        Assert.True(wrongPassword.IsSuccessStatusCode, await wrongPassword.Content.ReadAsStringAsync());
        Assert.Equal((polledAt, polledAt, polledAt + TimeSpan.FromMinutes(IntervalMinutes)), (read.LastPolledAt, read.LastImportedAt, read.NextPollAt));
        Assert.Null(read.LastError);
        Assert.Equal(("auth", "The server refused the user name or password.", polledAt + TimeSpan.FromMinutes(1)),
            (failed.LastError?.Stage, failed.LastError?.Detail, failed.LastError?.At));
        // The strict read took every field of the body, so the status written back holds all of it.
        Assert.DoesNotContain("expired", JsonSerializer.Serialize(failed, JsonSetup.Api));
        Assert.Equal(polledAt, failed.LastImportedAt);
        Assert.Equal(HttpStatusCode.Forbidden, lawyerReads.StatusCode);
    }

    private async Task FailLetterInsertsAsync(Guid organisationId, string subject, string sqlState)
    {
        await using var superUser = await api.OpenAsSuperUserAsync();
        await superUser.ExecuteAsync($"""
            CREATE FUNCTION fail_letter_{organisationId:N}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.organisation_id = '{organisationId}' AND NEW.subject LIKE '%{subject}%' THEN RAISE EXCEPTION 'injected failure' USING ERRCODE = '{sqlState}'; END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER fail_letter_{organisationId:N} BEFORE INSERT ON letters FOR EACH ROW EXECUTE FUNCTION fail_letter_{organisationId:N}();
            """);
    }

    private async Task StopFailingAsync(Guid organisationId)
    {
        await using var superUser = await api.OpenAsSuperUserAsync();
        await superUser.ExecuteAsync($"DROP TRIGGER fail_letter_{organisationId:N} ON letters; DROP FUNCTION fail_letter_{organisationId:N}();");
    }

    private static Task<MailboxStatusDto> StatusAsync(Letters.World world) => world.Client.GetAsync<MailboxStatusDto>("/v1/organisation/mail/status");

    private async Task<(Letters.World World, string Folder)> MailboxAsync()
    {
        var world = await Letters.WorldAsync(api);
        var folder = $"Replies{Guid.NewGuid():N}"[..16];
        await dovecot.CreateFolderAsync(folder);
        using var put = await MailApi.PutAsync(world.Client, new
        {
            fromAddress = "cases@ngo.example", replyAddressPattern = "cases+{token}@ngo.example", pollIntervalMinutes = IntervalMinutes,
            smtp = new { host = "127.0.0.1", port = 25, tls = "none" },
            imap = new { host = "127.0.0.1", port = dovecot.ImapsPort, tls = "tls", user = Dovecot.User, password = dovecot.Password, folder, trustedCertificateSha256 = dovecot.Certificate.Sha256 },
        }, "\"0\"");
        Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        return (world, folder);
    }

    private Task PollAsync() => api.Services.GetRequiredService<PollMailboxJob>().RunAsync(CancellationToken.None);

    private async Task<byte[]> DeliverAsync(MimeMessage message, string folder)
    {
        var text = Encoding.UTF8.GetString(Bytes(message));
        await dovecot.DeliverAsync(text, folder);
        return Encoding.UTF8.GetBytes(text.ReplaceLineEndings("\r\n"));
    }

    private static Task<IReadOnlyList<LetterDto>> LettersAsync(Letters.World world) => world.Client.ItemsAsync<LetterDto>($"/v1/cases/{world.CaseId}/letters");

    private static Task<IReadOnlyList<InboxMessageDto>> InboxAsync(Letters.World world) => world.Client.ItemsAsync<InboxMessageDto>("/v1/inbox");

    private static async Task<Guid> OrganisationOfAsync(Letters.World world) => (await world.Client.GetAsync<OrganisationDto>("/v1/organisation")).Id;

    private async Task<(long UidValidity, long LastUid)> CursorAsync(Guid organisationId)
    {
        await using var superUser = await api.OpenAsSuperUserAsync();
        return await superUser.QuerySingleAsync<(long, long)>("SELECT uid_validity, last_uid FROM mailbox_cursors WHERE organisation_id = @organisationId", new { organisationId });
    }
}
