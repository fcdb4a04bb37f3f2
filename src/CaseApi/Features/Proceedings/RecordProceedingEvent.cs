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

namespace CaseApi.Features.Proceedings;

public static class RecordProceedingEvent
{
    /// <summary>Something that happened in the proceeding.</summary>
    public sealed record Body
    {
        /// <summary>What happened.</summary>
        /// <example>decision_pronounced</example>
        public required ProceedingEventKind Kind { get; init; }

        /// <summary>The day it happened (for <c>hearing_scheduled</c>: the day the court set the hearing).</summary>
        /// <example>2025-05-23</example>
        public required DateOnly OccurredOn { get; init; }

        /// <summary>Required for <c>hearing_scheduled</c>, refused otherwise: when the hearing begins.</summary>
        public DateTimeOffset? HearingAt { get; init; }

        /// <summary>Only for <c>hearing_scheduled</c>: where (courtroom, address).</summary>
        /// <example>Saal 201, Reichenspergerplatz 1, 50670 Köln</example>
        public string? Place { get; init; }

        /// <summary>Required for <c>decision_pronounced</c>, refused otherwise: what the court decided.</summary>
        /// <example>rejected</example>
        public CourtOutcome? Outcome { get; init; }

        /// <summary>Only for <c>decision_pronounced</c>: the European Case Law Identifier, where the court assigned one.</summary>
        /// <example>ECLI:EU:C:2023:537</example>
        public string? Ecli { get; init; }

        /// <summary>Required for <c>decision_pronounced</c>, refused otherwise: whether an appeal or further remedy lies against it.</summary>
        /// <example>false</example>
        public bool? Appealable { get; init; }

        /// <summary>A note.</summary>
        public string? Note { get; init; }
    }

    /// <summary>The event recorded, and the proceeding as it is after it.</summary>
    public sealed record Result : IVersioned
    {
        /// <summary>The event.</summary>
        public required ProceedingEventDto Event { get; init; }

        /// <summary>The proceeding after the event: its status and decision follow from the events.</summary>
        public required ProceedingDto Proceeding { get; init; }

        /// <summary>The proceeding's version (its ETag).</summary>
        public int Version => Proceeding.Version;
    }

    public sealed record Command(Guid ProceedingId, Body Event) : ICommand<Result>;

