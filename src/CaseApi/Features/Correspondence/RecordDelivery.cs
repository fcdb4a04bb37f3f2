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

/// <summary>
/// A delivery receipt for a letter sent: the day the other side received it. GDPR Art. 12(3) counts the controller's
/// month "from receipt of the request", so a data subject request's open deadline is computed anew from that day.
/// </summary>
public static class RecordDelivery
{
    /// <summary>The day the letter reached the other side.</summary>
    public sealed record Body
    {
        /// <summary>The day of receipt, as the delivery receipt (Rückschein, fax report, read receipt) shows it.</summary>
        /// <example>2026-04-30</example>
        public required DateOnly DeliveredOn { get; init; }
    }

    public sealed record Command(Guid Id, int? ExpectedVersion, Body Delivery) : ICommand<LetterDto>;

    internal sealed class Handler(DbSession db, DeadlineKeeper deadlines, TimelineWriter timeline, EventWriter events, TimeProvider clock)
        : IRequestHandler<Command, LetterDto>
    {
        private static readonly DeadlineStatus[] Running = [DeadlineStatus.Open, DeadlineStatus.Missed, DeadlineStatus.Escalated];

        public async Task<LetterDto> Handle(Command cmd, CancellationToken ct)
        {
            var letter = await LetterReader.LoadAsync(db, cmd.Id, ct, forUpdate: true) ?? throw new NotFoundException("letter", cmd.Id);
            EntityTags.Require(cmd.ExpectedVersion, letter.Version, "letter", cmd.Id);

            if (letter is not { Direction: LetterDirection.Outgoing, Status: LetterStatus.Sent, SentAt: { } sentAt })
            {
                throw new ConflictException("letter_not_sent", $"Letter {cmd.Id} has not been sent; only a sent letter is delivered.");
            }

            var now = clock.GetUtcNow();
            var deliveredOn = cmd.Delivery.DeliveredOn;
            await CheckDayAsync(db, deliveredOn, sentAt, now, ct);
            await db.ExecuteAsync("UPDATE letters SET delivered_on = @deliveredOn, version = version + 1, updated_at = @now WHERE id = @id",
                new { id = cmd.Id, deliveredOn, now }, ct);
            await timeline.AppendAsync(letter.CaseId, "letter.delivered", $"Letter delivered on {deliveredOn:yyyy-MM-dd}: {letter.Subject}", "letter", cmd.Id, ct: ct);

            if (letter is { Type: LetterType.DataSubjectRequest, Deadline: { } deadline } && Running.Contains(deadline.Status))
            {
                await RecomputeFromReceiptAsync(deadline.Id, sentAt, deliveredOn, ct);
            }

            var delivered = (await LetterReader.LoadAsync(db, cmd.Id, ct))!;
            await events.AppendAsync("letter.delivered", "letter", cmd.Id, delivered, ct);
            return delivered;
        }

        /// <summary>
        /// The statutory month counted anew from receipt, and an extension by a period counted anew from its end (BGB § 190);
        /// a deadline set otherwise (a period or date the letter named, or an extension to a date given outright) stays.
        /// </summary>
        private async Task RecomputeFromReceiptAsync(Guid deadlineId, DateTimeOffset sentAt, DateOnly deliveredOn, CancellationToken ct)
        {
            var row = (await DeadlineReader.LoadRowAsync(db, deadlineId, ct, forUpdate: true))!;
            var extendedBy = DeadlinePeriod.TryParse(row.ExtendedBy, out var period) ? period : null;
            if (row.Period != DataSubjectRequestDeadline.Month.ToString() || (row.ExtendedAt is not null && extendedBy is null))
            {
                return;
            }

            var rules = await deadlines.RulesAsync(ct);
            var due = DataSubjectRequestDeadline.FromReceipt(rules, sentAt, deliveredOn);
            var computation = due.Computation;
            if (extendedBy is not null)
            {
                due = rules.Extend(due, extendedBy);
                computation = $"{computation} Extended: {due.Computation}";
            }

            var moved = await deadlines.MoveAsync(deadlineId, due, computation, extension: false, extendedBy: null, ct);
            await timeline.AppendAsync(moved.CaseId, "deadline.recomputed",
                $"Deadline computed anew from receipt on {deliveredOn:yyyy-MM-dd}: {row.DueDate:yyyy-MM-dd} becomes {moved.DueDate:yyyy-MM-dd}.", "deadline", deadlineId,
                details: new { from = row.DueDate, to = moved.DueDate, deliveredOn }, ct: ct);
            await events.AppendAsync("deadline.recomputed", "deadline", deadlineId, moved.ToDto(), ct);
        }
    }

    /// <summary>A day of receipt lies between the day of sending and today, both where the organisation is; else a 400 naming deliveredOn.</summary>
    internal static async Task CheckDayAsync(DbSession db, DateOnly deliveredOn, DateTimeOffset sentAt, DateTimeOffset now, CancellationToken ct)
    {
        var days = await db.QuerySingleAsync<LocalDays>("SELECT local_day(@sentAt) AS sent_on, local_day(@now) AS today", new { sentAt, now }, ct);
        if (deliveredOn < days.SentOn || deliveredOn > days.Today)
        {
            throw new ValidationException([new("deliveredOn", $"Must lie between the day the letter was sent, {days.SentOn:yyyy-MM-dd}, and today, {days.Today:yyyy-MM-dd}.")]);
        }
    }

    private sealed record LocalDays
    {
        public DateOnly SentOn { get; init; }

        public DateOnly Today { get; init; }
    }

    internal static void Map(RouteGroupBuilder letters) => letters.MapVersionedChange(HttpMethods.Post, "{id}/delivery", (Guid id, int? version, Body body) => new Command(id, version, body))
        .RequireAuthorization(Policies.Write)
        .WithName("RecordDelivery")
        .WithSummary("Record a letter's delivery")
        .WithDescription("""
            Records the day a sent letter reached the other side, from a delivery receipt, and replaces a day recorded before. A
            `data_subject_request`'s running GDPR Art. 12(3) deadline is computed anew from it ("one month of receipt of the request"),
            an extension by a period with it (BGB § 190): `deadline.recomputed` on the timeline and as an event, with `letter.delivered`.
            400 naming `deliveredOn` for a day before sending or in the future; 409 `letter_not_sent` for a draft or an incoming letter.
            Requires `If-Match`.
            """)
        .Produces<LetterDto>();
}
