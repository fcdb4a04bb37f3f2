using System.Security.Cryptography;
using CaseApi.Infrastructure.Data;

namespace CaseApi.Features.Correspondence;

/// <summary>A letter an e-mail message already is.</summary>
public sealed record KnownMessage
{
    public Guid Id { get; init; }

    public Guid CaseId { get; init; }

    public required string Reference { get; init; }
}

/// <summary>
/// An e-mail message as an incoming letter (issue 15): one path for a saved message (<see cref="ImportLetter"/>), a message from
/// the mailbox and one assigned from the inbox, so that each is recorded alike — the shared <see cref="LetterRecorder"/> (a reply
/// meets its letter's deadline by the same rules), the attachments checked as uploads are, and the message kept byte for byte.
/// </summary>
public sealed class MailLetters(DbSession db, LetterRecorder recorder, TimeProvider clock)
{
    /// <summary>The letter this message already is: the same bytes imported before, or a letter with its Message-ID.</summary>
    public Task<KnownMessage?> FindAsync(byte[] sha256, string? messageId, CancellationToken ct) =>
        db.QuerySingleOrDefaultAsync<KnownMessage>("""
            SELECT l.id, l.case_id, c.reference FROM letters l JOIN cases c ON c.organisation_id = l.organisation_id AND c.id = l.case_id
            WHERE l.organisation_id = current_organisation_id()
              AND (l.message_id = @messageId
                   OR l.id = (SELECT o.letter_id FROM letter_originals o WHERE o.organisation_id = current_organisation_id() AND o.sha256 = @sha256))
            ORDER BY l.id LIMIT 1
            """, new { sha256, messageId }, ct);

    /// <summary>The case's defendants: empty when there is no such case, one null for a case without any.</summary>
    public Task<IReadOnlyList<Guid?>> DefendantsAsync(Guid caseId, CancellationToken ct) =>
        db.QueryAsync<Guid?>("""
            SELECT cd.defendant_id FROM cases c
            LEFT JOIN case_defendants cd ON cd.organisation_id = c.organisation_id AND cd.case_id = c.id
            WHERE c.organisation_id = current_organisation_id() AND c.id = @caseId
            """, new { caseId }, ct);

    /// <summary>The other side of a letter: who sent the reply to it.</summary>
    public Task<(Guid? DefendantId, Guid? DpaId)> OtherSideAsync(Guid letterId, CancellationToken ct) =>
        db.QuerySingleAsync<(Guid?, Guid?)>(
            "SELECT defendant_id, dpa_id FROM letters WHERE organisation_id = current_organisation_id() AND id = @letterId", new { letterId }, ct);

    /// <summary>
    /// Records the message in the case, <c>inReplyTo</c> <paramref name="answers"/> when given (an automatic answer answering nothing is an
    /// acknowledgement), with its attachments and the original; the caller publishes it (<see cref="LetterRecorder.PublishAsync"/>).
    /// </summary>
    public async Task<Guid> RecordAsync(
        Guid caseId, MailMessageContent mail, byte[] raw, Guid? answers, Guid? defendantId, Guid? dpaId, CeaseAndDesistReply? reply, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var id = await recorder.RecordAsync(caseId, new RecordLetter.NewLetter
        {
            Direction = LetterDirection.Incoming,
            Type = answers is not null ? LetterType.Reply : mail.AutoSubmitted ? LetterType.Acknowledgement : LetterType.Other,
            DefendantId = defendantId,
            DpaId = dpaId,
            Channel = LetterChannel.Email,
            Subject = mail.Subject,
            Body = mail.Body.Length == 0 ? null : mail.Body,
            InReplyTo = answers,
            ReceivedAt = mail.ReceivedAt,
            CeaseAndDesistReply = reply,
        }, mail.MessageId, ct);
        foreach (var attachment in mail.Attachments)
        {
            await AttachmentStore.StoreAsync(db, id, attachment.FileName, attachment.Content, now, ct);
        }

        await db.ExecuteAsync("""
            INSERT INTO letter_originals (organisation_id, letter_id, size, sha256, content, created_at)
            VALUES (current_organisation_id(), @id, @size, @sha256, @content, @now)
            """, new { id, size = raw.LongLength, sha256 = SHA256.HashData(raw), content = raw, now }, ct);
        return id;
    }
}
