using System.Collections.Frozen;
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

namespace CaseApi.Features.Complaints;

public static class TransitionComplaint
{
    /// <summary>
    /// The complaint lifecycle: draft → filed → acknowledged → under_investigation → decided → closed, with
    /// transferred (to the lead authority, which then acknowledges, investigates or decides), appealed (after a
    /// decision) and withdrawn (from any open state).
    /// </summary>
    public static readonly FrozenDictionary<ComplaintStatus, ComplaintStatus[]> Allowed = new Dictionary<ComplaintStatus, ComplaintStatus[]>
    {
        [ComplaintStatus.Draft] = [ComplaintStatus.Filed, ComplaintStatus.Withdrawn],
        [ComplaintStatus.Filed] = [ComplaintStatus.Acknowledged, ComplaintStatus.UnderInvestigation, ComplaintStatus.Transferred, ComplaintStatus.Decided, ComplaintStatus.Withdrawn],
        [ComplaintStatus.Acknowledged] = [ComplaintStatus.UnderInvestigation, ComplaintStatus.Transferred, ComplaintStatus.Decided, ComplaintStatus.Withdrawn],
        [ComplaintStatus.UnderInvestigation] = [ComplaintStatus.Transferred, ComplaintStatus.Decided, ComplaintStatus.Withdrawn],
        [ComplaintStatus.Transferred] = [ComplaintStatus.Acknowledged, ComplaintStatus.UnderInvestigation, ComplaintStatus.Decided, ComplaintStatus.Withdrawn],
        [ComplaintStatus.Decided] = [ComplaintStatus.Appealed, ComplaintStatus.Closed],
        [ComplaintStatus.Appealed] = [ComplaintStatus.Decided, ComplaintStatus.Closed, ComplaintStatus.Withdrawn],
        [ComplaintStatus.Withdrawn] = [],
        [ComplaintStatus.Closed] = [],
    }.ToFrozenDictionary();

    /// <summary>A change of a complaint's status.</summary>
    public sealed record Body
    {
        /// <summary>The new status.</summary>
        /// <example>acknowledged</example>
        public required ComplaintStatus To { get; init; }

        /// <summary>When it happened; now when left out. For <c>filed</c> and <c>decided</c> its date becomes the filing or decision date.</summary>
        /// <example>2024-06-20T09:00:00+02:00</example>
        public DateTimeOffset? At { get; init; }

        /// <summary>
        /// For <c>under_investigation</c>: the lead authority applies the simple cooperation procedure (Reg. (EU) 2025/2518 Art. 6), so its
        /// draft decision is due within twelve months (Art. 12(6)) instead of fifteen (Art. 12). Only for complaints lodged after 2 April 2027 (Art. 36).
        /// </summary>
        public bool? SimpleCooperation { get; init; }

        /// <summary>A note for the timeline.</summary>
        /// <example>The DPC confirmed receipt and assigned reference C-24-6-123.</example>
        public string? Note { get; init; }

        /// <summary>The authority's reference, if it came with this step.</summary>
        public string? DpaReference { get; init; }

        /// <summary>Required for <c>transferred</c>: the lead authority.</summary>
        public Guid? TransferredToDpaId { get; init; }

        /// <summary>Required for <c>decided</c>: what was decided.</summary>
        public DecisionOutcome? Outcome { get; init; }

        /// <summary>
        /// For <c>decided</c>: the authority that adopted the decision, the one lodged with or the lead one. Left out: after a
        /// transfer, the one lodged with for a dismissal or rejection (GDPR Art. 60(8)), the lead one otherwise (Art. 60(7));
        /// without a transfer, the one lodged with. A lead authority cannot dismiss or reject (409).
        /// </summary>
        public Guid? DecidedByDpaId { get; init; }

        /// <summary>For <c>decided</c>: a fine, if any. Never with <c>rejected</c> or <c>dismissed</c>: a fine follows a finding of infringement (GDPR Art. 58(2)(i), 83).</summary>
        /// <example>251000000</example>
        public decimal? FineAmount { get; init; }

        /// <summary>The fine's currency (ISO 4217), with <c>fineAmount</c>.</summary>
        /// <example>EUR</example>
        public string? FineCurrency { get; init; }

        /// <summary>Required for <c>appealed</c>: who appealed (GDPR Art. 78(1)).</summary>
        /// <example>controller</example>
        public Appellant? AppealedBy { get; init; }

        /// <summary>Required for <c>appealed</c>: the court, in the deciding authority's Member State (GDPR Art. 78(3)).</summary>
        /// <example>Verwaltungsgericht Wiesbaden</example>
        public string? AppealCourt { get; init; }

        /// <summary>Required for <c>appealed</c>: by when the appeal must be brought or pursued (its grounds, say), as the court or national procedure sets it. Opens a deadline of kind <c>appeal</c>.</summary>
        /// <example>2026-06-01</example>
        public DateOnly? AppealDueOn { get; init; }
    }

