using System.Security.Cryptography;
using CaseApi.Features.Correspondence;
using CaseApi.Features.Events;
using CaseApi.Features.Organisations;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Json;
using CaseApi.Infrastructure.Mediation;
using CaseApi.Infrastructure.Secrets;
using MediatR;

namespace CaseApi.Features.Inbox;

/// <summary>
/// The database side of reading an organisation's mailbox (issue 15 point 3); <see cref="PollMailboxJob"/> talks to the IMAP server
/// between these steps, holding no transaction while it waits on the network:
/// <see cref="Claim"/> leases the due mailboxes, <see cref="Start"/> reads one's settings and where its poll stopped,
/// <see cref="Import"/> files one message and moves the cursor past it in one transaction, <see cref="Finish"/> sets the next poll.
/// </summary>
public static class PollMailbox
{
    /// <summary>Leases the mailboxes due now, across organisations, skipping those another instance holds.</summary>
    public sealed record Claim(TimeSpan Lease, int BatchSize) : ICommand<IReadOnlyList<Guid>>;

    /// <summary>One mailbox's settings and cursor, acting for its organisation.</summary>
    public sealed record Start : IQuery<Mailbox?>;

    /// <summary>Where to read and from where.</summary>
    /// <param name="Server">The IMAP server, its password decrypted for this poll.</param>
    /// <param name="Folder">The folder to read.</param>
    /// <param name="Identity">Host, user and folder: a cursor kept for another folder means nothing here.</param>
    /// <param name="UidValidity">The folder's UIDVALIDITY when the cursor was last moved, or null when it never was.</param>
    /// <param name="LastUid">The last UID imported (0: none).</param>
    /// <param name="Interval">Time between two polls.</param>
    public sealed record Mailbox(MailServer Server, string Folder, string Identity, long? UidValidity, long LastUid, TimeSpan Interval);

    /// <summary>One message, as read from the folder.</summary>
    /// <param name="Identity">The mailbox's <see cref="Mailbox.Identity"/>.</param>
    /// <param name="UidValidity">The folder's UIDVALIDITY as the message was read.</param>
    /// <param name="Uid">The message's UID.</param>
    /// <param name="Message">The message, byte for byte.</param>
    /// <param name="TooLargeSize">The size of a message beyond <see cref="MailMessageContent.MaxMessageBytes"/>, of which <paramref name="Message"/> is the header only.</param>
    public sealed record Import(string Identity, long UidValidity, long Uid, byte[] Message, long? TooLargeSize = null) : ICommand<Outcome>;

    /// <summary>What became of a message.</summary>
    public enum Outcome
    {
        /// <summary>The cursor was past it already: another poller imported it.</summary>
        AlreadyRead,

        /// <summary>Its Message-ID or bytes are a letter or inbox message already (a folder read again, our own outgoing mail).</summary>
        Known,

        /// <summary>Recorded as an incoming letter in its case.</summary>
        Letter,

        /// <summary>Put into the organisation's inbox.</summary>
        Inbox,
    }

    /// <summary>Ends a poll: the next one after the interval, or at once when messages were left for it.</summary>
    public sealed record Finish(DateTimeOffset NextPollAt) : ICommand<Unit>;

    private sealed record CursorRow
    {
        public required string Mailbox { get; init; }

        public long UidValidity { get; init; }

        public long LastUid { get; init; }
    }

    internal sealed class ClaimHandler(DbSession db, TimeProvider clock) : IRequestHandler<Claim, IReadOnlyList<Guid>>
    {
        public async Task<IReadOnlyList<Guid>> Handle(Claim cmd, CancellationToken ct)
        {
            var now = clock.GetUtcNow();
            return await db.QueryAsync<Guid>("""
                WITH due AS (
                    SELECT organisation_id FROM jobs.mailbox_watch
                    WHERE next_poll_at <= @now
                    ORDER BY next_poll_at
                    LIMIT @BatchSize
                    FOR UPDATE SKIP LOCKED
                )
                UPDATE jobs.mailbox_watch w SET next_poll_at = @leaseUntil
                FROM due WHERE w.organisation_id = due.organisation_id
                RETURNING w.organisation_id
                """, new { now, cmd.BatchSize, leaseUntil = now + cmd.Lease }, ct);
        }
    }

