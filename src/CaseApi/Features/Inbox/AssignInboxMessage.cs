using CaseApi.Features.Correspondence;
using CaseApi.Features.Events;
using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Mediation;
using FluentValidation;
using MediatR;

namespace CaseApi.Features.Inbox;

public static class AssignInboxMessage
{
    /// <summary>The case a message of the inbox belongs to, and what the letter it becomes answers.</summary>
    public sealed record Assignment
    {
        /// <summary>The case the message belongs to.</summary>
        public required Guid CaseId { get; init; }

        /// <summary>The letter of that case it answers: it then meets that letter's deadline, as a recorded reply does.</summary>
        public Guid? InReplyToId { get; init; }

        /// <summary>Who sent it, when a defendant; without it (and <c>dpaId</c>), the answered letter's other side or the case's only defendant.</summary>
        public Guid? DefendantId { get; init; }

        /// <summary>Who sent it, when an authority.</summary>
        public Guid? DpaId { get; init; }

        /// <summary>For a reply <c>inReplyToId</c> a cease-and-desist letter: what it is, as <c>POST /v1/cases/{caseId}/letters</c> takes it.</summary>
        public CeaseAndDesistReply? CeaseAndDesistReply { get; init; }

        public sealed class Validator : AbstractValidator<Assignment>
        {
            public Validator()
            {
                RuleFor(a => a.CaseId).NotEmpty();
                RuleFor(a => a.DpaId).Null().When(a => a.DefendantId is not null).WithMessage("Name the sender: a defendantId or a dpaId, not both.");
                RuleFor(a => a.CeaseAndDesistReply).Null().When(a => a.InReplyToId is null)
                    .WithMessage("Only a message inReplyToId a cease-and-desist letter is classified as its reply.");
                RuleFor(a => a.CeaseAndDesistReply!).SetValidator(new CeaseAndDesistReplyValidator()).When(a => a.CeaseAndDesistReply is not null);
            }
        }
    }

    public sealed record Command(Guid Id, int? ExpectedVersion, Assignment Assignment) : ICommand<InboxMessageDto>;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator() => RuleFor(c => c.Assignment).SetValidator(new Assignment.Validator());
    }

    internal sealed class Handler(DbSession db, MailLetters letters, LetterRecorder recorder, EventWriter events, TimeProvider clock)
        : IRequestHandler<Command, InboxMessageDto>
    {
        public async Task<InboxMessageDto> Handle(Command cmd, CancellationToken ct)
        {
            var message = await InboxTriage.LockNewAsync(db, cmd.Id, cmd.ExpectedVersion, ct);
            var assignment = cmd.Assignment;
            var defendants = await letters.DefendantsAsync(assignment.CaseId, ct);
            if (defendants.Count == 0)
            {
                throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity, "unknown_reference", $"No case {assignment.CaseId} in this organisation.",
                    new Dictionary<string, object?> { ["field"] = "caseId" });
            }

            var now = clock.GetUtcNow();
            MailMessageContent mail;
            try
            {
                mail = MailMessageContent.Parse(message.Content, now, "message");
            }
            catch (ValidationException unreadable)
            {
                throw new ConflictException("message_unreadable", $"The message cannot be recorded as a letter: {unreadable.Errors.First().ErrorMessage} Dismiss it.");
            }

            if (await letters.FindAsync(message.Sha256, mail.MessageId, ct) is { } known)
            {
                throw new ConflictException("message_already_recorded", $"This message is recorded as letter {known.Id} in case {known.Reference}.",
                    new Dictionary<string, object?> { ["caseId"] = known.CaseId, ["caseReference"] = known.Reference });
            }

            var (defendantId, dpaId) = (assignment.DefendantId, assignment.DpaId);
            if (defendantId is null && dpaId is null)
            {
                (defendantId, dpaId) = assignment.InReplyToId is { } answered && await IsLetterOfCaseAsync(answered, assignment.CaseId, ct)
                    ? await letters.OtherSideAsync(answered, ct)
                    : (defendants.Count == 1 ? defendants[0] : null, null);
            }

            if (defendantId is null && dpaId is null)
            {
                throw new ValidationException([new("defendantId",
                    "Name the sender: a defendantId or dpaId. It cannot be told, as the message answers no letter and the case has not exactly one defendant.")]);
            }

            var letterId = await letters.RecordAsync(assignment.CaseId, mail, message.Content, assignment.InReplyToId, defendantId, dpaId, assignment.CeaseAndDesistReply, ct);
            await recorder.PublishAsync(letterId, ct);
            await db.ExecuteAsync("""
                UPDATE inbox_messages SET status = 'assigned', case_id = @CaseId, letter_id = @letterId, version = version + 1, updated_at = @now
                WHERE organisation_id = current_organisation_id() AND id = @Id
                """, new { assignment.CaseId, letterId, now, cmd.Id }, ct);
            var assigned = (await InboxMessageDto.LoadAsync(db, cmd.Id, ct))!;
            await events.AppendAsync("inbox_message.assigned", "inbox_message", cmd.Id, assigned, ct);
            return assigned;
        }

        private async Task<bool> IsLetterOfCaseAsync(Guid letterId, Guid caseId, CancellationToken ct) =>
            await db.QuerySingleAsync<bool>(
                "SELECT EXISTS (SELECT FROM letters WHERE organisation_id = current_organisation_id() AND id = @letterId AND case_id = @caseId)",
                new { letterId, caseId }, ct);
    }

    internal static void Map(RouteGroupBuilder inbox) => inbox.MapVersionedChange(HttpMethods.Post, "{id}/assign", (Guid id, int? version, Assignment body) => new Command(id, version, body))
        .RequireAuthorization(Policies.Write)
        .WithName("AssignInboxMessage")
        .WithSummary("File a message of the inbox in a case")
        .WithDescription("""
            Records the message as an incoming e-mail letter of the case, as `POST /v1/cases/{caseId}/letters/import` records a saved message:
            subject, text, `Date` as `receivedAt`, Message-ID, attachments (checked as uploads are: 415 or 413 naming the file) and the message
            itself at `GET /v1/letters/{id}/original`. With `inReplyToId` it answers that letter of the case and meets its deadline as a recorded
            reply does; `ceaseAndDesistReply` classifies a reply to a cease-and-desist letter as `POST /v1/cases/{caseId}/letters` does. The sender
            is `defendantId` or `dpaId`, else the answered letter's other side, else the case's only defendant; 422 naming `defendantId` when none
            can be told. The inbox message becomes `assigned`, naming the case and the letter. 409 `inbox_message_not_new` when it was assigned or
            dismissed before; 409 `message_already_recorded` when the message is a letter already (imported meanwhile). Requires `If-Match`.
            """)
        .Produces<InboxMessageDto>();
}
