using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Mediation;
using MediatR;

namespace CaseApi.Features.CalendarFeeds;

public static class RevokeCalendarFeed
{
    public sealed record Command(Guid Id) : ICommand<MediatR.Unit>;

    internal sealed class Handler(DbSession db, TimeProvider clock) : IRequestHandler<Command, MediatR.Unit>
    {
        public async Task<MediatR.Unit> Handle(Command cmd, CancellationToken ct) =>
            await db.ExecuteAsync(
                "UPDATE calendar_feeds SET revoked_at = coalesce(revoked_at, @now) WHERE id = @id AND organisation_id = current_organisation_id()",
                new { id = cmd.Id, now = clock.GetUtcNow() }, ct) == 1
                ? MediatR.Unit.Value
                : throw new NotFoundException("calendar feed", cmd.Id);
    }

    internal static void Map(RouteGroupBuilder feeds) => feeds.MapDelete("{id}", async (Guid id, IMediator mediator, CancellationToken ct) =>
        {
            await mediator.Send(new Command(id), ct);
            return Results.NoContent();
        })
        .RequireAuthorization(Policies.Write)
        .WithName("RevokeCalendarFeed")
        .WithSummary("Revoke a calendar feed")
        .WithDescription("The feed's URL stops working at once (401).")
        .Produces(StatusCodes.Status204NoContent);
}
