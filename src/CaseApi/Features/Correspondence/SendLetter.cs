using CaseApi.Features.Deadlines;
using CaseApi.Features.Events;
using CaseApi.Features.Timeline;
using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Json;
using CaseApi.Infrastructure.Mediation;
using FluentValidation;
using MediatR;
using Microsoft.AspNetCore.Mvc;

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
    }

    public sealed record Command(Guid Id, int? ExpectedVersion, Body Sending) : ICommand<LetterDto>;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator(TimeProvider clock)
        {
            RuleFor(c => c.Sending.SentAt).Must(at => at is null || at <= clock.GetUtcNow().AddMinutes(5))
                .WithMessage("Must not lie in the future: record a letter when it goes out.").OverridePropertyName("sentAt");
            RuleFor(c => c.Sending.ResponsePeriod).Must(p => p is null || DeadlinePeriod.TryParse(p, out _))
                .WithMessage("Must be an ISO 8601 period of days, weeks, months or years, e.g. P14D, P2W, P1M.").OverridePropertyName("responsePeriod");
            RuleFor(c => c.Sending).Must(s => s.ResponseDue is null || s.ResponsePeriod is null)
                .WithMessage("Give responseDue or responsePeriod, not both.").OverridePropertyName("responsePeriod");
            RuleFor(c => c.Sending.RollOver).Null().When(c => c.Sending.ResponseDue is null)
                .WithMessage("Only a responseDue rolls over; a period's end always moves off a weekend or holiday.").OverridePropertyName("rollOver");
        }
    }

    internal sealed class Handler(DbSession db, MessageIds messageIds, DeadlineKeeper deadlines, UrgencyWindowRisk urgency, TimelineWriter timeline, EventWriter events, TimeProvider clock) : IRequestHandler<Command, LetterDto>
    {
        public async Task<LetterDto> Handle(Command cmd, CancellationToken ct)
        {
            var letter = await LetterReader.LoadDraftForChangeAsync(db, cmd.Id, cmd.ExpectedVersion, "sent", ct);

            var now = clock.GetUtcNow();
            var sentAt = cmd.Sending.SentAt ?? now;
            if (cmd.Sending.DeliveredOn is { } deliveredOn)
            {
                await RecordDelivery.CheckDayAsync(db, deliveredOn, sentAt, now, ct);
            }

            await db.ExecuteAsync("""
                UPDATE letters SET status = 'sent', sent_at = @sentAt, delivered_on = @deliveredOn, message_id = @messageId, version = version + 1, updated_at = @now
                WHERE id = @id AND organisation_id = current_organisation_id()
                """,
                new { id = cmd.Id, sentAt, cmd.Sending.DeliveredOn, messageId = letter.Channel == LetterChannel.Email ? messageIds.For(cmd.Id) : null, now }, ct);
            await timeline.AppendAsync(letter.CaseId, "letter.sent", $"Letter sent: {letter.Subject}", "letter", cmd.Id, occurredAt: sentAt, ct: ct);

            if (await DeadlineForAsync(letter, cmd.Sending, sentAt, ct) is var (deadline, rules))
            {
                await deadlines.OpenAsync(deadline, rules, ct);
            }

            var sent = (await LetterReader.LoadAsync(db, cmd.Id, ct))!;
            await events.AppendAsync("letter.sent", "letter", cmd.Id, sent, ct);
            if (letter.Type == LetterType.CeaseAndDesist)
            {
                await urgency.WarnAsync(letter.CaseId, ct);
            }

            return sent;
        }

        /// <summary>
        /// The deadline the letter sets, if any: the one it names; for a data subject's request the statutory month;
        /// for a reminder the escalation policy's reminder period.
        /// </summary>
        private async Task<(NewDeadline Deadline, DeadlineRules Rules)?> DeadlineForAsync(LetterDto letter, Body sending, DateTimeOffset sentAt, CancellationToken ct)
        {
            var statutory = letter.Type == LetterType.DataSubjectRequest;
            var fallback = statutory ? DataSubjectRequestDeadline.Month
                : letter.Type == LetterType.Reminder && DeadlinePeriod.TryParse((await EscalationPolicies.LoadAsync(db, ct)).ReminderPeriod, out var reminder) ? reminder
                : null;
            if (sending.ResponseDue is null && sending.ResponsePeriod is null && fallback is null)
            {
                return null;
            }

            // The organisation's holidays and time zone are read only for letters that set a deadline.
            var rules = await deadlines.RulesAsync(ct);
            // The day of sending where the organisation is: 23:30 UTC is already the next day in Berlin.
            if (sending.ResponseDue is { } dueDate && (dueDate < rules.LocalDay(sentAt) || !DeadlineCalendar.IsWithinTenYears(rules.LocalDay(sentAt), dueDate)))
            {
                throw new FluentValidation.ValidationException([new("responseDue", "Must lie between the day the letter was sent and ten years after it.")]);
            }

            var (due, period) = sending.ResponseDue is { } date ? (rules.FromDate(sentAt, date, sending.RollOver ?? true), null)
                : DeadlinePeriod.TryParse(sending.ResponsePeriod, out var given) ? (rules.FromPeriod(sentAt, given), given.ToString())
                : statutory ? (DataSubjectRequestDeadline.FromReceipt(rules, sentAt, sending.DeliveredOn), fallback!.ToString())
                : (rules.FromPeriod(sentAt, fallback!), fallback!.ToString());
            return (new NewDeadline(letter.CaseId, statutory ? DeadlineKind.DataSubjectRequest : DeadlineKind.Response, due, period,
                LetterId: letter.Id, ComplaintId: letter.ComplaintId, DefendantId: letter.DefendantId, DpaId: letter.DpaId), rules);
        }
    }

    internal static void Map(RouteGroupBuilder letters) => letters.MapPost("{id}/send", async (Guid id, Body body, [FromHeader(Name = "If-Match")] string? ifMatch, IMediator mediator, HttpContext http, CancellationToken ct) =>
            EntityTags.Ok(http, await mediator.Send(new Command(id, EntityTags.RequiredVersion(ifMatch), body), ct)))
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
            409 when the letter is not a draft. Requires `If-Match`.
            """)
        .Produces<LetterDto>();
}
