using System.Text.RegularExpressions;
using CaseApi.Features.Correspondence;

namespace CaseApi.Infrastructure.Data;

/// <summary>What erasing a person's data (GDPR Art. 17) does beyond their own row, whichever table holds them.</summary>
public static class PersonalDataErasure
{
    /// <summary>
    /// Responses kept for Idempotency-Key replays carry the person's data wherever their id appears: they go too, and a replay
    /// says so instead (IdempotencyBehavior).
    /// </summary>
    public static Task ForgetReplaysAsync(DbSession db, Guid personId, CancellationToken ct) => db.ExecuteAsync("""
        UPDATE idempotency_keys SET response = NULL, response_erased = true
        WHERE organisation_id = current_organisation_id() AND jsonb_path_exists(response, 'strict $.** ? (@ == $id)', jsonb_build_object('id', @id::text))
        """, new { id = personId }, ct);

    /// <summary>
    /// Replaces a person's identifiers (name, e-mail address) in a text with the pseudonym: whole words only, so that erasing
    /// "Ann" leaves "Annual report" alone, in any case; literal patterns, so there is no backtracking to bound.
    /// </summary>
    public static Func<string, string> Redactor(IEnumerable<string?> identifiers, string pseudonym)
    {
        var patterns = identifiers.Where(i => i?.Trim().Length >= 2)
            .Select(i => new Regex($@"(?<!\w){Regex.Escape(i!.Trim())}(?!\w)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant))
            .ToList();
        return text => patterns.Aggregate(text, (redacted, pattern) => pattern.Replace(redacted, pseudonym));
    }

    /// <summary>
    /// How many letters had the person's name or address replaced, how many kept original e-mails went, and how many copies
    /// of them that messages assigned from the inbox kept.
    /// </summary>
    public sealed record LettersForgotten(int Redacted, int OriginalsErased, int InboxCopiesErased);

    private sealed record LetterText(Guid Id, string Subject, string? Body);

    private sealed record InboxText(Guid Id, string Subject, string? FromAddress, string Detail, DateTimeOffset? ContentErasedAt);

    /// <summary>
    /// The correspondence about a complaint: its letters and, along In-Reply-To, the replies to them (a reply imported from the
    /// mailbox names the letter it answers, not the complaint). In their subjects and texts the person's name and e-mail address
    /// become the pseudonym, as in attachment names, and replays of responses that showed a changed letter are forgotten; the original e-mails kept of them (letter_originals, GET /v1/letters/{id}/original) are deleted, as
    /// their headers and encoded parts cannot be redacted reliably, and what the organisation must keep of the correspondence
    /// (subject, text, attachments: GDPR Art. 17(3)(e)) stays on the letter. The content of attachments is not searched: they are
    /// documents (PDF, images) that cannot be redacted safely, and a lawyer reviews them.
    /// </summary>
    public static async Task<LettersForgotten> ForgetInComplaintLettersAsync(
        DbSession db, Guid complaintId, IEnumerable<string?> identifiers, string pseudonym, DateTimeOffset now, CancellationToken ct)
    {
        var letters = await db.QueryAsync<LetterText>("""
            WITH RECURSIVE covered (id) AS (
                SELECT id FROM letters WHERE organisation_id = current_organisation_id() AND complaint_id = @complaintId
                UNION
                SELECT l.id FROM letters l JOIN covered c ON l.in_reply_to_id = c.id WHERE l.organisation_id = current_organisation_id()
            )
            SELECT l.id, l.subject, l.body FROM letters l JOIN covered c ON c.id = l.id
            WHERE l.organisation_id = current_organisation_id()
            ORDER BY l.id
            FOR UPDATE OF l
            """, new { complaintId }, ct);
        if (letters.Count == 0)
        {
            return new LettersForgotten(0, 0, 0);
        }

        var redact = Redactor(identifiers, pseudonym);
        var redacted = 0;
        foreach (var letter in letters)
        {
            var subject = redact(letter.Subject);
            var body = letter.Body is null ? null : redact(letter.Body);
            if (subject == letter.Subject && body == letter.Body)
            {
                continue;
            }

            // The pseudonym may be longer than the name it replaces; the limits still hold.
            await db.ExecuteAsync("""
                UPDATE letters SET subject = @subject, body = @body, version = version + 1, updated_at = @now
                WHERE organisation_id = current_organisation_id() AND id = @Id
                """, new
            {
                letter.Id, subject = subject[..Math.Min(subject.Length, LetterLimits.MaxSubjectLength)],
                body = body?[..Math.Min(body.Length, LetterLimits.MaxBodyLength)], now,
            }, ct);
            // A replay of the request that created or sent it would hand back the old text.
            await ForgetReplaysAsync(db, letter.Id, ct);
            redacted++;
        }

        // An attachment's name ("Mandate Jane Doe.pdf") is text we can change; its content is not (see above).
        var attachments = await db.QueryAsync<(Guid Id, string FileName)>(
            "SELECT id, file_name FROM letter_attachments WHERE organisation_id = current_organisation_id() AND letter_id = ANY(@ids)",
            new { ids = letters.Select(l => l.Id).ToArray() }, ct);
        foreach (var (id, fileName) in attachments.Where(a => redact(a.FileName) != a.FileName))
        {
            var renamed = redact(fileName);
            await db.ExecuteAsync("UPDATE letter_attachments SET file_name = @fileName WHERE organisation_id = current_organisation_id() AND id = @id",
                new { id, fileName = renamed[..Math.Min(renamed.Length, 255)] }, ct);
        }

        var ids = letters.Select(l => l.Id).ToArray();
        var originals = await db.ExecuteAsync(
            "DELETE FROM letter_originals WHERE organisation_id = current_organisation_id() AND letter_id = ANY(@ids)", new { ids }, ct);
        return new LettersForgotten(redacted, originals, await ForgetInboxCopiesAsync(db, ids, redact, now, ct));
    }

    /// <summary>
    /// A message assigned from the inbox became one of the letters and kept the e-mail as it was read (GET /v1/inbox/{id}/original):
    /// the same original, so it goes as well (migration 0048), and the name or address leaves the subject, sender and detail that the
    /// inbox lists, as it left the letter's.
    /// </summary>
    private static async Task<int> ForgetInboxCopiesAsync(DbSession db, Guid[] letterIds, Func<string, string> redact, DateTimeOffset now, CancellationToken ct)
    {
        var messages = await db.QueryAsync<InboxText>("""
            SELECT id, subject, from_address, detail, content_erased_at FROM inbox_messages
            WHERE organisation_id = current_organisation_id() AND letter_id = ANY(@letterIds)
            ORDER BY id
            FOR UPDATE
            """, new { letterIds }, ct);
        var erased = 0;
        foreach (var message in messages)
        {
            var (subject, detail, from) = (redact(message.Subject), redact(message.Detail), message.FromAddress is null ? null : redact(message.FromAddress));
            if (message.ContentErasedAt is not null && (subject, detail, from) == (message.Subject, message.Detail, message.FromAddress))
            {
                continue;
            }

            await db.ExecuteAsync("""
                UPDATE inbox_messages SET content = NULL, content_erased_at = coalesce(content_erased_at, @now),
                    subject = @subject, from_address = @from, detail = @detail, version = version + 1, updated_at = @now
                WHERE organisation_id = current_organisation_id() AND id = @Id
                """, new
            {
                message.Id, subject = subject[..Math.Min(subject.Length, 500)], from = from?[..Math.Min(from.Length, 998)],
                detail = detail[..Math.Min(detail.Length, 2000)], now,
            }, ct);
            // A replay of the assignment would hand back the old subject and sender.
            await ForgetReplaysAsync(db, message.Id, ct);
            erased++;
        }

        return erased;
    }
}
