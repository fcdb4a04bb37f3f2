using CaseApi.Features.Cases;
using CaseApi.Features.Correspondence;
using CaseApi.Features.Events;
using CaseApi.Features.LetterTemplates;
using CaseApi.Features.Timeline;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Json;
using CaseApi.Infrastructure.Mediation;
using MediatR;

namespace CaseApi.Features.Deadlines;

/// <summary>
/// One pass over the deadlines that need attention now: warn those due soon, mark those missed, draft a reminder
/// (level 1) and, when a reminder's own deadline passes too, escalate the case (level 2). Claims a batch of the
/// watch list with <c>FOR UPDATE SKIP LOCKED</c>, so that several workers share the work without waiting for each
/// other, and does each step set-wise for the batch, in one transaction, each organisation's part in a savepoint of
/// its own. Every step is guarded twice: by the row state it changes (a conditional UPDATE) and by the primary key
/// (deadline, step) of its record; a sweep that runs twice, or is killed half-way and retried, changes nothing the
/// second time. Each step's events carry the resources as the API returns them once the step is done: returned by the
/// statement that writes them where it can (missed deadlines, drafted reminders), else read with one query per resource type.
/// </summary>
public static class SweepDeadlines
{
    public const int DefaultBatchSize = 2000;

    /// <summary>
    /// The claim: the due part of the watch list, oldest first, skipping rows another worker holds. Its index
    /// (<c>deadline_watch_due</c>) keeps the cost with the due rows, not the open ones; the benchmark
    /// (tests/CaseApi.Benchmarks) explains this statement and fails when the plan stops using it.
    /// </summary>
    internal const string ClaimSql = """
        SELECT deadline_id, organisation_id FROM jobs.deadline_watch
        WHERE next_check_at <= @now
        ORDER BY next_check_at
        LIMIT @BatchSize
        FOR UPDATE SKIP LOCKED
        """;

    /// <param name="BatchSize">How many deadlines one transaction claims.</param>
    public sealed record Command(int BatchSize = DefaultBatchSize) : ICommand<Result>;

    /// <param name="Claimed">Deadlines looked at; 0 when nothing was due (the caller stops looping).</param>
    /// <param name="DueSoon">Warned as due soon.</param>
    /// <param name="Missed">Marked missed.</param>
    /// <param name="RemindersDrafted">Reminder drafts created (level 1).</param>
    /// <param name="CasesEscalated">Cases escalated (level 2).</param>
    public sealed record Result(int Claimed, int DueSoon, int Missed, int RemindersDrafted, int CasesEscalated);

    private sealed record Claim
    {
        public Guid DeadlineId { get; init; }

        public Guid OrganisationId { get; init; }
    }

    /// <summary>A deadline the sweep marked missed, as it is now, with what drafting and escalating need: no second read of it.</summary>
    private sealed record MissedRow : DeadlineRow
    {
        public string? LetterType { get; init; }

        public string? LetterSubject { get; init; }

        public string? LetterChannel { get; init; }

        public DateTimeOffset? LetterSentAt { get; init; }

        public string? OriginalType { get; init; }

        public Guid? OriginalDeadlineId { get; init; }

        public string? OriginalKind { get; init; }

        public required string Jurisdiction { get; init; }

        public string[]? DpaLanguages { get; init; }

        public string? DefendantLanguage { get; init; }

        public bool IsReminder => LetterType == "reminder";
    }

    /// <summary>A reminder drafted now, as written, and the deadline it is for.</summary>
    private sealed record DraftedRow : LetterRow
    {
        public Guid DeadlineId { get; init; }
    }

    private sealed record Escalation
    {
        public int Chosen { get; init; }

        public required Guid[] DeadlineIds { get; init; }

        public required Guid[] CaseIds { get; init; }
    }

