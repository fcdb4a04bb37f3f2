using CaseApi.Features.Organisations;
using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Http;
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

        /// <summary>
        /// For an outgoing e-mail letter: the address CaseApi delivers it to when it is sent (issue 15); left out, the defendant's <c>email</c> or the
        /// authority's published complaint address.
        /// </summary>
        /// <example>legal@meta.example</example>
        public string? RecipientAddress { get; init; }

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
            RuleFor(c => c.Letter.Direction).IsInEnum();
            RuleFor(c => c.Letter.Type).IsInEnum();
            RuleFor(c => c.Letter.Channel).IsInEnum();
            RuleFor(c => c.Letter.Subject).NotEmpty().When(c => c.Letter.TemplateId is null || c.Letter.Subject is not null)
                .WithMessage("Give a subject, or leave it out and give a templateId to draft it.").IsShortText(LetterLimits.MaxSubjectLength);
            RuleFor(c => c.Letter.TemplateId).Null().When(c => c.Letter.Direction == LetterDirection.Incoming)
                .WithMessage("Templates draft outgoing letters; record an incoming letter as it came.");
            RuleFor(c => c.Letter.Body).IsShortText(LetterLimits.MaxBodyLength);
            RuleFor(c => c.Letter).Must(l => (l.DefendantId is null) != (l.DpaId is null))
                .WithMessage("Name the other side: a defendantId or a dpaId, not both.").OverridePropertyName("defendantId");
            When(c => c.Letter.RecipientAddress is not null, () =>
            {
                RuleFor(c => c.Letter.RecipientAddress).Must(MailAddresses.IsAddress).WithMessage(MailAddresses.AddressMessage);
                RuleFor(c => c.Letter.Direction).Equal(LetterDirection.Outgoing)
                    .WithMessage("An incoming letter is not delivered by CaseApi: it has no recipientAddress.").OverridePropertyName("recipientAddress");
            });
            RuleFor(c => c.Letter.ReceivedAt).Null().When(c => c.Letter.Direction == LetterDirection.Outgoing)
                .WithMessage("Outgoing letters are sent, not received: record them as drafts and send them.");
            RuleFor(c => c.Letter.ReceivedAt).Must(at => at is null || at <= clock.GetUtcNow().AddMinutes(5))
                .WithMessage("Must not lie in the future.");
            RuleFor(c => c.Letter.CeaseAndDesistReply).Null().When(c => c.Letter.Direction == LetterDirection.Outgoing || c.Letter.InReplyTo is null)
                .WithMessage("Only an incoming letter inReplyTo a cease-and-desist letter is classified as its reply.");
            RuleFor(c => c.Letter.CeaseAndDesistReply!).SetValidator(new CeaseAndDesistReplyValidator()).When(c => c.Letter.CeaseAndDesistReply is not null);
        }
    }

    internal sealed class Handler(LetterRecorder recorder) : IRequestHandler<Command, LetterDto>
    {
        public async Task<LetterDto> Handle(Command cmd, CancellationToken ct) =>
            await recorder.PublishAsync(await recorder.RecordAsync(cmd.CaseId, cmd.Letter, messageId: null, ct), ct);
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
