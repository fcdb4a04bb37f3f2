using CaseApi.Features.Deadlines;
using CaseApi.Features.Events;
using CaseApi.Features.Timeline;
using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Mediation;
using FluentValidation;
using MediatR;

namespace CaseApi.Features.Correspondence;

public static class SendLetter
{
    /// <summary>How a draft was sent and what answer it asks for.</summary>
    public sealed record Body
    {
        /// <summary>When it was sent; now when left out. May lie in the past, to record a letter already sent.</summary>
        /// <example>2025-04-30T10:00:00+02:00</example>
        public DateTimeOffset? SentAt { get; init; }

        /// <summary>
        /// The reply is due by the end of this day (as the letter says). Give this or <c>responsePeriod</c>, or neither. On a Saturday, Sunday
        /// or public holiday it moves to the next working day (BGB § 193), unless <c>rollOver</c> is false.
        /// </summary>
        /// <example>2025-05-14</example>
        public DateOnly? ResponseDue { get; init; }

        /// <summary>False keeps a <c>responseDue</c> on a weekend or holiday as given, for a day the organisation chose on purpose; the computation says so. Default true.</summary>
        public bool? RollOver { get; init; }

        /// <summary>
        /// The day the other side received the letter, when known at sending (a fax or e-mail receipt); a delivery receipt that comes later
        /// is recorded with <c>POST /v1/letters/{id}/delivery</c>. The GDPR Art. 12(3) month of a data subject request runs from it.
        /// </summary>
        /// <example>2025-04-30</example>
        public DateOnly? DeliveredOn { get; init; }

        /// <summary>The reply is due within this ISO 8601 period (P14D, P2W, P1M), computed as Reg. 1182/71 computes it.</summary>
        /// <example>P14D</example>
        public string? ResponsePeriod { get; init; }

        /// <summary>For a letter CaseApi delivers by e-mail: attach the letter as PDF (as <c>GET /v1/letters/{id}/document</c> renders it) besides its attachments.</summary>
        public bool? AttachDocument { get; init; }
    }

