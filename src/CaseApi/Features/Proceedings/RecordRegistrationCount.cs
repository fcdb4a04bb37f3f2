using CaseApi.Features.Events;
using CaseApi.Features.Timeline;
using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Mediation;
using FluentValidation;
using MediatR;

namespace CaseApi.Features.Proceedings;

public static class RecordRegistrationCount
{
    /// <summary>How many consumers the register shows on a day. A number, never who they are.</summary>
    public sealed record Body
    {
        /// <summary>The day the register showed the count.</summary>
        /// <example>2025-07-01</example>
        public required DateOnly CountedOn { get; init; }

        /// <summary>Consumers registered.</summary>
        /// <example>1234</example>
        public required int Registered { get; init; }

        /// <summary>Where the number comes from.</summary>
        /// <example>Bundesamt für Justiz, Verbandsklageregister</example>
        public string? Source { get; init; }
    }

    public sealed record Command(Guid ProceedingId, Body Count) : ICommand<RegistrationCountDto>;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator(TimeProvider clock)
        {
            RuleFor(c => c.Count.CountedOn).NotEmpty()
                .Must(day => day <= DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime).AddDays(1))
                .WithMessage("Must not lie in the future: record a count once the register shows it.");
            RuleFor(c => c.Count.Registered).GreaterThanOrEqualTo(0);
            RuleFor(c => c.Count.Source).NotEmpty().IsShortText();
        }
    }

    internal sealed class Handler(DbSession db, TimelineWriter timeline, EventWriter events, TimeProvider clock) : IRequestHandler<Command, RegistrationCountDto>
    {
        public async Task<RegistrationCountDto> Handle(Command cmd, CancellationToken ct)
        {
            var proceeding = await RepresentativeReader.ProceedingAsync(db, cmd.ProceedingId, ct);
            var now = clock.GetUtcNow();
            var count = await db.QuerySingleAsync<RegistrationCountDto>($"""
                INSERT INTO representative_registrations (id, organisation_id, proceeding_id, counted_on, registered, source, recorded_at)
                VALUES (@id, current_organisation_id(), @ProceedingId, @CountedOn, @Registered, @Source, @now)
                RETURNING {RegistrationCountDto.Columns}
                """, new { id = Guid.CreateVersion7(now), cmd.ProceedingId, cmd.Count.CountedOn, cmd.Count.Registered, cmd.Count.Source, now }, ct);
            await timeline.AppendAsync(proceeding.CaseId, "proceeding.registrations_counted", $"{count.Registered} consumers registered ({count.Source}).",
                "proceeding", proceeding.Id, occurredAt: new DateTimeOffset(count.CountedOn.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero),
                details: new { countId = count.Id, count.Registered, count.Source }, ct: ct);
            await events.AppendAsync("proceeding.registrations_counted", "proceeding", proceeding.Id, count, ct);
            return count;
        }
    }

    internal static void Map(RouteGroupBuilder proceedings) => proceedings.MapPost("{id}/registrations", async (Guid id, Body body, IMediator mediator, CancellationToken ct) =>
        {
            var count = await mediator.Send(new Command(id, body), ct);
            return Results.Created($"/v1/proceedings/{id}/registrations", count);
        })
        .RequireAuthorization(Policies.Write)
        .WithName("RecordRegistrationCount")
        .WithSummary("Record how many consumers are registered")
        .WithDescription("""
            Records the number of consumers registered for the action on a day, as the Federal Office of Justice's Verbandsklageregister shows it
            (VDuG §§ 43, 46), with its source. Numbers only: no personal data. The latest count (by `countedOn`) is set against the threshold of
            VDuG § 4(1) in `GET /v1/proceedings/{id}/representative`.
            """)
        .Produces<RegistrationCountDto>(StatusCodes.Status201Created);
}
