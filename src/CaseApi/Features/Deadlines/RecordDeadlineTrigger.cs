using CaseApi.Features.Organisations;
using CaseApi.Features.Timeline;
using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Json;
using CaseApi.Infrastructure.Mediation;
using FluentValidation;
using MediatR;

namespace CaseApi.Features.Deadlines;

public static class RecordDeadlineTrigger
{
    /// <summary>An event that sets deadlines running, or ends them.</summary>
    public sealed record Body
    {
        /// <summary>What happened.</summary>
        public required TriggerKind Kind { get; init; }

        /// <summary>
        /// The day it happened, where the organisation is: knowledge of the infringement and the infringer, the application filed, the judgment
        /// or order served (or the order pronounced), the decision notified, the oral hearing closed. Not counted (BGB § 187(1)).
        /// </summary>
        /// <example>2026-06-20</example>
        public required DateOnly OccurredOn { get; init; }

        /// <summary>The day the judgment was pronounced, for <c>judgment_served</c> (ZPO §§ 517, 520(2): the periods begin five months after it at the latest).</summary>
        /// <example>2026-01-15</example>
        public DateOnly? PronouncedOn { get; init; }

        /// <summary>
        /// The court the application for a preliminary injunction goes to, for <c>infringement_known</c>: an Oberlandesgericht (one of
        /// <c>GET /v1/organisation/urgency-windows</c>) or a Landgericht (<c>GET /v1/courts?kind=regional_court</c>), where the window of the
        /// Oberlandesgericht above it applies (its <c>higherRegionalCourt</c>; GVG § 119(1) no. 2). The organisation's own window for that
        /// Oberlandesgericht where set, else the court's practice (<c>urgencyPractices</c> at <c>GET /v1/deadline-rules</c>); left out, the
        /// shortest window, one month.
        /// </summary>
        /// <example>de-kg</example>
        public string? Court { get; init; }

        /// <summary>The court's place (ISO 3166-2), whose public holidays count (ZPO § 222(2)); left out, the organisation's, and the computation says so.</summary>
        /// <example>DE-BE</example>
        public string? CourtJurisdiction { get; init; }

        /// <summary>The authority that decided, for <c>dpa_decision_received</c>: the administrative court is at its seat (BDSG § 20(3)), and its holidays count.</summary>
        public Guid? DpaId { get; init; }
    }

