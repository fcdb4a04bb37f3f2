using CaseApi.Infrastructure.Data;
using MimeKit;

namespace CaseApi.Features.Correspondence;

/// <summary>Which rule found a message's case (issue 15 point 3); the first that finds one decides.</summary>
public enum ThreadingRule
{
    /// <summary>In-Reply-To, then References newest first, name a letter of the organisation.</summary>
    MessageId,

    /// <summary>A recipient address <c>local+{mailToken}@domain</c> names a case's mail token.</summary>
    MailToken,

    /// <summary>The subject names a case's reference as a whole word.</summary>
    CaseReference,
}

/// <summary>A message's case and, when it can be told, the letter it answers.</summary>
public sealed record ThreadMatch(Guid CaseId, string CaseReference, Guid? AnsweredLetterId, ThreadingRule Rule);

/// <summary>What in a message can tie it to a case, read from its headers alone; bounded, as a hostile message can carry thousands.</summary>
public sealed record ThreadClues(IReadOnlyList<string> MessageIds, IReadOnlyList<string> MailTokens, string Subject)
{
    public const int MaxMessageIds = 50;

    public const int MaxMailTokens = 50;

    public const int MaxSubjectLength = 998;

    /// <summary>In-Reply-To first, then References from the newest (the last) back; recipients from To, Cc and Delivered-To.</summary>
    public static ThreadClues From(MimeMessage message)
    {
        var ids = message.InReplyTo is { Length: > 0 } inReplyTo ? new[] { inReplyTo } : [];
        var messageIds = ids.Concat(message.References.Reverse()).Distinct(StringComparer.Ordinal).Take(MaxMessageIds).ToArray();
        var deliveredTo = message.Headers.Where(h => h.Field.Equals("Delivered-To", StringComparison.OrdinalIgnoreCase))
            .SelectMany(h => InternetAddressList.TryParse(h.Value, out var list) ? list.Mailboxes : []);
        var tokens = message.To.Mailboxes.Concat(message.Cc.Mailboxes).Concat(deliveredTo)
            .Select(m => MailToken(m.Address)).OfType<string>().Distinct(StringComparer.Ordinal).Take(MaxMailTokens).ToArray();
        var subject = message.Subject ?? "";
        return new ThreadClues(messageIds, tokens, subject.Length > MaxSubjectLength ? subject[..MaxSubjectLength] : subject);
    }

    /// <summary>
    /// A case's mail token in an address, lower-cased: a part of the local part, between the delimiters a reply pattern may set around
    /// <c>{token}</c>, with the shape of a token. So <c>cases+token@…</c> (plus-addressing), <c>token@replies.…</c> (a catch-all domain) and
    /// <c>cases-token@…</c> are all read, whichever form the organisation's pattern gives.
    /// </summary>
    public static string? MailToken(string? address)
    {
        var at = address?.LastIndexOf('@') ?? -1;
        if (at <= 0)
        {
            return null;
        }

        foreach (var part in address![..at].ToLowerInvariant().Split(['+', '-', '.', '_', '=']))
        {
            if (part.Length == 20 && part.All(char.IsAsciiHexDigitLower))
            {
                return part;
            }
        }

        return null;
    }

