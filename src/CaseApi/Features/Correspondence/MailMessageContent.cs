using System.Text;
using CaseApi.Infrastructure.Http;
using MimeKit;
using MimeKit.Text;

namespace CaseApi.Features.Correspondence;

/// <summary>A file a message carries, decoded.</summary>
public sealed record MailAttachment(string FileName, byte[] Content);

/// <summary>
/// What a letter takes from an e-mail message (issue 15): subject, plain text, when it came, who sent it and its attachments, each bounded
/// so that a hostile message is recorded within the letter's limits or refused with a reason, never a 500.
/// </summary>
public sealed record MailMessageContent(
    MimeMessage Message, string? MessageId, string Subject, string Body, DateTimeOffset ReceivedAt, string? From, bool AutoSubmitted, IReadOnlyList<MailAttachment> Attachments)
{
    /// <summary>The largest message taken: an attachment of the maximum size, base64-encoded, with room for the rest.</summary>
    public const long MaxMessageBytes = 40 * 1024 * 1024;

    public const int MaxAttachments = 100;

    // Real mail nests a few levels (a forwarded message in a multipart/mixed); a hostile one nests until the parser's stack gives up.
    private const int MaxMimeDepth = 32;

    private static readonly ParserOptions Options = new() { MaxMimeDepth = MaxMimeDepth };

    /// <summary>Parses <paramref name="raw"/>; 400 naming <paramref name="field"/> when it is not a message.</summary>
    public static MailMessageContent Parse(byte[] raw, DateTimeOffset now, string field)
    {
        MimeMessage message;
        try
        {
            message = MimeMessage.Load(Options, new MemoryStream(raw, writable: false));
        }
        catch (FormatException e)
        {
            throw new FluentValidation.ValidationException([new(field, $"Not an e-mail message (RFC 5322): {e.Message}")]);
        }

        if (message.Headers.Count == 0 || (message.From.Count == 0 && message.Subject is null && message.Body is null))
        {
            throw new FluentValidation.ValidationException([new(field, "Not an e-mail message (RFC 5322): it has no From, Subject or body.")]);
        }

        var subject = Clean(message.Subject, LetterLimits.MaxSubjectLength);
        var body = Clean(message.TextBody ?? HtmlToText(message.HtmlBody), LetterLimits.MaxBodyLength);
        // A Date in the future or before e-mail was common is a wrong clock or a forgery: the message is taken as received now.
        var receivedAt = message.Date > now || message.Date.Year < 1990 ? now : message.Date.ToUniversalTime();
        var messageId = message.MessageId is { Length: > 0 and <= 998 } id && !id.Any(char.IsControl) ? id : null;
        return new MailMessageContent(message, messageId, subject.Length > 0 ? subject : "(no subject)", body, receivedAt,
            message.From.Mailboxes.FirstOrDefault()?.Address, IsAutoSubmitted(message), ReadAttachments(message));
    }

    /// <summary>
    /// An out-of-office notice or other automatic answer (RFC 3834 § 5: <c>Auto-Submitted</c> other than <c>no</c>) carries the In-Reply-To of
    /// the letter it bounces off, but answers nothing: it must not meet a deadline.
    /// </summary>
    private static bool IsAutoSubmitted(MimeMessage message)
    {
        var value = message.Headers[HeaderId.AutoSubmitted]?.Trim();
        return !string.IsNullOrEmpty(value) && !value.StartsWith("no", StringComparison.OrdinalIgnoreCase);
    }

    private static List<MailAttachment> ReadAttachments(MimeMessage message)
    {
        var found = new List<MailAttachment>();
        // A forwarded message is kept whether it came as an attachment or inline; inline images and the like stay in the original only.
        foreach (var entity in message.BodyParts.Where(e => e is MessagePart or MimePart { IsAttachment: true }))
        {
            if (found.Count == MaxAttachments)
            {
                throw new ApiProblemException(StatusCodes.Status413PayloadTooLarge, "too_many_attachments", $"The message has more than {MaxAttachments} attachments.");
            }

            using var content = new MemoryStream();
            string name;
            if (entity is MessagePart { Message: { } forwarded })
            {
                forwarded.WriteTo(content);
                // Stored as .eml whatever it is called, as the content check decides by the name's extension.
                name = FileName(entity.ContentDisposition?.FileName ?? entity.ContentType.Name, found.Count, ".eml");
                name = name.EndsWith(".eml", StringComparison.OrdinalIgnoreCase) ? name : name[..Math.Min(name.Length, 251)] + ".eml";
            }
            else if (entity is MimePart part)
            {
                part.Content?.DecodeTo(content);
                name = FileName(part.FileName, found.Count, "");
            }
            else
            {
                continue;
            }

            // An empty part carries nothing to keep apart from the original message, which keeps it anyway.
            if (content.Length > 0)
            {
                found.Add(new MailAttachment(name, content.ToArray()));
            }
        }

        return found;
    }

    /// <summary>A plain file name, without path or control characters, as uploads require.</summary>
    private static string FileName(string? given, int index, string extension)
    {
        var name = new string((given ?? "").Select(c => char.IsControl(c) || c is '/' or '\\' ? '_' : c).ToArray()).Trim();
        name = name.Length is 0 or > 255 || name is "." or ".." ? $"attachment-{index + 1}{extension}" : name;
        return name;
    }

    /// <summary>A subject as a letter takes it: on one line, without NULs, cut at <see cref="LetterLimits.MaxSubjectLength"/>.</summary>
    internal static string CleanSubject(string? subject) => Clean(subject, LetterLimits.MaxSubjectLength);

    /// <summary>Text on one line per paragraph, without NULs (PostgreSQL refuses them in text), cut at <paramref name="max"/>.</summary>
    private static string Clean(string? text, int max)
    {
        var cleaned = (text ?? "").Replace("\0", "", StringComparison.Ordinal).Replace("\r\n", "\n", StringComparison.Ordinal).Trim();
        if (max == LetterLimits.MaxSubjectLength)
        {
            cleaned = string.Join(' ', cleaned.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        }

        return cleaned.Length <= max ? cleaned : cleaned[..max];
    }

    /// <summary>
    /// The text of an HTML-only message: character data only, with no script or style content, a line break for each block; no markup
    /// survives, so nothing of it can run where the letter is shown.
    /// </summary>
    internal static string? HtmlToText(string? html)
    {
        if (html is null)
        {
            return null;
        }

        var text = new StringBuilder();
        var tokenizer = new HtmlTokenizer(new StringReader(html));
        var skipping = false;
        while (tokenizer.ReadNextToken(out var token))
        {
            switch (token)
            {
                case HtmlTagToken tag when tag.Id is HtmlTagId.Script or HtmlTagId.Style:
                    skipping = !tag.IsEndTag && !tag.IsEmptyElement;
                    break;
                case HtmlTagToken tag when tag.Id is HtmlTagId.Br or HtmlTagId.P or HtmlTagId.Div or HtmlTagId.LI or HtmlTagId.TR
                    or HtmlTagId.H1 or HtmlTagId.H2 or HtmlTagId.H3 or HtmlTagId.H4 or HtmlTagId.H5 or HtmlTagId.H6 or HtmlTagId.BlockQuote:
                    text.Append('\n');
                    break;
                case HtmlDataToken data when !skipping && data is not HtmlScriptDataToken:
                    text.Append(data.Data);
                    break;
            }
        }

        return text.ToString();
    }
}