    public sealed record Command(Guid CaseId, Body Trigger) : ICommand<ChainResult>;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator(TimeProvider clock)
        {
            RuleFor(c => c.Trigger.Kind).IsInEnum();
            RuleFor(c => c.Trigger.OccurredOn).Must(day => day <= DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime).AddDays(1) && day.Year >= 1900)
                .WithMessage("Must not lie in the future: record an event once it has happened.");
            RuleFor(c => c.Trigger.PronouncedOn).NotNull().When(c => c.Trigger.Kind == TriggerKind.JudgmentServed)
                .WithMessage("A judgment served needs the day it was pronounced (ZPO § 517).");
            RuleFor(c => c.Trigger.PronouncedOn).Must((c, day) => day is null || day <= c.Trigger.OccurredOn)
                .WithMessage("A judgment is pronounced before it is served.");
            RuleFor(c => c.Trigger.PronouncedOn).Null().When(c => c.Trigger.Kind != TriggerKind.JudgmentServed)
                .WithMessage("Only a judgment_served has a pronouncedOn.");
            RuleFor(c => c.Trigger.CourtJurisdiction).IsRegionCode();
            RuleFor(c => c.Trigger.DpaId).Null().When(c => c.Trigger.Kind != TriggerKind.DpaDecisionReceived)
                .WithMessage("Only a dpa_decision_received names the authority.");
        }
    }

    internal sealed class Handler(DbSession db, DeadlineChains chains, TimelineWriter timeline) : IRequestHandler<Command, ChainResult>
    {
        public async Task<ChainResult> Handle(Command cmd, CancellationToken ct)
        {
            var found = await db.QuerySingleAsync<bool>(
                "SELECT EXISTS (SELECT FROM cases WHERE id = @CaseId AND organisation_id = current_organisation_id())", new { cmd.CaseId }, ct);
            if (!found)
            {
                throw new NotFoundException("case", cmd.CaseId);
            }

            var trigger = cmd.Trigger;
            if (trigger.DpaId is { } dpaId && !await db.QuerySingleAsync<bool>("SELECT EXISTS (SELECT FROM dpas WHERE id = @dpaId)", new { dpaId }, ct))
            {
                throw new FluentValidation.ValidationException([new("dpaId", "No authority with this id.")]);
            }

            // The registry says which Landgericht lies below which Oberlandesgericht, so the check needs the database.
            if (trigger.Court is { } court && await UrgencyWindows.AtCourtAsync(db, court, ct) is null)
            {
                throw new FluentValidation.ValidationException([new("court", $"No Oberlandesgericht or Landgericht with the code '{court}': one of "
                    + "GET /v1/organisation/urgency-windows, or a Landgericht of GET /v1/courts?kind=regional_court (the window of the Oberlandesgericht "
                    + "above it applies); left out, the shortest window.")]);
            }

            Jurisdiction.TryParse(trigger.CourtJurisdiction, out var place);
            var kind = SnakeCase.From(trigger.Kind);
            await timeline.AppendAsync(cmd.CaseId, "deadline.trigger_recorded", $"Recorded: {kind.Replace('_', ' ')} on {trigger.OccurredOn:yyyy-MM-dd}.", "case",
                cmd.CaseId, occurredAt: DeadlineKeeper.InstantOf(trigger.OccurredOn), details: trigger, ct: ct);
            return await chains.OnTriggerAsync(trigger.Kind, new TriggerContext(cmd.CaseId, trigger.OccurredOn)
            {
                Court = trigger.Court, CourtJurisdiction = place, PronouncedOn = trigger.PronouncedOn, DpaId = trigger.DpaId,
            }, ct);
        }
    }

    internal static void Map(RouteGroupBuilder cases) => cases.MapPost("{caseId}/deadline-triggers", async (Guid caseId, Body body, IMediator mediator, CancellationToken ct) =>
            Results.Json(await mediator.Send(new Command(caseId, body), ct), statusCode: StatusCodes.Status201Created))
        .RequireAuthorization(Policies.Write)
        .WithName("RecordDeadlineTrigger")
        .WithSummary("Record an event that sets deadlines")
        .WithDescription("""
            Records an event on the case and opens every deadline that follows from it, each with its `rule` from `GET /v1/deadline-rules`
            and a `computation` citing the provision; ends (meets or waives) those it makes moot. `infringement_known`: the urgency window
            for a preliminary injunction (UWG § 12(1); per `court`: the organisation's window from `GET /v1/organisation/urgency-windows`,
            else the court's practice; at a Landgericht those of the Oberlandesgericht above it; one month when none is named; no § 193 shift) and limitation (UWG § 11:
            six months). `preliminary_injunction_applied`: meets the urgency window. `judgment_served` (with `pronouncedOn`): appeal (ZPO § 517:
            one month, a Notfrist) and grounds (ZPO § 520(2): two months), both beginning five months after pronouncement at the latest.
            `injunction_order_issued`: enforcement within one month (ZPO § 929(2)). `dpa_decision_received`: the action within one month
            (VwGO § 74(1) sentence 2, BDSG § 20). `representative_hearing_closed`: the register closes three weeks later (VDuG § 46, never moved
            off a weekend or holiday). `settlement_published`: registered consumers may leave the settlement within one month of its publication in
            the register (VDuG § 10(1)). Holidays are those of `courtJurisdiction` (or the authority's seat), else the organisation's.
            """)
        .Produces<ChainResult>(StatusCodes.Status201Created);
}
