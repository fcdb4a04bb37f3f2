using CaseApi.Features.Events;
using CaseApi.Features.Timeline;
using CaseApi.Infrastructure.Data;

namespace CaseApi.Features.Deadlines;

/// <summary>
/// A cease-and-desist letter's deadline whose escalation chain cannot reach its last step before the case's urgency window closes.
/// </summary>
public sealed record UrgencyWarningDto
{
    /// <summary>The case.</summary>
    public Guid CaseId { get; init; }

    /// <summary>The response deadline of the cease-and-desist letter.</summary>
    public Guid DeadlineId { get; init; }

    /// <summary>The letter.</summary>
    public Guid LetterId { get; init; }

    /// <summary>The letter's last day for a reply.</summary>
    /// <example>2025-05-21</example>
    public DateOnly DeadlineDueDate { get; init; }

    /// <summary>The urgency window (rule <c>uwg.urgency_window</c>).</summary>
    public Guid UrgencyWindowId { get; init; }

    /// <summary>The urgency window's last day: the day by which a preliminary injunction must be applied for.</summary>
    /// <example>2025-05-28</example>
    public DateOnly UrgencyWindowDueDate { get; init; }

    /// <summary>
    /// The earliest last day of a reminder: sent the day after the letter's deadline, with the escalation policy's reminder period,
    /// counted like any response deadline. The case is escalated (level 2) only after it.
    /// </summary>
    /// <example>2025-05-30</example>
    public DateOnly ReminderDueDate { get; init; }

    /// <summary>What to do, for the lawyer.</summary>
    public required string Message { get; init; }
}

/// <summary>
/// UWG § 12(1) presumes urgency only as long as the organisation does not wait (the window of <see cref="DeadlineRuleCatalogue.UrgencyWindow"/>).
/// The escalation chain (letter's deadline, reminder, level 2) reaches its proposal of an injunction only after the reminder's deadline; when
/// that lies after the window's last day, waiting for the chain loses the preliminary injunction. The deadlines overview lists such pairs, and
/// a webhook event says so once, when the second of the two deadlines is set.
/// </summary>
public sealed class UrgencyWindowRisk(DbSession db, DeadlineKeeper keeper, TimelineWriter timeline, EventWriter events, TimeProvider clock)
{
    private sealed record Pair
    {
        public Guid CaseId { get; init; }

        public Guid DeadlineId { get; init; }

        public Guid LetterId { get; init; }

        public DateOnly DeadlineDueDate { get; init; }

        public Guid UrgencyWindowId { get; init; }

        public DateOnly UrgencyWindowDueDate { get; init; }
    }

    /// <summary>The open cease-and-desist deadlines at risk, on <paramref name="caseId"/> or on every case of the organisation.</summary>
    public async Task<IReadOnlyList<UrgencyWarningDto>> FindAsync(Guid? caseId, CancellationToken ct)
    {
        var pairs = await db.QueryAsync<Pair>("""
            SELECT d.case_id, d.id AS deadline_id, d.letter_id, d.due_date AS deadline_due_date, w.id AS urgency_window_id, w.due_date AS urgency_window_due_date
            FROM deadlines d
            JOIN letters l ON l.organisation_id = d.organisation_id AND l.id = d.letter_id
            JOIN deadlines w ON w.organisation_id = d.organisation_id AND w.case_id = d.case_id AND w.rule = 'uwg.urgency_window' AND w.status = 'open'
            WHERE d.organisation_id = current_organisation_id() AND d.kind = 'response' AND d.status = 'open'
              AND l.type = 'cease_and_desist' AND l.direction = 'outgoing' AND (@caseId::uuid IS NULL OR d.case_id = @caseId)
            ORDER BY w.due_date, d.due_date, d.id
            """, new { caseId }, ct);
        if (pairs.Count == 0)
        {
            return [];
        }

        var rules = await keeper.RulesAsync(ct);
        // The policy's validator admits only periods that parse.
        var policy = await EscalationPolicies.LoadAsync(db, ct);
        var reminderPeriod = DeadlinePeriod.TryParse(policy.ReminderPeriod, out var parsed) ? parsed
            : throw new InvalidOperationException($"The reminder period '{policy.ReminderPeriod}' does not parse.");
        return pairs.Select(pair =>
            {
                // A reminder can go out on the day after the letter's last day at the earliest; its deadline is counted as SendLetter counts one.
                var reminderDue = rules.FromPeriod(DeadlineKeeper.InstantOf(pair.DeadlineDueDate.AddDays(1)), reminderPeriod).DueDate;
                return (pair, reminderDue);
            })
            .Where(x => x.reminderDue >= x.pair.UrgencyWindowDueDate)
            .Select(x => new UrgencyWarningDto
            {
                CaseId = x.pair.CaseId, DeadlineId = x.pair.DeadlineId, LetterId = x.pair.LetterId, DeadlineDueDate = x.pair.DeadlineDueDate,
                UrgencyWindowId = x.pair.UrgencyWindowId, UrgencyWindowDueDate = x.pair.UrgencyWindowDueDate, ReminderDueDate = x.reminderDue,
                Message = $"The urgency window (UWG § 12(1)) closes on {x.pair.UrgencyWindowDueDate:yyyy-MM-dd}, before the escalation chain can propose an injunction: "
                    + $"the letter's deadline ends on {x.pair.DeadlineDueDate:yyyy-MM-dd} and a reminder sent the next day on {x.reminderDue:yyyy-MM-dd}. "
                    + "Decide on a preliminary injunction without waiting for the reminder.",
            })
            .ToArray();
    }

    /// <summary>Writes the timeline entry and the webhook event once per deadline at risk on the case.</summary>
    public async Task WarnAsync(Guid caseId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        foreach (var warning in await FindAsync(caseId, ct))
        {
            var first = await db.QuerySingleOrDefaultAsync<Guid?>("""
                INSERT INTO deadline_escalations (organisation_id, deadline_id, step, occurred_at)
                VALUES (current_organisation_id(), @DeadlineId, 'urgency_window_at_risk', @now)
                ON CONFLICT DO NOTHING
                RETURNING deadline_id
                """, new { warning.DeadlineId, now }, ct);
            if (first is null)
            {
                continue;
            }

            await timeline.AppendAsync(caseId, "deadline.urgency_window_at_risk", warning.Message, "deadline", warning.DeadlineId, occurredAt: now,
                details: new { urgencyWindowId = warning.UrgencyWindowId, urgencyWindowDueDate = warning.UrgencyWindowDueDate, reminderDueDate = warning.ReminderDueDate },
                ct: ct);
            await events.AppendAsync("deadline.urgency_window_at_risk", "deadline", warning.DeadlineId, warning, ct);
        }
    }
}
