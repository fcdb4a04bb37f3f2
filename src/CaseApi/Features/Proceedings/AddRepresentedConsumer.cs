using CaseApi.Features.Timeline;
using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Mediation;
using FluentValidation;
using MediatR;

namespace CaseApi.Features.Proceedings;

public static class AddRepresentedConsumer
{
    /// <summary>A consumer the organisation advises in the action.</summary>
    public sealed record Body
    {
        /// <summary>Name.</summary>
        /// <example>Jane Doe</example>
        public string? Name { get; init; }

        /// <summary>E-mail address.</summary>
        /// <example>jane@example.org</example>
        public string? Email { get; init; }

        /// <summary>Postal address.</summary>
        public string? PostalAddress { get; init; }

        /// <summary>The day the consumer registered in the Verbandsklageregister, where known.</summary>
        public DateOnly? RegisteredOn { get; init; }
    }

    public sealed record Command(Guid ProceedingId, Body Consumer) : ICommand<RepresentedConsumerDto>;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.Consumer.Name).NotEmpty().IsShortText();
            RuleFor(c => c.Consumer.Email).EmailAddress().IsShortText(320).When(c => c.Consumer.Email is not null);
            RuleFor(c => c.Consumer.PostalAddress).NotEmpty().IsShortText(1000).When(c => c.Consumer.PostalAddress is not null);
        }
    }

    internal sealed class Handler(DbSession db, TimelineWriter timeline, TimeProvider clock) : IRequestHandler<Command, RepresentedConsumerDto>
    {
        public async Task<RepresentedConsumerDto> Handle(Command cmd, CancellationToken ct)
        {
            var proceeding = await RepresentativeReader.ProceedingAsync(db, cmd.ProceedingId, ct);
            var now = clock.GetUtcNow();
            var consumer = await db.QuerySingleAsync<RepresentedConsumerDto>($"""
                INSERT INTO represented_consumers (id, organisation_id, proceeding_id, name, email, postal_address, registered_on, created_at)
                VALUES (@id, current_organisation_id(), @ProceedingId, @Name, @Email, @PostalAddress, @RegisteredOn, @now)
                RETURNING {RepresentedConsumerDto.Columns}
                """, new { id = Guid.CreateVersion7(now), cmd.ProceedingId, cmd.Consumer.Name, cmd.Consumer.Email, cmd.Consumer.PostalAddress, cmd.Consumer.RegisteredOn, now }, ct);
            // The timeline and the change feed are read by keys that may not see personal data: the id only, and no event.
            await timeline.AppendAsync(proceeding.CaseId, "proceeding.consumer_added", "A consumer the organisation advises in the action was recorded.",
                "proceeding", proceeding.Id, details: new { consumerId = consumer.Id }, ct: ct);
            return consumer;
        }
    }

    internal static void Map(RouteGroupBuilder proceedings) => proceedings.MapPost("{id}/consumers", async (Guid id, Body body, IMediator mediator, CancellationToken ct) =>
        {
            var consumer = await mediator.Send(new Command(id, body), ct);
            return Results.Created($"/v1/proceedings/{id}/consumers", consumer);
        })
        .RequireAuthorization(Policies.PersonalData)
        .WithName("AddRepresentedConsumer")
        .WithSummary("Record a consumer the organisation advises in a representative action")
        .WithDescription("""
            Personal data, kept apart from the action like complainants: lawyer and admin keys only. Other keys see how many there are
            (`consumersKept` of the representative side). Erase with `DELETE /v1/represented-consumers/{id}`.
            """)
        .Produces<RepresentedConsumerDto>(StatusCodes.Status201Created);
}
