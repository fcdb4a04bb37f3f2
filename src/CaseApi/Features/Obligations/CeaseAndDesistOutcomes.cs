using System.Globalization;
using CaseApi.Features.Cases;
using CaseApi.Features.Correspondence;
using CaseApi.Features.Deadlines;
using CaseApi.Features.Events;
using CaseApi.Features.Timeline;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Json;

namespace CaseApi.Features.Obligations;

/// <summary>
/// What a classified reply to a cease-and-desist letter does (issue 13 point 4). A declaration with a penalty clause removes the risk of repetition
/// only when it is adequate and accepted (the Unterlassungsvertrag); then it meets the deadline and binds the defendant. A refusal, a partial
/// declaration or one not accepted leaves the claim to court: the deadline ends as refused and the case is escalated at once, to a preliminary
/// injunction while the urgency window (UWG § 12(1)) is open. A request for more time changes nothing until the lawyer extends the deadline.
/// </summary>
public sealed class CeaseAndDesistOutcomes(DbSession db, DeadlineKeeper keeper, TimelineWriter timeline, EventWriter events, TimeProvider clock)
{
    private sealed record UrgencyWindow(Guid Id, DateOnly DueDate);

    /// <summary>Only a reply to a cease-and-desist letter of ours is classified as one.</summary>
    public static async Task RequireCeaseAndDesistAsync(DbSession db, Guid letterId, CancellationToken ct)
    {
        if (!await db.QuerySingleAsync<bool>("""
                SELECT EXISTS (SELECT FROM letters WHERE id = @letterId AND organisation_id = current_organisation_id()
                               AND type = 'cease_and_desist' AND direction = 'outgoing')
                """, new { letterId }, ct))
        {
            throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity, "not_a_cease_and_desist_letter",
                $"The letter {letterId} is no cease-and-desist letter of the organisation: leave out ceaseAndDesistReply.");
        }
    }

    public async Task RecordReplyAsync(Guid caseId, Guid answeredLetterId, Guid replyId, CeaseAndDesistReply reply, DateTimeOffset receivedAt, CancellationToken ct)
    {
        if (reply.MeetsDeadline())
        {
            await keeper.MeetByReplyAsync(answeredLetterId, replyId, receivedAt, ct);
            await CreateObligationAsync(caseId, answeredLetterId, replyId, reply.Penalty!, receivedAt, ct);
        }
        else if (reply.Refuses())
        {
            await RefuseAsync(caseId, answeredLetterId, replyId, reply, receivedAt, ct);
        }
        else
        {
            await timeline.AppendAsync(caseId, "letter.extension_requested",
                $"The defendant asks for time until {Iso(reply.RequestedUntil!.Value)}; the deadline runs on unless extended.", "letter", replyId,
                occurredAt: receivedAt, details: new { answeredLetterId, requestedUntil = reply.RequestedUntil }, ct: ct);
        }
    }

    private async Task CreateObligationAsync(Guid caseId, Guid answeredLetterId, Guid replyId, Penalty penalty, DateTimeOffset receivedAt, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var id = Guid.CreateVersion7(now);
        // The defendant the letter was sent to: the declaration binds whom the claim was made against.
        await db.ExecuteAsync("""
            INSERT INTO defendant_obligations (id, organisation_id, case_id, defendant_id, letter_id, penalty_kind, penalty_amount, penalty_currency,
                signed_on, created_at, updated_at)
            SELECT @id, current_organisation_id(), @caseId, l.defendant_id, @replyId, @kind, @Amount, @Currency, local_day(@receivedAt), @now, @now
            FROM letters l WHERE l.id = @answeredLetterId AND l.organisation_id = current_organisation_id()
            """,
            new { id, caseId, replyId, kind = SnakeCase.From(penalty.Kind), penalty.Amount, penalty.Currency, receivedAt, now, answeredLetterId }, ct);
        var obligation = (await ObligationReader.LoadAsync(db, id, ct))!;
        await timeline.AppendAsync(caseId, "obligation.created",
            $"Declaration to cease and desist accepted ({Describe(penalty)}); kept as the defendant's obligation.", "obligation", id, occurredAt: receivedAt, ct: ct);
        await events.AppendAsync("obligation.created", "obligation", id, obligation, ct);
    }

    private async Task RefuseAsync(Guid caseId, Guid answeredLetterId, Guid replyId, CeaseAndDesistReply reply, DateTimeOffset receivedAt, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var refused = await db.QueryAsync<DeadlineRow>($"""
            UPDATE deadlines SET status = 'refused', met_by_letter_id = @replyId, version = version + 1, updated_at = @now
            WHERE organisation_id = current_organisation_id() AND letter_id = @answeredLetterId AND status IN ('open', 'missed', 'escalated')
            RETURNING {DeadlineRow.Columns}
            """, new { answeredLetterId, replyId, now }, ct);
        var what = reply.Kind switch
        {
            CeaseAndDesistReplyKind.Refusal => "refused to cease and desist",
            CeaseAndDesistReplyKind.PartialDeclaration => "declared only in part",
            _ => $"gave a declaration the organisation does not accept as adequate ({Describe(reply.Penalty!)})",
        };
        foreach (var deadline in refused)
        {
            await timeline.AppendAsync(caseId, "deadline.refused", $"Deadline of {deadline.DueDate:yyyy-MM-dd} answered: the defendant {what}.", "deadline", deadline.Id,
                occurredAt: receivedAt, details: new { letterId = replyId, kind = SnakeCase.From(reply.Kind) }, ct: ct);
            await events.AppendAsync("deadline.refused", "deadline", deadline.Id, deadline.ToDto(), ct);
        }

        // A reply to a letter whose deadline had ended already (met, waived, refused) changes nothing.
        if (refused.Count == 0)
        {
            return;
        }

        var window = await db.QuerySingleOrDefaultAsync<UrgencyWindow>("""
            SELECT id, due_date FROM deadlines
            WHERE organisation_id = current_organisation_id() AND case_id = @caseId AND rule = 'uwg.urgency_window' AND status = 'open' AND due_at > @now
            ORDER BY due_at LIMIT 1
            """, new { caseId, now }, ct);
        var recommendation = window is null
            ? $"{(await EscalationPolicies.LoadAsync(db, ct)).RuleFor("cease_and_desist").Recommendation} The defendant {what}; no urgency window is open on the case "
                + "(record the day of knowledge as a deadline trigger to have one)."
            : $"Apply for a preliminary injunction (UWG § 12(1); ZPO §§ 935, 940) by {Iso(window.DueDate)}, the last day of the urgency window: the defendant {what}.";
        await EscalateAsync(caseId, refused[0].Id, window?.Id, recommendation, now, ct);
    }

    /// <summary>As the sweep's level 2 does: the case carries the recommendation, the timeline says so, and <c>case.escalated</c> follows.</summary>
    private async Task EscalateAsync(Guid caseId, Guid deadlineId, Guid? urgencyWindowId, string recommendation, DateTimeOffset now, CancellationToken ct)
    {
        await db.ExecuteAsync("""
            INSERT INTO deadline_escalations (organisation_id, deadline_id, step, occurred_at)
            VALUES (current_organisation_id(), @deadlineId, 'case_escalated', @now)
            ON CONFLICT DO NOTHING
            """, new { deadlineId, now }, ct);
        await db.ExecuteAsync("""
            UPDATE cases SET escalated_at = coalesce(escalated_at, @now), escalation_recommendation = @recommendation, version = version + 1, updated_at = @now
            WHERE id = @caseId AND organisation_id = current_organisation_id()
            """, new { caseId, recommendation, now }, ct);
        await timeline.AppendAsync(caseId, "case.escalated", $"Escalation: the cease-and-desist letter was refused. Recommended: {recommendation}", "case", caseId,
            occurredAt: now, details: new { level = "refused", deadlineId, urgencyWindowId, recommendation }, ct: ct);
        await CaseCounters.SettleAsync(db, ct);
        await events.AppendAsync("case.escalated", "case", caseId, (await CaseReader.LoadAsync(db, caseId, ct))!, ct);
    }

    private static string Describe(Penalty penalty) => penalty.Kind == PenaltyKind.Fixed
        ? $"fixed penalty of {penalty.Amount!.Value.ToString("0.##", CultureInfo.InvariantCulture)} {penalty.Currency}"
        : penalty.Amount is { } cap ? $"penalty by \"Hamburger Brauch\", capped at {cap.ToString("0.##", CultureInfo.InvariantCulture)} {penalty.Currency}"
        : "penalty by \"Hamburger Brauch\"";

    private static string Iso(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