    /// <summary>
    /// Whether the subject names the reference as a whole: case-insensitive, and neither preceded nor followed by a letter, a digit or one of
    /// <c>- _ /</c>, so that "VZ-2025-017" is not found in "VZ-2025-0171", "XVZ-2025-017" or "VZ-2025-017/2". A full stop or bracket may follow
    /// ("Az. VZ-2025-017.", "[VZ-2025-017]").
    /// </summary>
    public static bool NamesReference(string subject, string reference)
    {
        if (reference.Length < MinReferenceLength)
        {
            return false;
        }

        for (var at = subject.IndexOf(reference, StringComparison.OrdinalIgnoreCase); at >= 0;
             at = subject.IndexOf(reference, at + 1, StringComparison.OrdinalIgnoreCase))
        {
            var end = at + reference.Length;
            if ((at == 0 || !JoinsReference(subject[at - 1])) && (end == subject.Length || !JoinsReference(subject[end])))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Shorter references ("17", "A-1") turn up in subjects by chance; they are not looked for.</summary>
    public const int MinReferenceLength = 5;

    private static bool JoinsReference(char c) => char.IsLetterOrDigit(c) || c is '-' or '_' or '/';
}

/// <summary>
/// Finds the case and letter a message belongs to (issue 15 point 3), within the caller's organisation only: every query names
/// <c>current_organisation_id()</c> besides row-level security, so a forged In-Reply-To naming another organisation's letter finds nothing.
/// </summary>
public sealed class MessageThreading(DbSession db)
{
    private sealed record Candidate
    {
        public Guid CaseId { get; init; }

        public required string Reference { get; init; }

        public Guid? LetterId { get; init; }

        public string? MessageId { get; init; }
    }

    /// <summary>
    /// The first rule that finds exactly one case decides. Rule 1 answers the letter it names. Rules 2 and 3 know only the case: they answer
    /// the case's one sent letter with an open response deadline (to <paramref name="defendantId"/> or <paramref name="dpaId"/>, when given);
    /// with none or several, the message is filed in the case answering nothing, rather than meeting a deadline it may not answer.
    /// </summary>
    public async Task<ThreadMatch?> MatchAsync(ThreadClues clues, Guid? defendantId, Guid? dpaId, CancellationToken ct)
    {
        if (clues.MessageIds.Count > 0)
        {
            var letters = await db.QueryAsync<Candidate>("""
                SELECT l.case_id, c.reference, l.id AS letter_id, l.message_id
                FROM letters l JOIN cases c ON c.organisation_id = l.organisation_id AND c.id = l.case_id
                WHERE l.organisation_id = current_organisation_id() AND l.message_id = ANY (@ids)
                """, new { ids = clues.MessageIds.ToArray() }, ct);
            var named = clues.MessageIds.Select(id => letters.FirstOrDefault(l => l.MessageId == id)).FirstOrDefault(l => l is not null);
            if (named is not null)
            {
                return new ThreadMatch(named.CaseId, named.Reference, named.LetterId, ThreadingRule.MessageId);
            }
        }

        if (clues.MailTokens.Count > 0)
        {
            var cases = await db.QueryAsync<Candidate>("""
                SELECT id AS case_id, reference FROM cases WHERE organisation_id = current_organisation_id() AND mail_token = ANY (@tokens)
                """, new { tokens = clues.MailTokens.ToArray() }, ct);
            if (cases.Count == 1)
            {
                return await WithAnsweredLetterAsync(cases[0], ThreadingRule.MailToken, defendantId, dpaId, ct);
            }
        }

        // The database narrows by substring; the word rule decides.
        var referenced = (await db.QueryAsync<Candidate>("""
                SELECT id AS case_id, reference FROM cases
                WHERE organisation_id = current_organisation_id() AND length(reference) >= @min AND strpos(lower(@subject), lower(reference)) > 0
                """, new { subject = clues.Subject, min = ThreadClues.MinReferenceLength }, ct))
            .Where(c => ThreadClues.NamesReference(clues.Subject, c.Reference)).ToArray();
        return referenced.Length == 1 ? await WithAnsweredLetterAsync(referenced[0], ThreadingRule.CaseReference, defendantId, dpaId, ct) : null;
    }

    private async Task<ThreadMatch> WithAnsweredLetterAsync(Candidate found, ThreadingRule rule, Guid? defendantId, Guid? dpaId, CancellationToken ct)
    {
        var open = await db.QueryAsync<Guid>("""
            SELECT l.id FROM letters l
            JOIN deadlines d ON d.organisation_id = l.organisation_id AND d.letter_id = l.id AND d.kind IN ('response', 'data_subject_request') AND d.status = 'open'
            WHERE l.organisation_id = current_organisation_id() AND l.case_id = @CaseId AND l.direction = 'outgoing' AND l.status = 'sent'
              AND (@defendantId::uuid IS NULL OR l.defendant_id = @defendantId) AND (@dpaId::uuid IS NULL OR l.dpa_id = @dpaId)
            LIMIT 2
            """, new { found.CaseId, defendantId, dpaId }, ct);
        return new ThreadMatch(found.CaseId, found.Reference, open.Count == 1 ? open[0] : null, rule);
    }
}
