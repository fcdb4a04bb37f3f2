using System.Globalization;
using CaseApi.Features.Correspondence;
using CaseApi.Features.Deadlines;
using CaseApi.Features.Events;
using CaseApi.Features.Timeline;
using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Mediation;
using FluentValidation;
using MediatR;

namespace CaseApi.Features.Obligations;

public static class RecordBreach
{
    /// <summary>A breach of the defendant's declaration to cease and desist.</summary>
    public sealed record Body
    {
        /// <summary>The day of the breach.</summary>
        /// <example>2025-06-03</example>
        public required DateOnly OccurredOn { get; init; }

        /// <summary>The day the organisation learnt of it and of who committed it (BGB § 199(1) no. 2); the day of the breach when left out.</summary>
        /// <example>2025-06-10</example>
        public DateOnly? KnownOn { get; init; }

        /// <summary>What happened.</summary>
        /// <example>The banner of the 12 May declaration was online again on 3 June 2025.</example>
        public required string Description { get; init; }
    }

    public sealed record Command(Guid ObligationId, Body Breach) : ICommand<ObligationDto>;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator(TimeProvider clock)
        {
            RuleFor(c => c.Breach.Description).NotEmpty().IsShortText(4000);
            RuleFor(c => c.Breach.OccurredOn).Must(day => day <= DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime.AddDays(1)))
                .WithMessage("Must not lie in the future.");
            RuleFor(c => c.Breach.KnownOn).Must((c, known) => known is null || known >= c.Breach.OccurredOn)
                .WithMessage("One cannot learn of a breach before it happens.");
            RuleFor(c => c.Breach.KnownOn).Must(day => day is null || day <= DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime.AddDays(1)))
                .WithMessage("Must not lie in the future.");
        }
    }

    internal sealed class Handler(DbSession db, DeadlineKeeper keeper, TimelineWriter timeline, EventWriter events, TimeProvider clock)
        : IRequestHandler<Command, ObligationDto>
    {
        public async Task<ObligationDto> Handle(Command cmd, CancellationToken ct)
        {
            var obligation = await ObligationReader.LoadAsync(db, cmd.ObligationId, ct, forUpdate: true) ?? throw new NotFoundException("obligation", cmd.ObligationId);
            if (cmd.Breach.OccurredOn < obligation.SignedOn)
            {
                throw new ValidationException([new("occurredOn", $"The declaration was given on {obligation.SignedOn:yyyy-MM-dd}; a breach comes after it.")]);
            }

            var knownOn = cmd.Breach.KnownOn ?? cmd.Breach.OccurredOn;
            var deadline = await OpenLimitationAsync(obligation, cmd.Breach.OccurredOn, knownOn, ct);
            var now = clock.GetUtcNow();
            var id = Guid.CreateVersion7(now);
            await db.ExecuteAsync("""
                INSERT INTO obligation_breaches (id, organisation_id, obligation_id, occurred_on, known_on, description, deadline_id, created_at)
                VALUES (@id, current_organisation_id(), @ObligationId, @OccurredOn, @knownOn, @Description, @deadlineId, @now);
                UPDATE defendant_obligations SET version = version + 1, updated_at = @now WHERE id = @ObligationId AND organisation_id = current_organisation_id();
                """, new { id, cmd.ObligationId, cmd.Breach.OccurredOn, knownOn, cmd.Breach.Description, deadlineId = deadline.Id, now }, ct);
            await timeline.AppendAsync(obligation.CaseId, "obligation.breached", $"Breach of the declaration to cease and desist on {cmd.Breach.OccurredOn:yyyy-MM-dd}: {cmd.Breach.Description}",
                "obligation", obligation.Id, occurredAt: DeadlineKeeper.InstantOf(cmd.Breach.OccurredOn), details: new { breachId = id, knownOn, deadlineId = deadline.Id }, ct: ct);
            var breached = (await ObligationReader.LoadAsync(db, obligation.Id, ct))!;
            await events.AppendAsync("obligation.breached", "obligation", obligation.Id, breached, ct);
            return breached;
        }

        /// <summary>
        /// BGB §§ 195, 199(1): three years from the end of the year in which the claim arose (forfeited by the breach, § 339 sentence 2) and the creditor
        /// learnt of it; knowledge comes on or after the breach, so its year is the later one. Counted from 31 December with §§ 187(1), 188(2), and
        /// § 193 by analogy (BGH WM 1978, 461).
        /// </summary>
        private async Task<DeadlineDto> OpenLimitationAsync(ObligationDto obligation, DateOnly occurredOn, DateOnly knownOn, CancellationToken ct)
        {
            var rule = DeadlineRuleCatalogue.Get(DeadlineRuleCatalogue.PenaltyLimitation);
            var yearEnd = new DateOnly(knownOn.Year, 12, 31);
            var rules = await keeper.RulesAsync(ct);
            var due = rules.FromPeriod(DeadlineKeeper.InstantOf(yearEnd), rule.ParsedPeriod!, rule.Counting);
            var hamburg = obligation.Penalty.Kind == PenaltyKind.HamburgerBrauch
                ? " Under \"Hamburger Brauch\" limitation begins only once the organisation has fixed the amount (BGB § 315(1); BGH I ZR 141/21, 27 October 2022): "
                    + "this is the earliest end, if the amount is fixed in the year of knowledge; fixed later, the year of fixing counts."
                : "";
            var why = $"BGB §§ 195, 199(1): the penalty claim for the breach on {Iso(occurredOn)} (BGB § 339 sentence 2), known on {Iso(knownOn)}, becomes time-barred "
                + $"three years from the end of {knownOn.Year}; § 193 applies by analogy (BGH WM 1978, 461).{hamburg}";
            return await keeper.OpenAsync(new NewDeadline(obligation.CaseId, DeadlineKind.Procedural, due with { Computation = $"{why} {due.Computation}" },
                rule.Period, DefendantId: obligation.DefendantId, Rule: rule.Code), rules, ct);
        }

        private static string Iso(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    }

    internal static void Map(RouteGroupBuilder obligations) => obligations.MapPost("{id}/breaches", async (Guid id, Body body, IMediator mediator, HttpContext http, CancellationToken ct) =>
            EntityTags.Ok(http, await mediator.Send(new Command(id, body), ct)))
        .RequireAuthorization(Policies.Write)
        .WithName("RecordObligationBreach")
        .WithSummary("Record a breach of a defendant's obligation")
        .WithDescription("""
            Records a breach of a declaration to cease and desist and starts the contractual-penalty claim: a deadline of rule `bgb.penalty_limitation_195`
            (BGB §§ 195, 199(1): three years from the end of the year the organisation learnt of the breach). Returns the obligation with its breaches.
            """)
        .Produces<ObligationDto>();
}
