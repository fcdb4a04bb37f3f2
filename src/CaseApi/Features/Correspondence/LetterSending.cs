using CaseApi.Features.Deadlines;
using CaseApi.Features.Events;
using CaseApi.Features.Timeline;
using CaseApi.Infrastructure.Data;

namespace CaseApi.Features.Correspondence;

/// <summary>What <c>/send</c> asked for besides the sending itself: the deadline the letter sets, kept with a delivery until the server accepts it.</summary>
public sealed record SendingTerms(DateOnly? ResponseDue, string? ResponsePeriod, bool? RollOver, DateOnly? DeliveredOn);

/// <summary>
/// The one way a letter becomes sent, whether someone records it (<see cref="SendLetter"/>) or CaseApi's delivery is accepted by the
/// SMTP server (<see cref="RecordLetterAttempt"/>): status, timeline, the response deadline from the moment of sending, the event. And the
/// one way a delivery fails for good: the letter <c>failed</c>, and an alarm as a deadline due at once.
/// </summary>
public sealed class LetterSending(DbSession db, DeadlineKeeper deadlines, UrgencyWindowRisk urgency, TimelineWriter timeline, EventWriter events, TimeProvider clock)
{
    /// <summary>As the letters table bounds <c>delivery_failure</c>.</summary>
    private const int MaxReasonLength = 1000;

    /// <summary>
    /// Marks the letter sent at <paramref name="sentAt"/> and opens the deadline it sets, counted from then. <paramref name="checkDueDay"/> is
    /// false for a delivery accepted after retries: a <c>responseDue</c> checked when /send was called may lie before the day of acceptance by
    /// then; the deadline is opened nonetheless (and the sweep marks it missed) rather than lost.
    /// </summary>
    public async Task<LetterDto> MarkSentAsync(LetterDto letter, SendingTerms terms, DateTimeOffset sentAt, string? messageId, bool checkDueDay, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var row = await db.QuerySingleAsync<LetterRow>($"""
            WITH {TimelineWriter.EntryCte}
            UPDATE letters SET status = 'sent', sent_at = @sentAt, delivered_on = @DeliveredOn, message_id = @messageId, delivery_failure = NULL,
                version = version + 1, updated_at = @now
            WHERE id = @id AND organisation_id = current_organisation_id()
            RETURNING {LetterRow.Columns}
            """,
            timeline.WithEntry(new { id = letter.Id, sentAt, terms.DeliveredOn, messageId, now },
                new TimelineWriter.Entry(letter.CaseId, "letter.sent", $"Letter sent: {letter.Subject}", "letter", letter.Id, OccurredAt: sentAt)),
            ct);

        var changes = new List<EventWriter.Change>();
        var opened = await DeadlineForAsync(letter, terms, sentAt, checkDueDay, ct) is var (deadline, rules)
            ? await deadlines.OpenAsync(deadline, rules, ct, changes)
            : null;

        // A letter sent after a failed delivery: its alarm has done its work. Only a failed delivery opens one, and a letter that
        // failed never becomes a draft again, so a draft has none to meet.
        if (letter.Status != LetterStatus.Draft)
        {
            // The events in the order things happened: the deadline opened before the alarm was met.
            await events.AppendManyAsync(changes, ct);
            changes.Clear();
            var met = await db.QueryAsync<DeadlineRow>($"""
                UPDATE deadlines SET status = 'met', met_at = @sentAt, version = version + 1, updated_at = @now
                WHERE organisation_id = current_organisation_id() AND letter_id = @id AND rule = '{DeadlineRuleCatalogue.LetterDelivery}'
                  AND status IN ('open', 'missed', 'escalated')
                RETURNING {DeadlineRow.Columns}
                """, new { id = letter.Id, sentAt, now }, ct);
            await deadlines.RecordMetAsync(met, letter.Id, ct);
        }

        // The letter as LetterReader would read it back, without reading it: the row just written, the response deadline just opened
        // (a letter has at most one), the attachments of the letter the caller holds locked.
        var sent = row.ToDto(opened ?? letter.Deadline, letter.Attachments);
        changes.Add(new("letter.sent", "letter", letter.Id, sent));
        await events.AppendManyAsync(changes, ct);
        if (letter.Type == LetterType.CeaseAndDesist)
        {
            await urgency.WarnAsync(letter.CaseId, ct);
        }

        return sent;
    }

