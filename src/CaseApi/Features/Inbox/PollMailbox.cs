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
/// <see cref="Import"/> files one message and moves the cursor past it in one transaction, <see cref="CountFailure"/> counts a failed
/// import and sets the message aside once it has failed too often, <see cref="Finish"/> records how the poll went and sets the next one.
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

    /// <summary>
    /// Counts a failed import of a message that is not a passing failure of the database or the network (those are not counted).
    /// Once it has failed <paramref name="MaxFailures"/> polls in a row, the message goes to the inbox as <see cref="InboxReason.Refused"/>,
    /// whole and unparsed, and the cursor moves past it: one message that cannot be imported must not stop the replies behind it.
    /// </summary>
    /// <returns>Whether the message was set aside.</returns>
    public sealed record CountFailure(string Identity, long UidValidity, long Uid, byte[] Message, string Detail, int MaxFailures) : ICommand<bool>;

    /// <summary>Why a poll stopped: a <see cref="MailStage"/> in snake_case, or <c>import</c>.</summary>
    public sealed record PollError(string Stage, string Detail);

    /// <summary>
    /// Ends a poll: records it (with its error, if any) for the admins' status, and sets the next poll: after the interval, at once when
    /// messages were left for it, or (null) when the lease runs out, after a poll that failed half-way.
    /// </summary>
    public sealed record Finish(DateTimeOffset? NextPollAt, PollError? Error) : ICommand<Unit>;

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
            if (await LockCursorPastAsync(db, cmd.Identity, cmd.UidValidity, cmd.Uid, now, ct))
            {
                return Outcome.AlreadyRead;
            }

            var outcome = await FileAsync(cmd.Message, cmd.TooLargeSize, cmd.UidValidity, cmd.Uid, now, ct);
            await MoveCursorAsync(db, cmd.Identity, cmd.UidValidity, cmd.Uid, now, ct);
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

        private Task ToInboxAsync(
            byte[] raw, byte[] sha256, MailMessageContent? mail, InboxReason reason, string detail, Guid? suggestedCaseId, long uidValidity, long uid, DateTimeOffset now,
            CancellationToken ct) =>
            FileInInboxAsync(db, events, raw, sha256, mail?.MessageId, mail?.Subject, mail?.From, mail?.ReceivedAt ?? now, reason, detail, suggestedCaseId, uidValidity, uid, now, ct);
    }

    private static async Task FileInInboxAsync(
        DbSession db, EventWriter events, byte[] raw, byte[] sha256, string? messageId, string? subject, string? from, DateTimeOffset receivedAt, InboxReason reason,
        string detail, Guid? suggestedCaseId, long uidValidity, long uid, DateTimeOffset now, CancellationToken ct)
    {
        var id = Guid.CreateVersion7(now);
        from = from is { Length: > 0 and <= 998 } address && !address.Any(char.IsControl) ? address : null;
        await db.ExecuteAsync("""
            INSERT INTO inbox_messages (id, organisation_id, status, reason, detail, suggested_case_id, message_id, subject, from_address, received_at,
                uid_validity, uid, size, sha256, content, created_at, updated_at)
            VALUES (@id, current_organisation_id(), 'new', @reason, @detail, @suggestedCaseId, @messageId, @subject, @from, @receivedAt,
                @uidValidity, @uid, @size, @sha256, @raw, @now, @now)
            """,
            new
            {
                id, reason = SnakeCase.From(reason), detail = detail.Length > 2000 ? detail[..2000] : detail, suggestedCaseId, messageId,
                subject = subject ?? "(not a readable message)", from, receivedAt, uidValidity, uid, size = raw.LongLength, sha256, raw, now,
            },
            ct);
        await events.AppendAsync("inbox_message.received", "inbox_message", id, (await InboxMessageDto.LoadAsync(db, id, ct))!, ct);
    }

    /// <summary>Takes the cursor's row lock, creating the row at the folder's start; true when the cursor is past the message already.</summary>
    private static async Task<bool> LockCursorPastAsync(DbSession db, string identity, long uidValidity, long uid, DateTimeOffset now, CancellationToken ct)
    {
        // The cursor's row lock makes pollers of one mailbox take its messages in turn: the second finds the cursor past the message.
        await db.ExecuteAsync("""
            INSERT INTO mailbox_cursors (organisation_id, mailbox, uid_validity, last_uid, updated_at)
            VALUES (current_organisation_id(), @identity, @uidValidity, 0, @now)
            ON CONFLICT (organisation_id) DO NOTHING
            """, new { identity, uidValidity, now }, ct);
        var cursor = await db.QuerySingleAsync<CursorRow>(
            "SELECT mailbox, uid_validity, last_uid FROM mailbox_cursors WHERE organisation_id = current_organisation_id() FOR UPDATE", ct: ct);
        return cursor.Mailbox == identity && cursor.UidValidity == uidValidity && cursor.LastUid >= uid;
    }

    private static Task MoveCursorAsync(DbSession db, string identity, long uidValidity, long uid, DateTimeOffset now, CancellationToken ct) =>
        db.ExecuteAsync("""
            UPDATE mailbox_cursors SET mailbox = @identity, uid_validity = @uidValidity, last_uid = @uid, updated_at = @now
            WHERE organisation_id = current_organisation_id()
            """, new { identity, uidValidity, uid, now }, ct);

    internal sealed class CountFailureHandler(DbSession db, EventWriter events, TimeProvider clock) : IRequestHandler<CountFailure, bool>
    {
        public async Task<bool> Handle(CountFailure cmd, CancellationToken ct)
        {
            var now = clock.GetUtcNow();
            var message = $"{cmd.Identity} {cmd.UidValidity} {cmd.Uid}";
            var failures = await db.QuerySingleAsync<int>("""
                INSERT INTO mailbox_poll_status AS status (organisation_id, failing_message, failures)
                VALUES (current_organisation_id(), @message, 1)
                ON CONFLICT (organisation_id) DO UPDATE
                SET failures = CASE WHEN status.failing_message = @message THEN status.failures + 1 ELSE 1 END, failing_message = @message
                RETURNING failures
                """, new { message }, ct);
            if (failures < cmd.MaxFailures || await LockCursorPastAsync(db, cmd.Identity, cmd.UidValidity, cmd.Uid, now, ct))
            {
                return false;
            }

            // Unparsed: parsing may be what failed. The subject is read from the header alone, where it can be.
            await FileInInboxAsync(db, events, cmd.Message, SHA256.HashData(cmd.Message), null, SubjectOf(cmd.Message), null, now, InboxReason.Refused,
                $"CaseApi could not import this message ({failures} attempts): {cmd.Detail} It is kept here whole; file it in its case by hand and report the error.",
                null, cmd.UidValidity, cmd.Uid, now, ct);
            await MoveCursorAsync(db, cmd.Identity, cmd.UidValidity, cmd.Uid, now, ct);
            await db.ExecuteAsync("""
                UPDATE mailbox_poll_status SET failing_message = NULL, failures = 0, set_aside = set_aside + 1 WHERE organisation_id = current_organisation_id()
                """, ct: ct);
            return true;
        }

        private static string SubjectOf(byte[] raw)
        {
            try
            {
                using var stream = new MemoryStream(raw);
                var subject = MailMessageContent.CleanSubject(MimeKit.HeaderList.Load(stream)[MimeKit.HeaderId.Subject]);
                return subject.Length == 0 ? "(not a readable message)" : subject;
            }
            catch (FormatException)
            {
                return "(not a readable message)";
            }
        }
    }

    internal sealed class FinishHandler(DbSession db, TimeProvider clock) : IRequestHandler<Finish, Unit>
    {
        public async Task<Unit> Handle(Finish cmd, CancellationToken ct)
        {
            var detail = cmd.Error?.Detail is { Length: > 2000 } long_ ? long_[..2000] : cmd.Error?.Detail;
            await db.ExecuteAsync("""
                INSERT INTO mailbox_poll_status AS status (organisation_id, last_polled_at, last_error_stage, last_error_detail, last_error_at)
                VALUES (current_organisation_id(), @now, @stage, @detail, CASE WHEN @stage::text IS NULL THEN NULL ELSE @now END)
                ON CONFLICT (organisation_id) DO UPDATE
                SET last_polled_at = excluded.last_polled_at, last_error_stage = excluded.last_error_stage,
                    last_error_detail = excluded.last_error_detail, last_error_at = excluded.last_error_at,
                    -- A poll that ended without an error imported every message it read: a failure counted before is history.
                    failing_message = CASE WHEN excluded.last_error_stage IS NULL THEN NULL ELSE status.failing_message END,
                    failures = CASE WHEN excluded.last_error_stage IS NULL THEN 0 ELSE status.failures END
                """, new { now = clock.GetUtcNow(), stage = cmd.Error?.Stage, detail }, ct);
            if (cmd.NextPollAt is { } next)
            {
                // Settings saved during the poll made the mailbox due at once ('-infinity'): that stays.
                await db.ExecuteAsync("""
                    UPDATE jobs.mailbox_watch SET next_poll_at = @next
                    WHERE organisation_id = current_organisation_id() AND next_poll_at <> '-infinity'
                    """, new { next }, ct);
            }

            return Unit.Value;
        }
    }
}