    internal sealed class Handler(DbSession db, LetterTemplateRenderer templates, TimelineWriter timeline, EventWriter events, TimeProvider clock, ILogger<Handler> logger)
        : IRequestHandler<Command, Result>
    {
        public async Task<Result> Handle(Command cmd, CancellationToken ct)
        {
            var now = clock.GetUtcNow();
            var claims = await db.QueryAsync<Claim>(ClaimSql, new { now, cmd.BatchSize }, ct);
            var total = new Result(claims.Count, 0, 0, 0, 0);
            var movedOn = new HashSet<Guid>();
            foreach (var organisation in claims.GroupBy(c => c.OrganisationId))
            {
                // Issue 11: one organisation's failing row must not roll back the others' work, nor, claimed first again
                // in every retry, block them for good.
                var refused = await db.TryInSavepointAsync(async () =>
                {
                    // Row-level security: one organisation at a time within this transaction.
                    await db.EnterOrganisationAsync(organisation.Key, ct);
                    var ids = await LockDeadlinesAsync(organisation.Select(c => c.DeadlineId).ToArray(), ct);
                    var policy = await EscalationPolicies.LoadAsync(db, ct);
                    var changes = new List<EventWriter.Change>();
                    var warned = await WarnDueSoonAsync(ids, now, changes, ct);
                    var (missed, missedDeadlines) = await MarkMissedAsync(ids, now, changes, ct);
                    var reminders = await DraftRemindersAsync(missed.Where(m => !m.IsReminder).ToArray(), missedDeadlines, policy, now, changes, ct);
                    var escalated = await EscalateCasesAsync(missed.Where(m => m.IsReminder).ToArray(), policy, now, changes, ct);
                    await events.AppendManyAsync(changes, ct);
                    movedOn.UnionWith(warned.Concat(missed.Select(m => m.Id)));
                    total = total with
                    {
                        DueSoon = total.DueSoon + warned.Count,
                        Missed = total.Missed + missed.Count,
                        RemindersDrafted = total.RemindersDrafted + reminders,
                        CasesEscalated = total.CasesEscalated + escalated,
                    };
                }, ct);
                if (refused is not null)
                {
                    logger.LogError(refused, "Deadline sweep: PostgreSQL refused the changes to organisation {OrganisationId}'s {Count} deadlines; they are looked at again in a minute",
                        organisation.Key, organisation.Count());
                }
            }

            // Anything claimed but not moved on (a warning already given, a deadline changed meanwhile, an organisation
            // whose changes were refused) is looked at again a minute later rather than at once, so that one odd row
            // cannot spin the sweep. The watch trigger has moved on the deadlines warned or missed: they are not looked
            // up again (with 1,000,000 open, 2,000 probes of the watch list's key a batch, issue 16).
            var stuck = claims.Select(c => c.DeadlineId).Where(id => !movedOn.Contains(id)).ToArray();
            if (stuck.Length > 0)
            {
                await db.ExecuteAsync("""
                    UPDATE jobs.deadline_watch SET next_check_at = @later
                    WHERE deadline_id = ANY (@ids) AND next_check_at <= @now
                    """, new { ids = stuck, now, later = now.AddMinutes(1) }, ct);
            }

            return total;
        }

        /// <summary>
        /// The claimed deadlines no request is changing now, locked. A request that waives, extends or meets a deadline locks
        /// it, and then its watch trigger waits for the watch row this batch holds; were the sweep to wait for the deadline,
        /// PostgreSQL would break the deadlock and the request would fail (503). One held by a request is skipped, and looked
        /// at again a minute later with the rest not moved on.
        /// </summary>
        private async Task<Guid[]> LockDeadlinesAsync(Guid[] claimed, CancellationToken ct) =>
            (await db.QueryAsync<Guid>("""
                SELECT id FROM deadlines
                WHERE organisation_id = current_organisation_id() AND id = ANY (@claimed)
                FOR NO KEY UPDATE SKIP LOCKED
                """, new { claimed }, ct)).ToArray();

        /// <returns>The deadlines warned now.</returns>
        private async Task<IReadOnlyList<Guid>> WarnDueSoonAsync(Guid[] ids, DateTimeOffset now, List<EventWriter.Change> changes, CancellationToken ct)
        {
            var warned = await db.QueryAsync<Guid>($"""
                WITH warned AS (
                    UPDATE deadlines SET due_soon_notified_at = @now
                    WHERE organisation_id = current_organisation_id() AND id = ANY (@ids) AND status = 'open'
                      AND due_soon_notified_at IS NULL AND due_soon_at <= @now AND due_at > @now
                    RETURNING id, case_id, due_date, due_at
                ), recorded AS (
                    INSERT INTO deadline_escalations (organisation_id, deadline_id, step, occurred_at)
                    SELECT current_organisation_id(), id, 'due_soon', @now FROM warned
                    ON CONFLICT DO NOTHING
                    RETURNING deadline_id
                ), timeline AS (
                    {TimelineWriter.Insert}
                    SELECT uuid_v7(@now), current_organisation_id(), w.case_id, @now, @now, 'deadline.due_soon',
                           'Deadline due soon: it expires at the end of ' || to_char(w.due_date, 'YYYY-MM-DD') || '.', 'deadline', w.id,
                           jsonb_build_object('dueDate', w.due_date, 'dueAt', w.due_at), NULL
                    FROM warned w JOIN recorded r ON r.deadline_id = w.id
                )
                SELECT deadline_id FROM recorded
                """, new { ids, now }, ct);
            await AddDeadlineEventsAsync("deadline.due_soon", warned, changes, ct);
            return warned;
        }

        /// <returns>The deadlines missed now, and each as the API returns it after this step.</returns>
        private async Task<(IReadOnlyList<MissedRow> Missed, IReadOnlyDictionary<Guid, DeadlineDto> Deadlines)> MarkMissedAsync(
            Guid[] ids, DateTimeOffset now, List<EventWriter.Change> changes, CancellationToken ct)
        {
            var missed = await db.QueryAsync<MissedRow>($"""
                WITH missed AS (
                    UPDATE deadlines SET status = 'missed', missed_at = @now, version = version + 1, updated_at = @now
                    WHERE organisation_id = current_organisation_id() AND id = ANY (@ids) AND status = 'open' AND due_at <= @now
                    RETURNING {DeadlineRow.Columns}
                ), recorded AS (
                    INSERT INTO deadline_escalations (organisation_id, deadline_id, step, occurred_at)
                    SELECT current_organisation_id(), id, 'missed', @now FROM missed
                    ON CONFLICT DO NOTHING
                    RETURNING deadline_id
                ), timeline AS (
                    {TimelineWriter.Insert}
                    SELECT uuid_v7(@now), current_organisation_id(), m.case_id, m.due_at, @now, 'deadline.missed',
                           'Deadline missed: it expired at the end of ' || to_char(m.due_date, 'YYYY-MM-DD') || ' without an answer.', 'deadline', m.id,
                           jsonb_build_object('dueDate', m.due_date, 'dueAt', m.due_at), NULL
                    FROM missed m JOIN recorded r ON r.deadline_id = m.id
                )
                SELECT m.*,
                       l.type AS letter_type, l.subject AS letter_subject, l.channel AS letter_channel, l.sent_at AS letter_sent_at,
                       o.type AS original_type, od.id AS original_deadline_id, od.kind AS original_kind,
                       g.jurisdiction, p.complaint_languages AS dpa_languages, df.language AS defendant_language
                FROM missed m
                JOIN recorded r ON r.deadline_id = m.id
                JOIN organisations g ON g.id = current_organisation_id()
                LEFT JOIN dpas p ON p.id = m.dpa_id
                LEFT JOIN defendants df ON df.organisation_id = g.id AND df.id = m.defendant_id
                LEFT JOIN letters l ON l.organisation_id = current_organisation_id() AND l.id = m.letter_id
                LEFT JOIN letters o ON o.organisation_id = current_organisation_id() AND o.id = l.reminder_of_id
                -- For a reminder: the deadline it chased, the letter's own or an authority's Art. 78(2) period. A letter's own is
                -- its one response deadline, spelled as that unique index's predicate so that it is found there, not among all
                -- of the organisation's deadlines (the only other kind a letter has is its delivery alarm, no answer's period).
                LEFT JOIN LATERAL (
                    SELECT d.id, d.kind FROM deadlines d
                    WHERE d.organisation_id = current_organisation_id() AND l.type = 'reminder' AND l.reminder_of_id IS NOT NULL
                      AND d.letter_id = l.reminder_of_id AND d.kind IN ('response', 'data_subject_request')
                    UNION ALL
                    (SELECT d.id, d.kind FROM deadlines d
                     WHERE d.organisation_id = current_organisation_id() AND l.type = 'reminder' AND l.reminder_of_id IS NULL
                       AND d.kind = 'dpa_progress' AND d.complaint_id = l.complaint_id AND d.status = 'missed'
                     ORDER BY d.due_at DESC
                     LIMIT 1)
                ) od ON true
                """, new { ids, now }, ct);
            var deadlines = missed.ToDictionary(m => m.Id, m => m.ToDto());
            changes.AddRange(missed.Select(m => new EventWriter.Change("deadline.missed", "deadline", m.Id, deadlines[m.Id])));
            return (missed, deadlines);
        }

        /// <summary>
        /// Level 1: a draft reminder to the same counterparty, for a lawyer to review and send. The deadlines' events carry
        /// them as the missed step left them (<paramref name="missedDeadlines"/>): drafting changes none of their columns.
        /// </summary>
        private async Task<int> DraftRemindersAsync(IReadOnlyList<MissedRow> missed, IReadOnlyDictionary<Guid, DeadlineDto> missedDeadlines,
            EscalationPolicyDto policy, DateTimeOffset now, List<EventWriter.Change> changes, CancellationToken ct)
        {
            // An appeal's time limit and the procedural periods of a chain (an urgency window, a Notfrist) are the
            // organisation's own: there is nobody to remind, and missed they are the lawyer's alarm (deadline.missed).
            var remindable = missed.Where(m => m.Kind is not ("appeal" or "procedural") && policy.RuleFor(RuleKey(m.Kind, m.LetterType)).Remind).ToArray();
            if (remindable.Length == 0)
            {
                return 0;
            }

            var languages = remindable.ToDictionary(m => m.Id, ReminderLanguage);
            var due = remindable.Where(m => languages[m.Id] is not null).ToArray();
            await NoteUndraftableAsync(remindable.Where(m => languages[m.Id] is null).ToArray(), now, ct);
            if (due.Length == 0)
            {
                return 0;
            }

            var letterIds = due.Select(_ => Guid.CreateVersion7(now)).ToArray();
            var drafts = await templates.RenderDefaultRemindersAsync(
                due.Select(deadline => (deadline.LetterType is { } type ? SnakeCase.ToEnum<LetterType>(type) : LetterType.Other,
                    new TemplateInput(deadline.CaseId, deadline.DefendantId, deadline.DpaId, deadline.LetterId, deadline.ComplaintId), languages[deadline.Id]!)).ToArray(),
                ct);
            var (subjects, bodies) = (drafts.Select(d => d.Subject).ToArray(), drafts.Select(d => d.Body).ToArray());
            var drafted = await db.QueryAsync<DraftedRow>($"""
                WITH input AS (
                    SELECT * FROM unnest(@deadlineIds, @letterIds, @caseIds, @complaintIds, @defendantIds, @dpaIds, @remindsIds, @channels, @subjects, @bodies)
                        AS t(deadline_id, letter_id, case_id, complaint_id, defendant_id, dpa_id, reminds_id, channel, subject, body)
                ), recorded AS (
                    INSERT INTO deadline_escalations (organisation_id, deadline_id, step, occurred_at, letter_id)
                    SELECT current_organisation_id(), deadline_id, 'reminder_drafted', @now, letter_id FROM input
                    ON CONFLICT DO NOTHING
                    RETURNING deadline_id
                ), drafted AS (
                    INSERT INTO letters (id, organisation_id, case_id, complaint_id, direction, type, defendant_id, dpa_id, channel, subject, body,
                        reminder_of_id, status, created_at, updated_at)
                    SELECT i.letter_id, current_organisation_id(), i.case_id, i.complaint_id, 'outgoing', 'reminder', i.defendant_id, i.dpa_id, i.channel,
                           i.subject, i.body, i.reminds_id, 'draft', @now, @now
                    FROM input i JOIN recorded r ON r.deadline_id = i.deadline_id
                    RETURNING {LetterRow.Columns}
                ), timeline AS (
                    {TimelineWriter.Insert}
                    SELECT uuid_v7(@now), current_organisation_id(), i.case_id, @now, @now, 'deadline.escalated',
                           'Escalation level 1: reminder drafted for review — ' || i.subject, 'deadline', i.deadline_id,
                           jsonb_build_object('level', 1, 'reminderLetterId', i.letter_id), NULL
                    FROM input i JOIN recorded r ON r.deadline_id = i.deadline_id
                )
                SELECT i.deadline_id, d.* FROM input i JOIN drafted d ON d.id = i.letter_id
                """,
                new
                {
                    deadlineIds = due.Select(m => m.Id).ToArray(), letterIds, caseIds = due.Select(m => m.CaseId).ToArray(),
                    complaintIds = due.Select(m => m.ComplaintId).ToArray(), defendantIds = due.Select(m => m.DefendantId).ToArray(),
                    dpaIds = due.Select(m => m.DpaId).ToArray(), remindsIds = due.Select(m => m.LetterId).ToArray(),
                    channels = due.Select(m => m.LetterChannel ?? "email").ToArray(), subjects, bodies, now,
                },
                ct);
            // A letter created just now has no deadline and no attachments: the row is all LetterReader would read back.
            foreach (var row in drafted)
            {
                changes.Add(new("letter.created", "letter", row.Id, row.ToDto(null, [])));
                changes.Add(new("deadline.escalated", "deadline", row.DeadlineId, missedDeadlines[row.DeadlineId]));
            }

            return drafted.Count;
        }

        /// <summary>Level 2: the reminder went unanswered too; the case is escalated with the policy's next step.</summary>
        private async Task<int> EscalateCasesAsync(IReadOnlyList<MissedRow> missedReminders, EscalationPolicyDto policy, DateTimeOffset now,
            List<EventWriter.Change> changes, CancellationToken ct)
        {
            var due = missedReminders
                .Select(m => (Row: m, Rule: policy.RuleFor(RuleKey(m.OriginalKind ?? "response", m.OriginalType))))
                .Where(x => x.Rule.Escalate)
                .ToArray();
            if (due.Length == 0)
            {
                return 0;
            }

            var escalation = await db.QuerySingleAsync<Escalation>($"""
                WITH input AS (
                    SELECT * FROM unnest(@deadlineIds, @caseIds, @originalIds, @recommendations) AS t(deadline_id, case_id, original_id, recommendation)
                ), recorded AS (
                    INSERT INTO deadline_escalations (organisation_id, deadline_id, step, occurred_at)
                    SELECT current_organisation_id(), deadline_id, 'case_escalated', @now FROM input
                    ON CONFLICT DO NOTHING
                    RETURNING deadline_id
                ), chosen AS (
                    SELECT i.* FROM input i JOIN recorded r ON r.deadline_id = i.deadline_id
                ), originals AS (
                    UPDATE deadlines d SET status = 'escalated', escalated_at = @now, version = d.version + 1, updated_at = @now
                    FROM chosen c
                    WHERE d.organisation_id = current_organisation_id() AND d.id IN (c.original_id, c.deadline_id) AND d.status = 'missed'
                    RETURNING d.id
                ), cases_escalated AS (
                    UPDATE cases k SET escalated_at = coalesce(k.escalated_at, @now), escalation_recommendation = c.recommendation,
                        version = k.version + 1, updated_at = @now
                    FROM chosen c
                    WHERE k.organisation_id = current_organisation_id() AND k.id = c.case_id
                    RETURNING k.id
                ), timeline AS (
                    {TimelineWriter.Insert}
                    SELECT uuid_v7(@now), current_organisation_id(), c.case_id, @now, @now, 'case.escalated',
                           'Escalation level 2: the reminder went unanswered too. Recommended: ' || c.recommendation, 'case', c.case_id,
                           jsonb_build_object('level', 2, 'deadlineId', c.deadline_id, 'recommendation', c.recommendation), NULL
                    FROM chosen c
                )
                -- What changed, for the events: each deadline moved to escalated (the reminder's, and the one it chased unless
                -- a late reply met it meanwhile), and each case once, however many of its reminders went unanswered in the batch.
                SELECT (SELECT count(*) FROM chosen)::int AS chosen, ARRAY(SELECT id FROM originals) AS deadline_ids,
                       ARRAY(SELECT id FROM cases_escalated) AS case_ids
                """,
                new
                {
                    deadlineIds = due.Select(x => x.Row.Id).ToArray(), caseIds = due.Select(x => x.Row.CaseId).ToArray(),
                    originalIds = due.Select(x => x.Row.OriginalDeadlineId ?? x.Row.Id).ToArray(),
                    recommendations = due.Select(x => x.Rule.Recommendation).ToArray(), now,
                },
                ct);
            await AddDeadlineEventsAsync("deadline.escalated", escalation.DeadlineIds, changes, ct);
            if (escalation.CaseIds.Length > 0)
            {
                await CaseCounters.SettleAsync(db, ct);
                var cases = await CaseReader.LoadManyAsync(db, escalation.CaseIds, ct);
                changes.AddRange(escalation.CaseIds.Select(id => new EventWriter.Change("case.escalated", "case", id, cases[id])));
            }

            return escalation.Chosen;
        }

        /// <summary>An event per deadline, with the deadline as the API returns it now; returns those deadlines.</summary>
        private async Task<IReadOnlyDictionary<Guid, DeadlineDto>> AddDeadlineEventsAsync(
            string type, IReadOnlyList<Guid> ids, List<EventWriter.Change> changes, CancellationToken ct)
        {
            if (ids.Count == 0)
            {
                return new Dictionary<Guid, DeadlineDto>();
            }

            var deadlines = await DeadlineReader.LoadManyAsync(db, ids, ct);
            changes.AddRange(ids.Select(id => new EventWriter.Change(type, "deadline", id, deadlines[id])));
            return deadlines;
        }

        // The policy is keyed by the kind of letter; an authority's Art. 78(2) period has no letter of ours.
        private static string RuleKey(string kind, string? letterType) => kind switch
        {
            "dpa_progress" => "dpa_progress",
            "data_subject_request" => "data_subject_request",
            _ => letterType ?? "default",
        };

        /// <summary>
        /// Each reminder goes out in a language its recipient accepts (issue 12): an authority's complaint languages from the
        /// registry, a defendant's stated language. Among those, the organisation's own (German in DE, AT, CH, LI, else
        /// English) comes first, then the registry's order; only languages with built-in reminders qualify. A defendant
        /// who stated no language gets the organisation's, as the letter it did not answer did. Null: none fits.
        /// </summary>
        private static string? ReminderLanguage(MissedRow deadline)
        {
            var own = deadline.Jurisdiction[..2] is "DE" or "AT" or "CH" or "LI" ? "de" : "en";
            string[] accepted = deadline.DpaLanguages ?? (deadline.DefendantLanguage is { } stated ? [stated] : [own]);
            return accepted.OrderBy(language => language == own ? 0 : 1).FirstOrDefault(LetterTemplateEngine.Languages.Contains);
        }

        /// <summary>A reminder that no built-in template can draft in a language the recipient accepts is left to the lawyer, on the timeline.</summary>
        private async Task NoteUndraftableAsync(IReadOnlyList<MissedRow> missed, DateTimeOffset now, CancellationToken ct)
        {
            foreach (var deadline in missed)
            {
                await timeline.AppendAsync(deadline.CaseId, "deadline.reminder_not_drafted",
                    $"No reminder drafted: the built-in reminders are in {string.Join(" and ", LetterTemplateEngine.Languages)}, and the recipient accepts neither. Write it in a language the recipient accepts.",
                    "deadline", deadline.Id, occurredAt: now, ct: ct);
            }
        }
    }
}