    public sealed record Command(Guid Id, int? ExpectedVersion, Body Sending) : ICommand<LetterDto>;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator(TimeProvider clock)
        {
            RuleFor(c => c.Sending.SentAt).Must(at => at is null || at <= clock.GetUtcNow().AddMinutes(5))
                .WithMessage("Must not lie in the future: record a letter when it goes out.");
            RuleFor(c => c.Sending.ResponsePeriod).Must(p => p is null || DeadlinePeriod.TryParse(p, out _))
                .WithMessage("Must be an ISO 8601 period of days, weeks, months or years, e.g. P14D, P2W, P1M.");
            RuleFor(c => c.Sending).Must(s => s.ResponseDue is null || s.ResponsePeriod is null)
                .WithMessage("Give responseDue or responsePeriod, not both.").OverridePropertyName("responsePeriod");
            RuleFor(c => c.Sending.RollOver).Null().When(c => c.Sending.ResponseDue is null)
                .WithMessage("Only a responseDue rolls over; a period's end always moves off a weekend or holiday.");
        }
    }

    internal sealed class Handler(DbSession db, MessageIds messageIds, LetterSending sending, TimelineWriter timeline, EventWriter events, TimeProvider clock)
        : IRequestHandler<Command, LetterDto>
    {
        public async Task<LetterDto> Handle(Command cmd, CancellationToken ct)
        {
            var letter = await LetterReader.LoadDraftForChangeAsync(db, cmd.Id, cmd.ExpectedVersion, "sent", ct, failedToo: true);
            var terms = new SendingTerms(cmd.Sending.ResponseDue, cmd.Sending.ResponsePeriod, cmd.Sending.RollOver, cmd.Sending.DeliveredOn);
            var now = clock.GetUtcNow();
            // Issue 15: CaseApi delivers an e-mail letter itself when the organisation has a mail server; a sentAt records one sent
            // outside it (from a mail client), as does any letter while no mail settings are stored.
            if (letter.Channel == LetterChannel.Email && cmd.Sending.SentAt is null
                && await db.QuerySingleAsync<bool>("SELECT EXISTS (SELECT FROM organisation_mail_settings WHERE organisation_id = current_organisation_id())", ct: ct))
            {
                return await DeliverAsync(letter, terms, cmd.Sending.AttachDocument ?? false, now, ct);
            }

            if (cmd.Sending.AttachDocument is true)
            {
                throw new FluentValidation.ValidationException([new("attachDocument",
                    "Only a letter CaseApi delivers by e-mail carries attachments: an e-mail letter, without sentAt, in an organisation with mail settings.")]);
            }

            var sentAt = cmd.Sending.SentAt ?? now;
            if (cmd.Sending.DeliveredOn is { } deliveredOn)
            {
                await RecordDelivery.CheckDayAsync(db, deliveredOn, sentAt, now, ct);
            }

            return await sending.MarkSentAsync(letter, terms, sentAt, letter.Channel == LetterChannel.Email ? messageIds.For(cmd.Id) : null, checkDueDay: true, ct);
        }

        /// <summary>
        /// Queues the delivery: the letter is <c>sending</c> with its Message-ID fixed now (every attempt carries the same one), and the deadline's
        /// terms wait with it until the server accepts the message (<see cref="RecordLetterAttempt"/>), which is when the letter counts as sent.
        /// </summary>
        private async Task<LetterDto> DeliverAsync(LetterDto letter, SendingTerms terms, bool attachDocument, DateTimeOffset now, CancellationToken ct)
        {
            if (terms.DeliveredOn is not null)
            {
                throw new FluentValidation.ValidationException([new("deliveredOn",
                    "CaseApi delivers this letter by e-mail: it is received after it goes out. Record the day with POST /v1/letters/{id}/delivery.")]);
            }

            await sending.CheckDueDayAsync(terms, now, ct);
            var address = letter.RecipientAddress
                ?? await db.QuerySingleOrDefaultAsync<string?>("""
                    SELECT coalesce(
                        (SELECT email FROM defendants WHERE organisation_id = current_organisation_id() AND id = @DefendantId),
                        (SELECT complaint_email FROM dpas WHERE id = @DpaId))
                    """, new { letter.DefendantId, letter.DpaId }, ct)
                ?? throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity, "recipient_address_missing",
                    $"Letter {letter.Id} has no recipientAddress, and {(letter.DpaId is null ? "the defendant has no email" : "the authority publishes no complaint e-mail address")}: set one on the draft "
                    + "(PATCH /v1/letters/{id}), or record a letter sent outside CaseApi with sentAt.",
                    new Dictionary<string, object?> { ["field"] = "recipientAddress" });
            var messageId = letter.MessageId ?? messageIds.For(letter.Id);
            await db.ExecuteAsync("""
                WITH letter AS (
                    UPDATE letters SET status = 'sending', message_id = @messageId, recipient_address = @address, delivery_failure = NULL,
                        version = version + 1, updated_at = @now
                    WHERE id = @id AND organisation_id = current_organisation_id()
                ), delivery AS (
                    INSERT INTO letter_deliveries (organisation_id, letter_id, message_id, recipient_address, attach_document, response_due, response_period,
                        roll_over, requested_at)
                    VALUES (current_organisation_id(), @id, @messageId, @address, @attachDocument, @ResponseDue, @ResponsePeriod, @RollOver, @now)
                    ON CONFLICT (organisation_id, letter_id) DO UPDATE SET message_id = EXCLUDED.message_id, recipient_address = EXCLUDED.recipient_address,
                        attach_document = EXCLUDED.attach_document, response_due = EXCLUDED.response_due, response_period = EXCLUDED.response_period,
                        roll_over = EXCLUDED.roll_over, attempts = 0, attempt_started_at = NULL, witness_checks = 0, last_error = NULL,
                        requested_at = EXCLUDED.requested_at, accepted_at = NULL)
                INSERT INTO jobs.letter_dispatch (letter_id, organisation_id, next_attempt_at) VALUES (@id, current_organisation_id(), @now)
                ON CONFLICT (letter_id) DO UPDATE SET next_attempt_at = EXCLUDED.next_attempt_at
                """, new { id = letter.Id, messageId, address, attachDocument, terms.ResponseDue, terms.ResponsePeriod, terms.RollOver, now }, ct);
            await timeline.AppendAsync(letter.CaseId, "letter.sending", $"Letter being sent by e-mail to {address}: {letter.Subject}", "letter", letter.Id,
                occurredAt: now, ct: ct);
            var queued = (await LetterReader.LoadAsync(db, letter.Id, ct))!;
            await events.AppendAsync("letter.sending", "letter", letter.Id, queued, ct);
            return queued;
        }
    }

    internal static void Map(RouteGroupBuilder letters) => letters.MapVersionedChange(HttpMethods.Post, "{id}/send", (Guid id, int? version, Body body) => new Command(id, version, body),
            (http, letter) => letter.Status == LetterStatus.Sending ? EntityTags.Accepted(http, $"/v1/letters/{letter.Id}", letter) : EntityTags.Ok(http, letter))
        .RequireAuthorization(Policies.Write)
        .WithName("SendLetter")
        .WithSummary("Send a draft letter")
        .WithDescription("""
            Marks a draft as sent (`sentAt` may lie in the past) and sets its response deadline from `responseDue` (a date, moved off a weekend
            or public holiday to the next working day by BGB § 193 unless `rollOver` is false) or
            `responsePeriod` (an ISO 8601 period, computed as Reg. 1182/71 and BGB §§ 187–193 compute it: the day of sending does not count; weeks
            and months end on the same weekday or date, or the month's last day; a last day on a weekend or public holiday of the organisation's
            jurisdiction moves to the next working day; days end at 24:00 in the organisation's time zone). A `data_subject_request` gets the
            GDPR Art. 12(3) month when no deadline is given, from `deliveredOn` (receipt) or, while no delivery is recorded, from the day of
            sending, which the computation then says it assumes. The response embeds the deadline, with a sentence saying how it was computed.

            **E-mail letters delivered by CaseApi** (issue 15): an `email` letter sent without `sentAt` in an organisation with mail settings
            (`PUT /v1/organisation/mail`) is delivered through the organisation's SMTP server by a background job: the answer is 202 with the
            letter `sending` and `Location` to watch it. It goes to `recipientAddress` (when unset, the defendant's `email` or the authority's published
            complaint address; 422 `recipient_address_missing` without one) with its attachments, the PDF too with `attachDocument`, its `messageId`, and a
            `Reply-To` carrying the case's token (the `replyAddressPattern`). It becomes `sent` when the server accepts it, and that moment
            (`sentAt`) starts the deadline. Temporary failures are retried with growing pauses; a refusal, or failures past the retries, make it
            `failed` with `deliveryFailure` and open an alarm deadline (`caseapi.letter_delivery`) due today. A `failed` letter can be sent
            again. `deliveredOn` cannot be given for such a letter (record the receipt later). With `sentAt`, or without mail settings, an
            e-mail letter is recorded as sent outside CaseApi, as every other channel is.

            409 when the letter is not a draft (or `failed`). Requires `If-Match`.
            """)
        .Produces<LetterDto>()
        .Produces<LetterDto>(StatusCodes.Status202Accepted)
        .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
}