    /// <summary>
    /// Delivery gave up: the letter is <c>failed</c> with the reason, and a deadline due at the end of today (rule
    /// <see cref="DeadlineRuleCatalogue.LetterDelivery"/>) puts it among the due-soon and missed deadlines, the overview, the calendar and the
    /// escalation, where a lawyer looks. A letter that fails again keeps the alarm it has.
    /// </summary>
    public async Task<LetterDto> MarkFailedAsync(LetterDto letter, string reason, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        reason = reason.Length > MaxReasonLength ? reason[..MaxReasonLength] : reason;
        await db.ExecuteAsync("""
            WITH unqueued AS (DELETE FROM jobs.letter_dispatch WHERE letter_id = @id)
            UPDATE letters SET status = 'failed', delivery_failure = @reason, version = version + 1, updated_at = @now
            WHERE id = @id AND organisation_id = current_organisation_id()
            """, new { id = letter.Id, reason, now }, ct);
        await timeline.AppendAsync(letter.CaseId, "letter.delivery_failed", $"Letter not delivered: {letter.Subject}", "letter", letter.Id,
            occurredAt: now, details: new { reason }, ct: ct);

        var alarmed = await db.QuerySingleAsync<bool>($"""
            SELECT EXISTS (SELECT FROM deadlines WHERE organisation_id = current_organisation_id() AND letter_id = @id
                AND rule = '{DeadlineRuleCatalogue.LetterDelivery}' AND status IN ('open', 'missed', 'escalated'))
            """, new { id = letter.Id }, ct);
        if (!alarmed)
        {
            var rules = await deadlines.RulesAsync(ct);
            var today = rules.LocalDay(now);
            var due = rules.FromDate(now, today, rollOver: false);
            await deadlines.OpenAsync(new NewDeadline(letter.CaseId, DeadlineKind.Procedural,
                due with
                {
                    // The calendar's own sentence would speak of a date set on purpose; an alarm is simply due today, weekend or not.
                    Computation = $"CaseApi could not deliver the e-mail letter \"{letter.Subject}\" ({reason}): send it again or by another channel. "
                        + "The organisation's own rule, no statute: a letter that did not go out starts no deadline of the other side. "
                        + $"Due at the end of the day of the failure, {today:yyyy-MM-dd}, where the organisation is.",
                },
                null, LetterId: letter.Id, ComplaintId: letter.ComplaintId, DefendantId: letter.DefendantId, DpaId: letter.DpaId,
                Rule: DeadlineRuleCatalogue.LetterDelivery), rules, ct);
        }

        var failed = (await LetterReader.LoadAsync(db, letter.Id, ct))!;
        await events.AppendAsync("letter.delivery_failed", "letter", letter.Id, failed, ct);
        return failed;
    }

    /// <summary>
    /// The deadline the letter sets, if any: the one it names; for a data subject's request the statutory month;
    /// for a reminder the escalation policy's reminder period.
    /// </summary>
    private async Task<(NewDeadline Deadline, DeadlineRules Rules)?> DeadlineForAsync(LetterDto letter, SendingTerms sending, DateTimeOffset sentAt, bool checkDueDay,
        CancellationToken ct)
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
        if (checkDueDay && sending.ResponseDue is { } dueDate)
        {
            CheckDueDay(rules, dueDate, sentAt);
        }

        var (due, period) = sending.ResponseDue is { } date ? (rules.FromDate(sentAt, date, sending.RollOver ?? true), null)
            : DeadlinePeriod.TryParse(sending.ResponsePeriod, out var given) ? (rules.FromPeriod(sentAt, given), given.ToString())
            : statutory ? (DataSubjectRequestDeadline.FromReceipt(rules, sentAt, sending.DeliveredOn), fallback!.ToString())
            : (rules.FromPeriod(sentAt, fallback!), fallback!.ToString());
        return (new NewDeadline(letter.CaseId, statutory ? DeadlineKind.DataSubjectRequest : DeadlineKind.Response, due, period,
            LetterId: letter.Id, ComplaintId: letter.ComplaintId, DefendantId: letter.DefendantId, DpaId: letter.DpaId), rules);
    }

    /// <summary>The day of sending where the organisation is: 23:30 UTC is already the next day in Berlin.</summary>
    public async Task CheckDueDayAsync(SendingTerms terms, DateTimeOffset sentAt, CancellationToken ct)
    {
        if (terms.ResponseDue is { } dueDate)
        {
            CheckDueDay(await deadlines.RulesAsync(ct), dueDate, sentAt);
        }
    }

    private static void CheckDueDay(DeadlineRules rules, DateOnly dueDate, DateTimeOffset sentAt)
    {
        if (dueDate < rules.LocalDay(sentAt) || !DeadlineCalendar.IsWithinTenYears(rules.LocalDay(sentAt), dueDate))
        {
            throw new FluentValidation.ValidationException([new("responseDue", "Must lie between the day the letter was sent and ten years after it.")]);
        }
    }
}