    /// <summary>ECLI syntax (Council conclusions 2011/C 127/01, Annex 1): ECLI, country, court, year, ordinal, colon-separated.</summary>
    internal const string EcliPattern = "^ECLI:[A-Z]{2}:[A-Z0-9.]{1,7}:[0-9]{4}:[A-Z0-9.]{1,25}$";

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.Event.Kind).IsInEnum();
            RuleFor(c => c.Event.OccurredOn).NotEmpty();
            RuleFor(c => c.Event.HearingAt).NotNull().When(c => c.Event.Kind == ProceedingEventKind.HearingScheduled)
                .WithMessage("A hearing_scheduled event says when the hearing begins.");
            RuleFor(c => c.Event.HearingAt).Null().When(c => c.Event.Kind != ProceedingEventKind.HearingScheduled)
                .WithMessage("Only a hearing_scheduled event has a hearing time.");
            RuleFor(c => c.Event.Place).Null().When(c => c.Event.Kind != ProceedingEventKind.HearingScheduled)
                .WithMessage("Only a hearing_scheduled event has a place.");
            RuleFor(c => c.Event.Place).NotEmpty().When(c => c.Event.Place is not null).IsShortText();
            RuleFor(c => c.Event.Outcome).NotNull().When(c => c.Event.Kind == ProceedingEventKind.DecisionPronounced)
                .WithMessage("A decision_pronounced event says what the court decided.");
            RuleFor(c => c.Event.Outcome).IsInEnum();
            RuleFor(c => c.Event.Appealable).NotNull().When(c => c.Event.Kind == ProceedingEventKind.DecisionPronounced)
                .WithMessage("A decision_pronounced event says whether an appeal lies.");
            RuleFor(c => new { c.Event.Outcome, c.Event.Appealable, c.Event.Ecli }).Must(d => d.Outcome is null && d.Appealable is null && d.Ecli is null)
                .When(c => c.Event.Kind != ProceedingEventKind.DecisionPronounced)
                .WithMessage("Only a decision_pronounced event has an outcome, an ECLI and appealability.").OverridePropertyName("outcome");
            RuleFor(c => c.Event.Ecli).Matches(EcliPattern)
                .WithMessage("Must be a European Case Law Identifier, e.g. ECLI:EU:C:2023:537.");
            RuleFor(c => c.Event.Note).NotEmpty().When(c => c.Event.Note is not null).IsShortText(2000);
        }
    }

    internal sealed class Handler(DbSession db, TimelineWriter timeline, EventWriter events, DeadlineChains chains, TimeProvider clock)
        : IRequestHandler<Command, Result>
    {
        public async Task<Result> Handle(Command cmd, CancellationToken ct)
        {
            var current = await ProceedingReader.LoadAsync(db, cmd.ProceedingId, ct, forUpdate: true)
                ?? throw new NotFoundException("proceeding", cmd.ProceedingId);
            if (current.Status == ProceedingStatus.Final)
            {
                throw new ConflictException("proceeding_final", $"Proceeding {cmd.ProceedingId} is final; a further instance is a proceeding of its own.");
            }

            var body = cmd.Event;
            var now = clock.GetUtcNow();
            var outcome = body.Outcome is { } o ? SnakeCase.From(o) : null;
            var recorded = await db.QuerySingleAsync<ProceedingEventDto>($"""
                INSERT INTO proceeding_events (id, organisation_id, proceeding_id, kind, occurred_on, hearing_at, place, outcome, ecli, appealable, note, recorded_at)
                VALUES (@id, current_organisation_id(), @ProceedingId, @kind, @OccurredOn, @HearingAt, @Place, @outcome, @Ecli, @Appealable, @Note, @now)
                RETURNING {ProceedingEventDto.Columns}
                """,
                new
                {
                    id = Guid.CreateVersion7(now), cmd.ProceedingId, kind = SnakeCase.From(body.Kind), body.OccurredOn, body.HearingAt, body.Place,
                    outcome, body.Ecli, body.Appealable, body.Note, now,
                },
                ct);

            // The status follows the events: filing makes a prepared proceeding pending, a decision decides it (the latest
            // decision counts: a settlement after a partial judgment replaces it), finality ends it.
            var decision = body.Kind == ProceedingEventKind.DecisionPronounced;
            await db.ExecuteAsync("""
                UPDATE proceedings SET
                    status = CASE @kind WHEN 'filed' THEN CASE status WHEN 'preparing' THEN 'pending' ELSE status END
                                        WHEN 'decision_pronounced' THEN 'decided'
                                        WHEN 'final' THEN 'final'
                                        ELSE status END,
                    decision_outcome = CASE WHEN @decision THEN @outcome ELSE decision_outcome END,
                    decided_on = CASE WHEN @decision THEN @OccurredOn ELSE decided_on END,
                    ecli = CASE WHEN @decision THEN @Ecli ELSE ecli END,
                    appealable = CASE WHEN @decision THEN @Appealable ELSE appealable END,
                    version = version + 1, updated_at = @now
                WHERE id = @ProceedingId AND organisation_id = current_organisation_id()
                """,
                new
                {
                    cmd.ProceedingId, kind = SnakeCase.From(body.Kind), decision, outcome,
                    body.OccurredOn, body.Ecli, body.Appealable, now,
                },
                ct);
            var proceeding = (await ProceedingReader.LoadAsync(db, cmd.ProceedingId, ct))!;
            await ProceedingEventRecordedAsync(proceeding, recorded, ct);
            return new Result { Event = recorded, Proceeding = proceeding };
        }

        /// <summary>
        /// Everything that follows from a recorded event, in the same transaction: the deadlines it starts or ends (issue 13
        /// point 2, <see cref="ChainTrigger.For"/>), the case timeline, the change feed and webhooks.
        /// </summary>
        private async Task ProceedingEventRecordedAsync(ProceedingDto proceeding, ProceedingEventDto recorded, CancellationToken ct)
        {
            var trigger = ChainTrigger.For(proceeding, recorded);
            await timeline.AppendAsync(proceeding.CaseId, $"proceeding.{SnakeCase.From(recorded.Kind)}", Summary(recorded), "proceeding", proceeding.Id,
                occurredAt: recorded.HearingAt ?? new DateTimeOffset(recorded.OccurredOn.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero),
                details: new
                {
                    eventId = recorded.Id, fileNumber = proceeding.FileNumber, outcome = recorded.Outcome, ecli = recorded.Ecli,
                    chainTrigger = trigger is { } kind ? SnakeCase.From(kind) : null
                }, ct: ct);
            if (trigger is { } chain)
            {
                await chains.OnTriggerAsync(chain, (await ProceedingReader.TriggerContextAsync(db, proceeding, recorded.OccurredOn, ct))
                    with
                { PronouncedOn = proceeding.Decision?.DecidedOn }, ct);
            }

            await events.AppendAsync("proceeding.event_recorded", "proceeding", proceeding.Id, recorded, ct);
        }

        private static string Summary(ProceedingEventDto recorded) => recorded.Kind switch
        {
            ProceedingEventKind.Filed => "Filed with the court.",
            ProceedingEventKind.Served => "Served on the other side.",
            ProceedingEventKind.HearingScheduled => "Hearing scheduled.",
            ProceedingEventKind.HearingHeld => "Hearing held.",
            ProceedingEventKind.DecisionPronounced => $"Decision pronounced: {SnakeCase.From(recorded.Outcome!.Value).Replace('_', ' ')}.",
            ProceedingEventKind.DecisionServed => "Decision served.",
            _ => "Decision final.",
        };
    }

    internal static void Map(RouteGroupBuilder proceedings) => proceedings.MapPost("{id}/events", async (Guid id, Body body, IMediator mediator, HttpContext http, CancellationToken ct) =>
        {
            var result = await mediator.Send(new Command(id, body), ct);
            return EntityTags.Created(http, $"/v1/proceedings/{id}/events", result);
        })
        .RequireAuthorization(Policies.Write)
        .WithName("RecordProceedingEvent")
        .WithSummary("Record an event in a proceeding")
        .WithDescription("""
            Records what happened: `filed` (a `preparing` proceeding becomes `pending`), `served`, `hearing_scheduled` (with `hearingAt` and
            `place`; the hearing appears in the calendar feed), `hearing_held`, `decision_pronounced` (with `outcome`, `appealable` and the
            `ecli` where there is one; the proceeding becomes `decided` and carries the decision), `decision_served`, and `final`. A final
            proceeding takes no more events (409 `proceeding_final`). Answers with the event and the proceeding after it, whose ETag it sends.
            """)
        .Produces<Result>(StatusCodes.Status201Created);
}

