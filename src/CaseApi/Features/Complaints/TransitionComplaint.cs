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
using Microsoft.AspNetCore.Mvc;

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
        public ComplaintStatus To { get; init; }

        /// <summary>When it happened; now when left out. For <c>filed</c> and <c>decided</c> its date becomes the filing or decision date.</summary>
        /// <example>2024-06-20T09:00:00+02:00</example>
        public DateTimeOffset? At { get; init; }

        /// <summary>A note for the timeline.</summary>
        /// <example>The DPC confirmed receipt and assigned reference C-24-6-123.</example>
        public string? Note { get; init; }

        /// <summary>The authority's reference, if it came with this step.</summary>
        public string? DpaReference { get; init; }

        /// <summary>Required for <c>transferred</c>: the lead authority.</summary>
        public Guid? TransferredToDpaId { get; init; }

        /// <summary>Required for <c>decided</c>: what was decided.</summary>
        public DecisionOutcome? Outcome { get; init; }

        /// <summary>For <c>decided</c>: a fine, if any.</summary>
        /// <example>251000000</example>
        public decimal? FineAmount { get; init; }

        /// <summary>The fine's currency (ISO 4217), with <c>fineAmount</c>.</summary>
        /// <example>EUR</example>
        public string? FineCurrency { get; init; }
    }

    public sealed record Command(Guid Id, int ExpectedVersion, Body Transition) : ICommand<ComplaintDto>;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator(TimeProvider clock)
        {
            RuleFor(c => c.Transition.To).IsInEnum().OverridePropertyName("to");
            RuleFor(c => c.Transition.At).Must(at => at is null || at <= clock.GetUtcNow().AddMinutes(5))
                .WithMessage("Must not lie in the future: record a step once it has happened.").OverridePropertyName("at");
            RuleFor(c => c.Transition.Note).IsShortText(5_000).OverridePropertyName("note");
            RuleFor(c => c.Transition.DpaReference).IsShortText(100).OverridePropertyName("dpaReference");
            RuleFor(c => c.Transition.TransferredToDpaId).NotEmpty().When(c => c.Transition.To == ComplaintStatus.Transferred)
                .WithMessage("A transfer names the lead authority.").OverridePropertyName("transferredToDpaId");
            RuleFor(c => c.Transition.Outcome).NotNull().IsInEnum().When(c => c.Transition.To == ComplaintStatus.Decided)
                .WithMessage("A decision has an outcome.").OverridePropertyName("outcome");
            RuleFor(c => c.Transition.FineAmount).GreaterThanOrEqualTo(0).OverridePropertyName("fineAmount");
            RuleFor(c => c.Transition.FineCurrency).Matches("^[A-Z]{3}$").OverridePropertyName("fineCurrency");
            RuleFor(c => c.Transition).Must(t => (t.FineAmount is null) == (t.FineCurrency is null))
                .WithMessage("A fine has an amount and a currency.").OverridePropertyName("fineCurrency");
            RuleFor(c => c.Transition).Must(t => t.To == ComplaintStatus.Decided || (t.Outcome is null && t.FineAmount is null))
                .WithMessage("Only a decision has an outcome or a fine.").OverridePropertyName("outcome");
        }
    }

    internal sealed class Handler(DbSession db, CallerContext caller, TimelineWriter timeline, DeadlineKeeper deadlines, EventWriter events, TimeProvider clock)
        : IRequestHandler<Command, ComplaintDto>
    {
        public async Task<ComplaintDto> Handle(Command cmd, CancellationToken ct)
        {
            var current = await ComplaintReader.LoadAsync(db, caller, cmd.Id, ct, forUpdate: true) ?? throw new NotFoundException("complaint", cmd.Id);
            if (current.Version != cmd.ExpectedVersion)
            {
                throw new PreconditionFailedException("complaint", cmd.Id);
            }

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
            await db.ExecuteAsync("""
                UPDATE complaints SET
                    status = @to,
                    filed_on = CASE WHEN @to = 'filed' THEN coalesce(filed_on, local_day(@at)) ELSE filed_on END,
                    dpa_reference = coalesce(@dpaReference, dpa_reference),
                    transferred_to_dpa_id = CASE WHEN @to = 'transferred' THEN @transferredTo ELSE transferred_to_dpa_id END,
                    decision_outcome = CASE WHEN @to = 'decided' THEN @outcome ELSE decision_outcome END,
                    decided_on = CASE WHEN @to = 'decided' THEN local_day(@at) ELSE decided_on END,
                    fine_amount = CASE WHEN @to = 'decided' THEN @fineAmount ELSE fine_amount END,
                    fine_currency = CASE WHEN @to = 'decided' THEN @fineCurrency ELSE fine_currency END,
                    version = version + 1, updated_at = @now
                WHERE id = @id AND organisation_id = current_organisation_id()
                """,
                new
                {
                    id = cmd.Id, to = SnakeCase.From(transition.To), at, dpaReference = transition.DpaReference, transferredTo = transition.TransferredToDpaId,
                    outcome = transition.Outcome is { } o ? SnakeCase.From(o) : null, transition.FineAmount, transition.FineCurrency, now,
                },
                ct);
            await timeline.AppendAsync(current.CaseId, "complaint.status_changed",
                $"Complaint status changed from {SnakeCase.From(current.Status)} to {SnakeCase.From(transition.To)}.", "complaint", cmd.Id, occurredAt: at,
                details: new
                {
                    from = SnakeCase.From(current.Status), to = SnakeCase.From(transition.To), note = transition.Note,
                    transferredToDpaId = transition.TransferredToDpaId, outcome = transition.Outcome is { } d ? SnakeCase.From(d) : null,
                    fineAmount = transition.FineAmount, fineCurrency = transition.FineCurrency,
                },
                ct: ct);
            if (transition.To == ComplaintStatus.Filed)
            {
                await deadlines.StartDpaProgressAsync(current.CaseId, cmd.Id, current.DpaId, at, await deadlines.RulesForDpaAsync(current.DpaId, ct), ct);
            }

            var moved = (await ComplaintReader.LoadAsync(db, caller, cmd.Id, ct))!;
            await events.AppendAsync("complaint.status_changed", "complaint", cmd.Id, moved with { Complainants = null }, ct);
            return moved;
        }
    }

    internal static void Map(RouteGroupBuilder complaints) => complaints.MapPost("{id:guid}/transitions", async (Guid id, Body body, [FromHeader(Name = "If-Match")] string? ifMatch, IMediator mediator, HttpContext http, CancellationToken ct) =>
            EntityTags.Ok(http, await mediator.Send(new Command(id, EntityTags.RequiredVersion(ifMatch), body), ct)))
        .RequireAuthorization(Policies.Write)
        .WithName("TransitionComplaint")
        .WithSummary("Move a complaint to another status")
        .WithDescription("""
            Records a step in the complaint's lifecycle, on the case timeline too. Allowed steps:
            draft → filed | withdrawn; filed → acknowledged | under_investigation | transferred | decided | withdrawn;
            acknowledged → under_investigation | transferred | decided | withdrawn; under_investigation → transferred | decided | withdrawn;
            transferred → acknowledged | under_investigation | decided | withdrawn; decided → appealed | closed;
            appealed → decided | closed | withdrawn. Any other step is 409 with the allowed ones in `allowed`.
            `transferred` names `transferredToDpaId`; `decided` needs `outcome` and may carry a fine.
            Requires `If-Match` with the complaint's ETag.
            """)
        .Produces<ComplaintDto>();
}