    internal sealed class StartHandler(DbSession db, SecretProtector secrets) : IRequestHandler<Start, Mailbox?>
    {
        public async Task<Mailbox?> Handle(Start query, CancellationToken ct)
        {
            if (await MailSettings.LoadAsync(db, ct) is not { } row)
            {
                return null;
            }

            var identity = Identity(row);
            var cursor = await db.QuerySingleOrDefaultAsync<CursorRow>(
                "SELECT mailbox, uid_validity, last_uid FROM mailbox_cursors WHERE organisation_id = current_organisation_id()", ct: ct);
            var same = cursor is not null && cursor.Mailbox == identity;
            return new Mailbox(
                new MailServer(row.ImapHost, row.ImapPort, SnakeCase.ToEnum<MailTls>(row.ImapTls), row.ImapUser, secrets.Unprotect(row.ImapPassword), row.ImapTrustedCertificate),
                row.ImapFolder, identity, same ? cursor!.UidValidity : null, same ? cursor!.LastUid : 0, TimeSpan.FromMinutes(row.PollIntervalMinutes));
        }

        private static string Identity(MailSettings.Row row) => $"imap://{row.ImapUser}@{row.ImapHost}:{row.ImapPort}/{row.ImapFolder}";
    }

    internal sealed class ImportHandler(DbSession db, MailLetters letters, LetterRecorder recorder, MessageThreading threading, EventWriter events, TimeProvider clock)
        : IRequestHandler<Import, Outcome>
    {
        public async Task<Outcome> Handle(Import cmd, CancellationToken ct)
        {
            var now = clock.GetUtcNow();
            // The cursor's row lock makes pollers of one mailbox take its messages in turn: the second finds the cursor past the message.
            await db.ExecuteAsync("""
                INSERT INTO mailbox_cursors (organisation_id, mailbox, uid_validity, last_uid, updated_at)
                VALUES (current_organisation_id(), @Identity, @UidValidity, 0, @now)
                ON CONFLICT (organisation_id) DO NOTHING
                """, new { cmd.Identity, cmd.UidValidity, now }, ct);
            var cursor = await db.QuerySingleAsync<CursorRow>(
                "SELECT mailbox, uid_validity, last_uid FROM mailbox_cursors WHERE organisation_id = current_organisation_id() FOR UPDATE", ct: ct);
            if (cursor.Mailbox == cmd.Identity && cursor.UidValidity == cmd.UidValidity && cursor.LastUid >= cmd.Uid)
            {
                return Outcome.AlreadyRead;
            }

            var outcome = await FileAsync(cmd.Message, cmd.TooLargeSize, cmd.UidValidity, cmd.Uid, now, ct);
            await db.ExecuteAsync("""
                UPDATE mailbox_cursors SET mailbox = @Identity, uid_validity = @UidValidity, last_uid = @Uid, updated_at = @now
                WHERE organisation_id = current_organisation_id()
                """, new { cmd.Identity, cmd.UidValidity, cmd.Uid, now }, ct);
            return outcome;
        }

        private async Task<Outcome> FileAsync(byte[] raw, long? tooLargeSize, long uidValidity, long uid, DateTimeOffset now, CancellationToken ct)
        {
            var sha256 = SHA256.HashData(raw);
            MailMessageContent? mail = null;
            string? refusal = tooLargeSize is { } size
                ? $"The message has {size} bytes; messages are limited to {MailMessageContent.MaxMessageBytes / (1024 * 1024)} MB. Only its header is kept here; the whole message stays in the mailbox."
                : null;
            try
            {
                mail = MailMessageContent.Parse(raw, now, "message");
                foreach (var attachment in mail.Attachments)
                {
                    AttachmentStore.Check(attachment.FileName, attachment.Content);
                }
            }
            catch (FluentValidation.ValidationException unreadable)
            {
                refusal ??= unreadable.Errors.First().ErrorMessage;
            }
            catch (ApiProblemException refused)
            {
                refusal ??= refused.Message;
            }

            // Our own outgoing letter (its copy to the mailbox), a message imported by hand, one in the inbox already.
            if (await letters.FindAsync(sha256, mail?.MessageId, ct) is not null || await InInboxAsync(sha256, mail?.MessageId, ct))
            {
                return Outcome.Known;
            }

            if (mail is null || refusal is not null)
            {
                await ToInboxAsync(raw, sha256, mail, InboxReason.Refused, refusal!, null, uidValidity, uid, now, ct);
                return Outcome.Inbox;
            }

            // Only this organisation's letters and cases are matched: a message carrying another organisation's ids is unmatched here.
            var match = await threading.MatchAsync(ThreadClues.From(mail.Message), defendantId: null, dpaId: null, ct);
            if (match is null)
            {
                await ToInboxAsync(raw, sha256, mail, InboxReason.Unmatched,
                    "No In-Reply-To/References, reply address or case reference in the subject names a case of the organisation.", null, uidValidity, uid, now, ct);
                return Outcome.Inbox;
            }

            var answers = mail.AutoSubmitted ? null : match.AnsweredLetterId;
            var defendants = await letters.DefendantsAsync(match.CaseId, ct);
            var (defendantId, dpaId) = answers is { } answered ? await letters.OtherSideAsync(answered, ct)
                : defendants.Count == 1 ? (defendants[0], null) : ((Guid?)null, (Guid?)null);
            if (defendantId is null && dpaId is null)
            {
                await ToInboxAsync(raw, sha256, mail, InboxReason.SenderUnknown,
                    $"The message names case {match.CaseReference}, but not who sent it: it answers no letter, and the case has not exactly one defendant.",
                    match.CaseId, uidValidity, uid, now, ct);
                return Outcome.Inbox;
            }

            // As ImportLetter records it: a reply to a cease-and-desist letter is not classified, and meets the deadline as any reply does.
            var id = await letters.RecordAsync(match.CaseId, mail, raw, answers, defendantId, dpaId, reply: null, ct);
            await recorder.PublishAsync(id, ct);
            return Outcome.Letter;
        }

        private async Task<bool> InInboxAsync(byte[] sha256, string? messageId, CancellationToken ct) =>
            await db.QuerySingleAsync<bool>("""
                SELECT EXISTS (SELECT FROM inbox_messages WHERE organisation_id = current_organisation_id() AND (message_id = @messageId OR sha256 = @sha256))
                """, new { sha256, messageId }, ct);

        private async Task ToInboxAsync(
            byte[] raw, byte[] sha256, MailMessageContent? mail, InboxReason reason, string detail, Guid? suggestedCaseId, long uidValidity, long uid, DateTimeOffset now,
            CancellationToken ct)
        {
            var id = Guid.CreateVersion7(now);
            var from = mail?.From is { Length: > 0 and <= 998 } address && !address.Any(char.IsControl) ? address : null;
            await db.ExecuteAsync("""
                INSERT INTO inbox_messages (id, organisation_id, status, reason, detail, suggested_case_id, message_id, subject, from_address, received_at,
                    uid_validity, uid, size, sha256, content, created_at, updated_at)
                VALUES (@id, current_organisation_id(), 'new', @reason, @detail, @suggestedCaseId, @messageId, @subject, @from, @receivedAt,
                    @uidValidity, @uid, @size, @sha256, @raw, @now, @now)
                """,
                new
                {
                    id, reason = SnakeCase.From(reason), detail = detail.Length > 2000 ? detail[..2000] : detail, suggestedCaseId, messageId = mail?.MessageId,
                    subject = mail?.Subject ?? "(not a readable message)", from, receivedAt = mail?.ReceivedAt ?? now, uidValidity, uid, size = raw.LongLength, sha256, raw, now,
                },
                ct);
            await events.AppendAsync("inbox_message.received", "inbox_message", id, (await InboxMessageDto.LoadAsync(db, id, ct))!, ct);
        }
    }

    internal sealed class FinishHandler(DbSession db) : IRequestHandler<Finish, Unit>
    {
        public async Task<Unit> Handle(Finish cmd, CancellationToken ct)
        {
            // Settings saved during the poll made the mailbox due at once ('-infinity'): that stays.
            await db.ExecuteAsync("""
                UPDATE jobs.mailbox_watch SET next_poll_at = @NextPollAt
                WHERE organisation_id = current_organisation_id() AND next_poll_at <> '-infinity'
                """, cmd, ct);
            return Unit.Value;
        }
    }
}
