using CaseApi.Features.Organisations;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Mediation;
using CaseApi.Infrastructure.Secrets;
using MediatR;
using MimeKit;

namespace CaseApi.Features.Correspondence;

/// <summary>
/// The e-mail a letter is delivered as, and the servers to deliver and to resolve it with: From the organisation's address, To the recipient,
/// Reply-To the case's reply address (the settings' <c>replyAddressPattern</c> with the case's mail token, which the importer's threading
/// recognises), the Message-ID fixed at /send, In-Reply-To and References when the letter answers an e-mail, the text and every attachment.
/// A Bcc to the same reply address puts a copy into the organisation's mailbox: the witness <see cref="DispatchLetters"/> resolves attempts of
/// unknown outcome with (the importer skips it, as its Message-ID is a letter's). Null when the organisation's mail settings are gone.
/// </summary>
public static class ComposeLetterMail
{
    /// <param name="LetterId">The letter.</param>
    /// <param name="WithMessage">False when only the mailbox is needed, to resolve an attempt: the attachments are not read.</param>
    public sealed record Query(Guid LetterId, bool WithMessage) : IQuery<LetterMail?>;

    /// <summary>The message (null without <c>WithMessage</c>) and the organisation's servers, passwords decrypted for this delivery only.</summary>
    public sealed record LetterMail(MimeMessage? Message, bool AttachDocument, string MessageId, MailServer Smtp, MailServer Imap, string ImapFolder);

    private sealed record Row
    {
        public required string Subject { get; init; }

        public string? Body { get; init; }

        public required string MailToken { get; init; }

        public required string MessageId { get; init; }

        public required string RecipientAddress { get; init; }

        public bool AttachDocument { get; init; }

        public string? AnsweredMessageId { get; init; }
    }

    private sealed record Attachment
    {
        public required string FileName { get; init; }

        public required string ContentType { get; init; }

        public required byte[] Content { get; init; }
    }

    internal sealed class Handler(DbSession db, SecretProtector secrets, TimeProvider clock) : IRequestHandler<Query, LetterMail?>
    {
        public async Task<LetterMail?> Handle(Query query, CancellationToken ct)
        {
            var settings = await MailSettings.LoadAsync(db, ct);
            var row = await db.QuerySingleOrDefaultAsync<Row>("""
                SELECT l.subject, l.body, c.mail_token, d.message_id, d.recipient_address, d.attach_document, a.message_id AS answered_message_id
                FROM letter_deliveries d
                JOIN letters l ON l.organisation_id = d.organisation_id AND l.id = d.letter_id
                JOIN cases c ON c.organisation_id = l.organisation_id AND c.id = l.case_id
                LEFT JOIN letters a ON a.organisation_id = l.organisation_id AND a.id = l.in_reply_to_id
                WHERE d.organisation_id = current_organisation_id() AND d.letter_id = @LetterId
                """, query, ct);
            if (settings is null || row is null)
            {
                return null;
            }

            MimeMessage? message = null;
            if (query.WithMessage)
            {
                var replyTo = settings.ReplyAddressPattern.Replace(MailAddresses.Token, row.MailToken, StringComparison.Ordinal);
                message = new MimeMessage { Subject = row.Subject, MessageId = row.MessageId, Date = clock.GetUtcNow() };
                message.From.Add(new MailboxAddress(settings.FromName, settings.FromAddress));
                message.To.Add(MailboxAddress.Parse(row.RecipientAddress));
                message.ReplyTo.Add(MailboxAddress.Parse(replyTo));
                message.Bcc.Add(MailboxAddress.Parse(replyTo));
                if (row.AnsweredMessageId is { } answered)
                {
                    message.InReplyTo = answered;
                    message.References.Add(answered);
                }

                var body = new Multipart("mixed") { new TextPart("plain") { Text = row.Body ?? "" } };
                foreach (var attachment in await db.QueryAsync<Attachment>("""
                             SELECT file_name, content_type, content FROM letter_attachments
                             WHERE organisation_id = current_organisation_id() AND letter_id = @LetterId ORDER BY id
                             """, query, ct))
                {
                    body.Add(Part(attachment.FileName, attachment.ContentType, attachment.Content));
                }

                message.Body = body;
            }

            return new LetterMail(message, row.AttachDocument, row.MessageId, settings.Smtp(secrets), settings.Imap(secrets), settings.ImapFolder);
        }
    }

    public static MimePart Part(string fileName, string contentType, byte[] content) => new(ContentType.Parse(contentType))
    {
        Content = new MimeContent(new MemoryStream(content)),
        ContentDisposition = new ContentDisposition(ContentDisposition.Attachment),
        ContentTransferEncoding = ContentEncoding.Base64,
        FileName = fileName,
    };
}