/// <summary>
/// Which deadline chain (issue 13 point 2) an event in a proceeding starts. Only names the trigger; computing the deadlines
/// is the chain service's.
/// </summary>
internal static class ChainTrigger
{
    public static TriggerKind? For(ProceedingDto proceeding, ProceedingEventDto recorded) => (proceeding.Kind, recorded.Kind) switch
    {
        // An application for a preliminary injunction ends the urgency window it had to meet (UWG § 12(1)).
        (ProceedingKind.PreliminaryInjunction, ProceedingEventKind.Filed) => TriggerKind.PreliminaryInjunctionApplied,
        // ZPO §§ 922, 936: an injunction granted by order (Beschlussverfügung) is to be served by the applicant within a
        // month of its issue (ZPO § 929(2)); the order's pronouncement is the trigger.
        (ProceedingKind.PreliminaryInjunction, ProceedingEventKind.DecisionPronounced)
            when recorded.Outcome is CourtOutcome.Granted or CourtOutcome.PartiallyGranted => TriggerKind.InjunctionOrderIssued,
        // VDuG § 46(1): consumers may register for a redress or model declaratory action until three weeks after the end of
        // the last oral hearing.
        (ProceedingKind.RedressAction or ProceedingKind.ModelDeclaratoryAction, ProceedingEventKind.HearingHeld) => TriggerKind.RepresentativeHearingClosed,
        // ZPO §§ 517, 548; VwGO §§ 124a, 139: appeal periods run from service of the judgment, and only where an appeal lies
        // (the decision says so): no period opens for a decision that is final when pronounced.
        (_, ProceedingEventKind.DecisionServed) when proceeding.Decision is { Appealable: true } => TriggerKind.JudgmentServed,
        _ => null,
    };
}
