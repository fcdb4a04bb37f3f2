using CaseApi.Features.Deadlines;
using CaseApi.Features.LetterTemplates;
using CaseApi.Features.Events;
using CaseApi.Features.Obligations;
using CaseApi.Features.Timeline;
using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Json;
using CaseApi.Infrastructure.Mediation;
using FluentValidation;
using MediatR;

namespace CaseApi.Features.Correspondence;

public static class RecordLetter
{
    /// <summary>A letter to record: an outgoing draft, or an incoming letter as received.</summary>
    public sealed record NewLetter
    {
        /// <summary>Outgoing letters start as drafts; incoming ones are recorded as received.</summary>
        /// <example>outgoing</example>
        public required LetterDirection Direction { get; init; }

        /// <summary>What kind of letter.</summary>
        /// <example>cease_and_desist</example>
        public required LetterType Type { get; init; }

        /// <summary>The other side, when a defendant (give this or <c>dpaId</c>).</summary>
        public Guid? DefendantId { get; init; }

        /// <summary>The other side, when an authority.</summary>
        public Guid? DpaId { get; init; }

        /// <summary>How it travels or travelled.</summary>
        /// <example>registered_post</example>
        public required LetterChannel Channel { get; init; }

        /// <summary>Subject line. Leave it out to have <c>templateId</c> draft it.</summary>
        /// <example>Unterlassungsaufforderung: KI-Training mit Nutzerdaten</example>
        public string? Subject { get; init; }

        /// <summary>The text. Leave it out to have <c>templateId</c> draft it.</summary>
        public string? Body { get; init; }

        /// <summary>
        /// For outgoing letters: a letter template (see <c>GET /v1/letter-templates</c>) to draft the subject and text from, filled
        /// from the case, the other side and the <c>inReplyTo</c> letter. A <c>subject</c> or <c>body</c> given here wins over the template's.
        /// </summary>
        public Guid? TemplateId { get; init; }

        /// <summary>The complaint it belongs to, if any.</summary>
        public Guid? ComplaintId { get; init; }

        /// <summary>The letter this one answers. An incoming reply meets that letter's deadline.</summary>
        public Guid? InReplyTo { get; init; }

        /// <summary>For incoming letters: when it arrived; now when left out.</summary>
        public DateTimeOffset? ReceivedAt { get; init; }

        /// <summary>
        /// For an incoming reply <c>inReplyTo</c> a cease-and-desist letter: what it is. Only a declaration accepted as adequate meets the letter's
        /// deadline (and is kept as the defendant's obligation); a refusal, a partial or an inadequate declaration ends it as <c>refused</c> and
        /// escalates the case; an extension request leaves it running. Left out, the reply meets the deadline as any reply does.
        /// </summary>
        public CeaseAndDesistReply? CeaseAndDesistReply { get; init; }
    }

