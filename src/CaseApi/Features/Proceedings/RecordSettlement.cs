using CaseApi.Features.Deadlines;
using CaseApi.Features.Events;
using CaseApi.Features.Timeline;
using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Mediation;
using FluentValidation;
using MediatR;

namespace CaseApi.Features.Proceedings;

public static class RecordSettlement
{
    /// <summary>A court settlement in a representative action (VDuG § 9).</summary>
    public sealed record Body
    {
        /// <summary>The day the court approved it (VDuG § 9(2)).</summary>
        /// <example>2025-08-28</example>
        public required DateOnly ApprovedOn { get; init; }

        /// <summary>The day it was served on the parties, where known.</summary>
        /// <example>2025-09-01</example>
        public DateOnly? ServedOn { get; init; }

        /// <summary>The day it was published (bekanntgegeben) in the Verbandsklageregister: the opt-out period runs from it (VDuG § 10(1) sentence 2).</summary>
        /// <example>2025-09-04</example>
        public required DateOnly PublishedOn { get; init; }

        /// <summary>What was agreed.</summary>
        /// <example>EUR 120 per registered consumer, paid within three months.</example>
        public string? Summary { get; init; }
    }

    /// <summary>The settlement, and the opt-out deadline it opened.</summary>
    public sealed record Result
    {
        /// <summary>The settlement.</summary>
        public required SettlementDto Settlement { get; init; }

        /// <summary>The deadline for registered consumers to leave it (VDuG § 10(1)), with its computation.</summary>
        public required DeadlineDto OptOutDeadline { get; init; }
    }

    public sealed record Command(Guid ProceedingId, Body Settlement) : ICommand<Result>;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator(TimeProvider clock)
        {
            RuleFor(c => c.Settlement.ApprovedOn).NotEmpty();
            RuleFor(c => c.Settlement.PublishedOn).NotEmpty()
                .Must(day => day <= DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime).AddDays(1))
                .WithMessage("Must not lie in the future: record the settlement once the register published it.")
                .Must((c, day) => day >= c.Settlement.ApprovedOn)
                .WithMessage("The register publishes a settlement the court approved: not before approvedOn.");
            RuleFor(c => c.Settlement.ServedOn).Must((c, day) => day is null || day >= c.Settlement.ApprovedOn)
                .WithMessage("Must not lie before approvedOn.");
            RuleFor(c => c.Settlement.Summary).NotEmpty().IsShortText(2000);
        }
    }

    internal sealed class Handler(DbSession db, TimelineWriter timeline, EventWriter events, DeadlineChains chains, TimeProvider clock)
        : IRequestHandler<Command, Result>
    {
        public async Task<Result> Handle(Command cmd, CancellationToken ct)
        {
            var proceeding = await RepresentativeReader.ProceedingAsync(db, cmd.ProceedingId, ct, forUpdate: true);
            var body = cmd.Settlement;
            // VDuG § 9(1) sentence 2: no settlement before the register has closed (§ 46(1)); checked where the closing day is known.
            var closesOn = (await RepresentativeReader.LoadAsync(db, proceeding, ct)).RegisterClosesOn;
            if (closesOn is { } closing && body.ApprovedOn <= closing)
            {
                throw new ConflictException("settlement_before_register_closed",
                    $"The register closes at the end of {closing:yyyy-MM-dd}; a settlement cannot be concluded before then (VDuG § 9(1) sentence 2 with § 46(1)).");
            }

            var opened = await chains.OnTriggerAsync(TriggerKind.SettlementPublished,
                await ProceedingReader.TriggerContextAsync(db, proceeding, body.PublishedOn, ct), ct);
            var deadline = opened.Created.Single();
            var now = clock.GetUtcNow();
            var settlement = await db.QuerySingleAsync<SettlementDto>($"""
                INSERT INTO representative_settlements (id, organisation_id, proceeding_id, approved_on, served_on, published_on, summary, opt_out_deadline_id, recorded_at)
                VALUES (@id, current_organisation_id(), @ProceedingId, @ApprovedOn, @ServedOn, @PublishedOn, @Summary, @deadlineId, @now)
                RETURNING {SettlementDto.Columns}
                """, new { id = Guid.CreateVersion7(now), cmd.ProceedingId, body.ApprovedOn, body.ServedOn, body.PublishedOn, body.Summary, deadlineId = deadline.Id, now }, ct);
            await timeline.AppendAsync(proceeding.CaseId, "proceeding.settlement_recorded",
                $"Court settlement approved on {body.ApprovedOn:yyyy-MM-dd}, published {body.PublishedOn:yyyy-MM-dd}; consumers may opt out until {deadline.DueDate:yyyy-MM-dd}.",
                "proceeding", proceeding.Id, occurredAt: new DateTimeOffset(body.PublishedOn.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero),
                details: new { settlementId = settlement.Id, optOutDeadlineId = deadline.Id }, ct: ct);
            await events.AppendAsync("proceeding.settlement_recorded", "proceeding", proceeding.Id, settlement, ct);
            return new Result { Settlement = settlement, OptOutDeadline = deadline };
        }
    }

    internal static void Map(RouteGroupBuilder proceedings) => proceedings.MapPost("{id}/settlements", async (Guid id, Body body, IMediator mediator, CancellationToken ct) =>
        {
            var result = await mediator.Send(new Command(id, body), ct);
            return Results.Created($"/v1/proceedings/{id}/settlements", result);
        })
        .RequireAuthorization(Policies.Write)
        .WithName("RecordSettlement")
        .WithSummary("Record a court settlement in a representative action")
        .WithDescription("""
            Records a settlement the court approved (VDuG § 9) and opens the deadline for registered consumers to leave it: one month from its
            publication in the Verbandsklageregister (`publishedOn`), declared to the Federal Office of Justice (VDuG § 10(1); rule
            `vdug.settlement_opt_out_10`, BGB §§ 187(1), 188(2), 193, holidays of the court's seat). Where the register's closing day is known, a
            settlement approved on or before it is refused with 409 `settlement_before_register_closed` (VDuG § 9(1) sentence 2).
            """)
        .Produces<Result>(StatusCodes.Status201Created);
}
