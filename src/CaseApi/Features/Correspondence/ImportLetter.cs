using System.Security.Cryptography;
using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Mediation;
using MediatR;
using Microsoft.AspNetCore.Mvc;

namespace CaseApi.Features.Correspondence;

public static class ImportLetter
{
    // Room for the multipart envelope around a message of the maximum size.
    private const long MaxRequestBytes = MailMessageContent.MaxMessageBytes + (64 * 1024);

    public sealed record Command(Guid CaseId, byte[] Message, Guid? DefendantId, Guid? DpaId) : ICommand<Result>;

    /// <summary>The letter, and whether this import recorded it (false: the message was imported before).</summary>
    public sealed record Result(LetterDto Letter, bool Created);

    internal sealed class Handler(DbSession db, MailLetters letters, LetterRecorder recorder, MessageThreading threading, TimeProvider clock) : IRequestHandler<Command, Result>
    {
        public async Task<Result> Handle(Command cmd, CancellationToken ct)
        {
            if (cmd.DefendantId is not null && cmd.DpaId is not null)
            {
                throw new FluentValidation.ValidationException([new("dpaId", "Name the sender: a defendantId or a dpaId, not both.")]);
            }

            var caseDefendants = await letters.DefendantsAsync(cmd.CaseId, ct);
            if (caseDefendants.Count == 0)
            {
                throw new NotFoundException("case", cmd.CaseId);
            }

            var mail = MailMessageContent.Parse(cmd.Message, clock.GetUtcNow(), "file");
            if (await letters.FindAsync(SHA256.HashData(cmd.Message), mail.MessageId, ct) is { } existing)
            {
                return existing.CaseId == cmd.CaseId
                    ? new Result((await LetterReader.LoadAsync(db, existing.Id, ct))!, Created: false)
                    : throw OtherCase("message_already_recorded", $"This message is recorded as letter {existing.Id} in case {existing.Reference}.", existing.CaseId, existing.Reference);
            }

            // The sender, when the client names it or the case has only one defendant; otherwise the answered letter's other side.
            var onlyDefendant = caseDefendants.Count == 1 ? caseDefendants[0] : null;
            var (defendantId, dpaId) = cmd.DefendantId is not null || cmd.DpaId is not null ? (cmd.DefendantId, cmd.DpaId) : (onlyDefendant, null);
            var match = await threading.MatchAsync(ThreadClues.From(mail.Message), defendantId, dpaId, ct);
            if (match is not null && match.CaseId != cmd.CaseId)
            {
                throw OtherCase("message_belongs_to_other_case",
                    $"The message belongs to case {match.CaseReference} (by its {RuleName(match.Rule)}); import it there.", match.CaseId, match.CaseReference);
            }

            if (match?.AnsweredLetterId is { } answered && cmd.DefendantId is null && cmd.DpaId is null)
            {
                (defendantId, dpaId) = await letters.OtherSideAsync(answered, ct);
            }

            if (defendantId is null && dpaId is null)
            {
                throw new FluentValidation.ValidationException([new("defendantId",
                    "Name the sender: a defendantId or dpaId. It cannot be told from the message, which answers no letter of the case, and the case has not exactly one defendant.")]);
            }

            var id = await letters.RecordAsync(cmd.CaseId, mail, cmd.Message, mail.AutoSubmitted ? null : match?.AnsweredLetterId, defendantId, dpaId, reply: null, ct);
            return new Result(await recorder.PublishAsync(id, ct), Created: true);
        }

        private static ConflictException OtherCase(string code, string detail, Guid caseId, string reference) =>
            new(code, detail, new Dictionary<string, object?> { ["caseId"] = caseId, ["caseReference"] = reference });

        private static string RuleName(ThreadingRule rule) => rule switch
        {
            ThreadingRule.MessageId => "In-Reply-To/References",
            ThreadingRule.MailToken => "reply address",
            _ => "subject",
        };
    }

    internal static void Map(RouteGroupBuilder cases) => cases.MapPost("{caseId}/letters/import",
            async (Guid caseId, IFormFile file, Guid? defendantId, Guid? dpaId, IMediator mediator, HttpContext http, CancellationToken ct) =>
            {
                if (file.Length > MailMessageContent.MaxMessageBytes)
                {
                    throw new BadHttpRequestException($"Messages are limited to {MailMessageContent.MaxMessageBytes / (1024 * 1024)} MB.", StatusCodes.Status413PayloadTooLarge);
                }

                using var buffer = new MemoryStream((int)file.Length);
                await file.CopyToAsync(buffer, ct);
                var imported = await mediator.Send(new Command(caseId, buffer.ToArray(), defendantId, dpaId), ct);
                return imported.Created
                    ? EntityTags.Created(http, $"/v1/letters/{imported.Letter.Id}", imported.Letter)
                    : EntityTags.Ok(http, imported.Letter);
            })
        .DisableAntiforgery()
        .WithMetadata(new RequestSizeLimitAttribute(MaxRequestBytes))
        .RequireAuthorization(Policies.Write)
        .WithTags("Correspondence")
        .WithName("ImportLetter")
        .WithSummary("Import a saved e-mail as an incoming letter")
        .WithDescription("""
            Multipart upload, field `file`: one e-mail message as saved from a mail client (`.eml`, `message/rfc822`, up to 40 MB; 413 beyond).
            It becomes an incoming e-mail letter with the message's subject, its plain text (an HTML-only message as text, without markup or scripts),
            its `Date` as `receivedAt` (now, if missing or in the future), its Message-ID and its attachments, each checked as
            `POST /v1/letters/{id}/attachments` checks uploads (415 or 413 naming the file). The message itself is kept byte for byte at
            `GET /v1/letters/{id}/original`.

            Threading, by the matching rules in the README: a message whose `In-Reply-To` or `References` names a letter of this case is recorded
            `inReplyTo` it and meets its deadline as `POST /v1/cases/{caseId}/letters` records a reply (a reply to a cease-and-desist letter is not
            classified, so it meets the deadline as an unclassified reply does); one found by the case's reply address or its reference in the subject
            answers the case's one sent letter with an open deadline, if there is exactly one. A message that belongs to another case of the
            organisation is refused with 409 `message_belongs_to_other_case` naming it. Another organisation's letters are never matched. An automatic
            answer (`Auto-Submitted` other than `no`, RFC 3834: an out-of-office notice) is filed in the case as an `acknowledgement` answering
            nothing, so that it meets no deadline.

            The sender (`defendantId` or `dpaId`) is the answered letter's other side, or the case's only defendant, unless given here; 422 when
            none can be told. A message imported before (the same bytes, or the same Message-ID) is not recorded again: 200 with the letter it became,
            or 409 `message_already_recorded` naming the case it is in.
            """)
        .Produces<LetterDto>(StatusCodes.Status201Created)
        .Produces<LetterDto>(StatusCodes.Status200OK);
}