    public sealed record Command(Guid CaseId, NewLetter Letter) : ICommand<LetterDto>;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator(TimeProvider clock)
        {
            RuleFor(c => c.Letter.Direction).IsInEnum().OverridePropertyName("direction");
            RuleFor(c => c.Letter.Type).IsInEnum().OverridePropertyName("type");
            RuleFor(c => c.Letter.Channel).IsInEnum().OverridePropertyName("channel");
            RuleFor(c => c.Letter.Subject).NotEmpty().When(c => c.Letter.TemplateId is null || c.Letter.Subject is not null)
                .WithMessage("Give a subject, or leave it out and give a templateId to draft it.").IsShortText(LetterLimits.MaxSubjectLength).OverridePropertyName("subject");
            RuleFor(c => c.Letter.TemplateId).Null().When(c => c.Letter.Direction == LetterDirection.Incoming)
                .WithMessage("Templates draft outgoing letters; record an incoming letter as it came.").OverridePropertyName("templateId");
            RuleFor(c => c.Letter.Body).IsShortText(LetterLimits.MaxBodyLength).OverridePropertyName("body");
            RuleFor(c => c.Letter).Must(l => (l.DefendantId is null) != (l.DpaId is null))
                .WithMessage("Name the other side: a defendantId or a dpaId, not both.").OverridePropertyName("defendantId");
            RuleFor(c => c.Letter.ReceivedAt).Null().When(c => c.Letter.Direction == LetterDirection.Outgoing)
                .WithMessage("Outgoing letters are sent, not received: record them as drafts and send them.").OverridePropertyName("receivedAt");
            RuleFor(c => c.Letter.ReceivedAt).Must(at => at is null || at <= clock.GetUtcNow().AddMinutes(5))
                .WithMessage("Must not lie in the future.").OverridePropertyName("receivedAt");
            RuleFor(c => c.Letter.CeaseAndDesistReply).Null().When(c => c.Letter.Direction == LetterDirection.Outgoing || c.Letter.InReplyTo is null)
                .WithMessage("Only an incoming letter inReplyTo a cease-and-desist letter is classified as its reply.").OverridePropertyName("ceaseAndDesistReply");
            RuleFor(c => c.Letter.CeaseAndDesistReply!).SetValidator(new CeaseAndDesistReplyValidator()).When(c => c.Letter.CeaseAndDesistReply is not null)
                .OverridePropertyName("ceaseAndDesistReply");
        }
    }

    internal sealed class Handler(
        DbSession db, DeadlineKeeper deadlines, CeaseAndDesistOutcomes ceaseAndDesist, TimelineWriter timeline, LetterTemplateRenderer templates, EventWriter events, TimeProvider clock)
        : IRequestHandler<Command, LetterDto>
    {
        public async Task<LetterDto> Handle(Command cmd, CancellationToken ct)
        {
            var letter = cmd.Letter;
            await RequireSameCaseAsync(db, "cases", cmd.CaseId, cmd.CaseId, "case", ct);
            if (letter.ComplaintId is { } complaintId)
            {
                await RequireSameCaseAsync(db, "complaints", complaintId, cmd.CaseId, "complaint", ct);
            }

            if (letter.InReplyTo is { } answered)
            {
                await RequireSameCaseAsync(db, "letters", answered, cmd.CaseId, "letter", ct);
                if (letter.CeaseAndDesistReply is not null)
                {
                    await CeaseAndDesistOutcomes.RequireCeaseAndDesistAsync(db, answered, ct);
                }
            }

            var (subject, body) = await DraftAsync(cmd.CaseId, letter, ct);
            var now = clock.GetUtcNow();
            var id = Guid.CreateVersion7(now);
            var incoming = letter.Direction == LetterDirection.Incoming;
            var receivedAt = incoming ? letter.ReceivedAt ?? now : (DateTimeOffset?)null;
            await db.ExecuteAsync("""
                INSERT INTO letters (id, organisation_id, case_id, complaint_id, direction, type, defendant_id, dpa_id, channel, subject, body,
                    in_reply_to_id, status, received_at, cease_and_desist_reply, created_at, updated_at)
                VALUES (@id, current_organisation_id(), @CaseId, @ComplaintId, @direction, @type, @DefendantId, @DpaId, @channel, @subject, @body,
                    @InReplyTo, @status, @receivedAt, @reply::jsonb, @now, @now)
                """,
                new
                {
                    id, cmd.CaseId, letter.ComplaintId, direction = SnakeCase.From(letter.Direction), type = SnakeCase.From(letter.Type),
                    letter.DefendantId, letter.DpaId, channel = SnakeCase.From(letter.Channel), subject, body, letter.InReplyTo,
                    status = incoming ? "received" : "draft", receivedAt, now,
                    reply = letter.CeaseAndDesistReply is null ? null : System.Text.Json.JsonSerializer.Serialize(letter.CeaseAndDesistReply, JsonSetup.Api),
                },
                ct);

            if (incoming)
            {
                await timeline.AppendAsync(cmd.CaseId, "letter.received", $"Letter received: {subject}", "letter", id, occurredAt: receivedAt, ct: ct);
                if (letter.InReplyTo is { } answeredLetter)
                {
                    await (letter.CeaseAndDesistReply is { } classified
                        ? ceaseAndDesist.RecordReplyAsync(cmd.CaseId, answeredLetter, id, classified, receivedAt!.Value, ct)
                        : deadlines.MeetByReplyAsync(answeredLetter, id, receivedAt!.Value, ct));
                }

                if (letter is { ComplaintId: { } complaint, DpaId: { } dpa })
                {
                    await deadlines.MeetDpaProgressAsync(cmd.CaseId, complaint, dpa, id, receivedAt!.Value, ct);
                }
            }
            else
            {
                await timeline.AppendAsync(cmd.CaseId, "letter.created", $"Draft letter: {subject}", "letter", id,
                    details: letter.TemplateId is { } templateId ? new { templateId } : null, ct: ct);
            }

            var recorded = (await LetterReader.LoadAsync(db, id, ct))!;
            await events.AppendAsync(incoming ? "letter.received" : "letter.created", "letter", id, recorded, ct);
            return recorded;
        }

        /// <summary>The subject and text as given, with what is left out drafted from the template, if there is one.</summary>
        private async Task<(string Subject, string? Body)> DraftAsync(Guid caseId, NewLetter letter, CancellationToken ct)
        {
            if (letter.TemplateId is not { } templateId)
            {
                return (letter.Subject!, letter.Body);
            }

            var drafted = await templates.RenderAsync(templateId, new TemplateInput(caseId, letter.DefendantId, letter.DpaId, letter.InReplyTo, letter.ComplaintId), ct);
            var subject = letter.Subject ?? drafted.Subject;
            return subject.Length is > 0 and <= LetterLimits.MaxSubjectLength
                ? (subject, letter.Body ?? drafted.Body)
                : throw new ValidationException([new("subject", $"The template drafts a subject of {subject.Length} characters (1 to {LetterLimits.MaxSubjectLength} allowed); give a subject.")]);
        }
    }

    /// <summary>
    /// A letter may only refer to its own case's complaint and letters. The composite keys already keep other
    /// organisations' rows out; this keeps the organisation's own cases apart.
    /// </summary>
    private static async Task RequireSameCaseAsync(DbSession db, string table, Guid id, Guid caseId, string resource, CancellationToken ct)
    {
        var column = table == "cases" ? "id" : "case_id";
        var found = await db.QuerySingleOrDefaultAsync<Guid?>(
            $"SELECT {column} FROM {table} WHERE id = @id AND organisation_id = current_organisation_id()", new { id }, ct);
        if (found is null)
        {
            throw table == "cases" ? new NotFoundException(resource, id)
                : new ApiProblemException(StatusCodes.Status422UnprocessableEntity, "unknown_reference", $"No {resource} {id} in this organisation.");
        }

        if (found != caseId)
        {
            throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity, "other_case", $"The {resource} {id} belongs to another case.");
        }
    }

    internal static void Map(RouteGroupBuilder cases) => cases.MapPost("{caseId}/letters", async (Guid caseId, NewLetter body, IMediator mediator, HttpContext http, CancellationToken ct) =>
        {
            var created = await mediator.Send(new Command(caseId, body), ct);
            return EntityTags.Created(http, $"/v1/letters/{created.Id}", created);
        })
        .RequireAuthorization(Policies.Write)
        .WithTags("Correspondence")
        .WithName("RecordLetter")
        .WithSummary("Record a letter in a case")
        .WithDescription("""
            Outgoing letters start as drafts (change them with PATCH, then send them). Incoming letters are recorded as received:
            one `inReplyTo` a letter we sent meets that letter's deadline (the first reply counts; a late one still stops reminders),
            except that a reply to a cease-and-desist letter classified by `ceaseAndDesistReply` meets it only as a declaration accepted as adequate
            (kept as the defendant's obligation); a refusal, a partial or an inadequate declaration ends it as `refused` and escalates the case
            (to a preliminary injunction while the urgency window is open); an extension request leaves it running. One from an authority on a complaint meets its GDPR Art. 78(2) deadline and starts the next three months.
            """)
        .Produces<LetterDto>(StatusCodes.Status201Created);
}