    public sealed record Command(Guid Id, int? ExpectedVersion, Body Transition) : ICommand<ComplaintDto>;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator(TimeProvider clock)
        {
            RuleFor(c => c.Transition.To).IsInEnum();
            RuleFor(c => c.Transition.At).Must(at => at is null || at <= clock.GetUtcNow().AddMinutes(5))
                .WithMessage("Must not lie in the future: record a step once it has happened.");
            RuleFor(c => c.Transition.Note).IsShortText(5_000);
            RuleFor(c => c.Transition.DpaReference).IsShortText(100);
            RuleFor(c => c.Transition.SimpleCooperation).Null().When(c => c.Transition.To != ComplaintStatus.UnderInvestigation)
                .WithMessage("Only an under_investigation step says whether the simple cooperation procedure applies.");
            RuleFor(c => c.Transition.TransferredToDpaId).NotEmpty().When(c => c.Transition.To == ComplaintStatus.Transferred)
                .WithMessage("A transfer names the lead authority.");
            RuleFor(c => c.Transition.Outcome).NotNull().IsInEnum().When(c => c.Transition.To == ComplaintStatus.Decided)
                .WithMessage("A decision has an outcome.");
            RuleFor(c => c.Transition.FineAmount).GreaterThanOrEqualTo(0);
            RuleFor(c => c.Transition.FineCurrency).Matches("^[A-Z]{3}$");
            RuleFor(c => c.Transition).Must(t => (t.FineAmount is null) == (t.FineCurrency is null))
                .WithMessage("A fine has an amount and a currency.").OverridePropertyName("fineCurrency");
            RuleFor(c => c.Transition).Must(t => t.To == ComplaintStatus.Decided || (t.Outcome is null && t.FineAmount is null && t.DecidedByDpaId is null))
                .WithMessage("Only a decision has an outcome, a fine or a deciding authority.").OverridePropertyName("outcome");
            // GDPR Art. 58(2)(i), 83(2): a fine is imposed for an infringement found; rejecting or dismissing the complaint finds none.
            RuleFor(c => c.Transition.FineAmount).Null().When(c => c.Transition.Outcome is DecisionOutcome.Rejected or DecisionOutcome.Dismissed)
                .WithMessage("A rejected or dismissed complaint carries no fine: a fine follows a finding of infringement (GDPR Art. 58(2)(i), 83).");
            RuleFor(c => c.Transition.AppealedBy).NotNull().IsInEnum().When(c => c.Transition.To == ComplaintStatus.Appealed)
                .WithMessage("An appeal names who brought it (GDPR Art. 78(1)).");
            RuleFor(c => c.Transition.AppealCourt).NotEmpty().When(c => c.Transition.To == ComplaintStatus.Appealed)
                .WithMessage("An appeal names its court (GDPR Art. 78(3)).");
            RuleFor(c => c.Transition.AppealCourt).IsShortText(300);
            RuleFor(c => c.Transition.AppealDueOn).NotNull().When(c => c.Transition.To == ComplaintStatus.Appealed)
                .WithMessage("An appeal has a date by which it must be brought or pursued.");
            RuleFor(c => c.Transition.AppealDueOn).Must(day => day is null || day <= DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime).AddYears(10))
                .WithMessage("Must lie within ten years.");
            RuleFor(c => c.Transition).Must(t => t.To == ComplaintStatus.Appealed || (t.AppealedBy is null && t.AppealCourt is null && t.AppealDueOn is null))
                .WithMessage("Only an appeal has an appellant, a court or a date for it.").OverridePropertyName("appealedBy");
        }
    }

    internal sealed class Handler(DbSession db, CallerContext caller, TimelineWriter timeline, DeadlineKeeper deadlines, EventWriter events, TimeProvider clock)
        : IRequestHandler<Command, ComplaintDto>
    {
        public async Task<ComplaintDto> Handle(Command cmd, CancellationToken ct)
        {
            var current = await ComplaintReader.LoadAsync(db, caller, cmd.Id, ct, forUpdate: true) ?? throw new NotFoundException("complaint", cmd.Id);
            EntityTags.Require(cmd.ExpectedVersion, current.Version, "complaint", cmd.Id);

            var transition = cmd.Transition;
            var allowed = Allowed[current.Status];
            if (!allowed.Contains(transition.To))
            {
                var names = allowed.Select(SnakeCase.From).ToArray();
                throw new ConflictException("illegal_transition",
                    $"A {SnakeCase.From(current.Status)} complaint cannot become {SnakeCase.From(transition.To)}; allowed: {(names.Length == 0 ? "none, it is final" : string.Join(", ", names))}.",
                    new Dictionary<string, object?> { ["from"] = SnakeCase.From(current.Status), ["allowed"] = names });
            }

            var now = clock.GetUtcNow();
            var at = transition.At ?? now;
            var decidedBy = transition.To == ComplaintStatus.Decided ? DecidingAuthority(current, transition) : (Guid?)null;
            var rules = await deadlines.RulesAsync(ct);
            if (transition.AppealDueOn is { } appealDue && appealDue < rules.LocalDay(at))
            {
                throw new ValidationException([new("appealDueOn", "Must not lie before the day of the appeal.")]);
            }

            await db.ExecuteAsync("""
                UPDATE complaints SET
                    status = @to,
                    filed_on = CASE WHEN @to = 'filed' THEN coalesce(filed_on, local_day(@at)) ELSE filed_on END,
                    dpa_reference = coalesce(@dpaReference, dpa_reference),
                    transferred_to_dpa_id = CASE WHEN @to = 'transferred' THEN @transferredTo ELSE transferred_to_dpa_id END,
                    decision_outcome = CASE WHEN @to = 'decided' THEN @outcome ELSE decision_outcome END,
                    decided_by_dpa_id = CASE WHEN @to = 'decided' THEN @decidedBy ELSE decided_by_dpa_id END,
                    decided_on = CASE WHEN @to = 'decided' THEN local_day(@at) ELSE decided_on END,
                    fine_amount = CASE WHEN @to = 'decided' THEN @fineAmount ELSE fine_amount END,
                    fine_currency = CASE WHEN @to = 'decided' THEN @fineCurrency ELSE fine_currency END,
                    appealed_by = CASE WHEN @to = 'appealed' THEN @appealedBy ELSE appealed_by END,
                    appeal_court = CASE WHEN @to = 'appealed' THEN @appealCourt ELSE appeal_court END,
                    version = version + 1, updated_at = @now
                WHERE id = @id AND organisation_id = current_organisation_id()
                """,
                new
                {
                    id = cmd.Id, to = SnakeCase.From(transition.To), at, dpaReference = transition.DpaReference, transferredTo = transition.TransferredToDpaId,
                    outcome = transition.Outcome is { } o ? SnakeCase.From(o) : null, decidedBy, transition.FineAmount, transition.FineCurrency,
                    appealedBy = transition.AppealedBy is { } by ? SnakeCase.From(by) : null, transition.AppealCourt, now,
                },
                ct);
            await timeline.AppendAsync(current.CaseId, "complaint.status_changed",
                $"Complaint status changed from {SnakeCase.From(current.Status)} to {SnakeCase.From(transition.To)}.", "complaint", cmd.Id, occurredAt: at,
                details: new
                {
                    from = SnakeCase.From(current.Status), to = SnakeCase.From(transition.To), note = transition.Note,
                    transferredToDpaId = transition.TransferredToDpaId, outcome = transition.Outcome is { } d ? SnakeCase.From(d) : null, decidedByDpaId = decidedBy,
                    fineAmount = transition.FineAmount, fineCurrency = transition.FineCurrency,
                    appealedBy = transition.AppealedBy is { } a ? SnakeCase.From(a) : null, appealCourt = transition.AppealCourt, appealDueOn = transition.AppealDueOn,
                },
                ct: ct);
            switch (transition.To)
            {
                case ComplaintStatus.Filed:
                    var authority = await deadlines.RulesForDpaAsync(current.DpaId, ct);
                    await deadlines.StartDpaProgressAsync(current.CaseId, cmd.Id, current.DpaId, at, authority, ct);
                    await deadlines.StartProceduralRegulationAsync(current.CaseId, cmd.Id, current.DpaId, at, authority, ct);
                    break;
                case ComplaintStatus.Transferred:
                    // GDPR Art. 78(2) runs against "the supervisory authority which is competent pursuant to Articles 55 and 56":
                    // from the transfer, the lead authority (Art. 56(1)); the period at the authority lodged with is met by the transfer.
                    await deadlines.EndDpaProgressAsync(cmd.Id, "transferred", at, ct);
                    await deadlines.EndProceduralRegulationAsync(cmd.Id, "transferred", at, ct);
                    await deadlines.StartDpaProgressAsync(current.CaseId, cmd.Id, transition.TransferredToDpaId!.Value, at,
                        await deadlines.RulesForDpaAsync(transition.TransferredToDpaId!.Value, ct), ct);
                    break;
                case ComplaintStatus.UnderInvestigation:
                    await deadlines.EndProceduralRegulationAsync(cmd.Id, "under_investigation", at, ct);
                    if (current.FiledOn is { } lodgedOn)
                    {
                        await deadlines.StartInvestigationAsync(current.CaseId, cmd.Id, current.TransferredToDpaId ?? current.DpaId, lodgedOn, at,
                            transition.SimpleCooperation ?? false, ct);
                    }

                    break;
                case ComplaintStatus.Decided or ComplaintStatus.Withdrawn or ComplaintStatus.Closed:
                    await deadlines.EndDpaProgressAsync(cmd.Id, SnakeCase.From(transition.To), at, ct);
                    await deadlines.EndProceduralRegulationAsync(cmd.Id, SnakeCase.From(transition.To), at, ct);
                    break;
                case ComplaintStatus.Appealed:
                    var due = rules.FromDate(at, transition.AppealDueOn!.Value);
                    await deadlines.OpenAsync(new NewDeadline(current.CaseId, DeadlineKind.Appeal,
                        due with { Computation = $"Appeal by {SnakeCase.From(transition.AppealedBy!.Value)} before {transition.AppealCourt} against the decision of {current.DecidedOn:yyyy-MM-dd} (GDPR Art. 78(1), (3); the time limit is the court's or national procedure's). {due.Computation}" },
                        null, ComplaintId: cmd.Id, DpaId: current.DecidedByDpaId), rules, ct);
                    break;
            }

            var moved = (await ComplaintReader.LoadAsync(db, caller, cmd.Id, ct))!;
            await events.AppendAsync("complaint.status_changed", "complaint", cmd.Id, moved with { Complainants = null }, ct);
            return moved;
        }
    }

    /// <summary>GDPR Art. 60(7)-(9): who adopts a decision on a complaint handed to a lead authority.</summary>
    private static Guid DecidingAuthority(ComplaintDto complaint, Body transition)
    {
        var dismissal = transition.Outcome is DecisionOutcome.Rejected or DecisionOutcome.Dismissed;
        if (transition.DecidedByDpaId is not { } named)
        {
            return complaint.TransferredToDpaId is { } lead && !dismissal ? lead : complaint.DpaId;
        }

        if (named != complaint.DpaId && named != complaint.TransferredToDpaId)
        {
            throw new ConflictException("deciding_authority_unrelated",
                "The deciding authority is the one the complaint was lodged with or, after a transfer, the lead authority (GDPR Art. 60(7)-(9)).");
        }

        if (dismissal && named != complaint.DpaId)
        {
            throw new ConflictException("dismissal_by_lead_authority",
                "A complaint is dismissed or rejected by the authority it was lodged with, not by the lead authority (GDPR Art. 60(8)).");
        }

        return named;
    }

    internal static void Map(RouteGroupBuilder complaints) => complaints.MapVersionedChange(HttpMethods.Post, "{id}/transitions", (Guid id, int? version, Body body) => new Command(id, version, body))
        .RequireAuthorization(Policies.Write)
        .WithName("TransitionComplaint")
        .WithSummary("Move a complaint to another status")
        .WithDescription("""
            Records a step in the complaint's lifecycle, on the case timeline too. Allowed steps:
            draft → filed | withdrawn; filed → acknowledged | under_investigation | transferred | decided | withdrawn;
            acknowledged → under_investigation | transferred | decided | withdrawn; under_investigation → transferred | decided | withdrawn;
            transferred → acknowledged | under_investigation | decided | withdrawn; decided → appealed | closed;
            appealed → decided | closed | withdrawn. Any other step is 409 with the allowed ones in `allowed`.
            `transferred` names `transferredToDpaId` (the lead authority, GDPR Art. 56(1)); the authority lodged with stays `dpaId`, the
            complainant's contact (Art. 77(2), 60(7)-(9)). `decided` needs `outcome`, may name `decidedByDpaId` (see the field) and may
            carry a fine, except when the complaint is `rejected` or `dismissed`. `appealed` needs `appealedBy`, `appealCourt` and
            `appealDueOn`, which opens a deadline of kind `appeal`.
            The GDPR Art. 78(2) period: filing starts three months; a decision or a transfer meets the running period (a transfer
            starts three months for the lead authority); a withdrawal or closing waives it. None runs after a decision.
            A complaint filed from 2 April 2027 also gets the periods of Reg. (EU) 2025/2518 Art. 4 (rules `gdpr_proc.admissibility`,
            `gdpr_proc.transmission`): a transfer meets both; an investigation or a decision meets the admissibility period (a decision
            waives the transmission); a withdrawal or closing waives both. A complaint lodged after 2 April 2027 (Art. 36) also gets the
            lead authority's time limit for its draft decision when the step `under_investigation` is recorded: fifteen months
            (`gdpr_proc.investigation`, Art. 12; one extension of at most twelve months), or twelve with `simpleCooperation`
            (`gdpr_proc.simple_cooperation`, Art. 6(1), 12(6)); a decision meets it, a transfer, a withdrawal or closing waives it.
            Requires `If-Match` with the complaint's ETag.
            """)
        .Produces<ComplaintDto>();
}
