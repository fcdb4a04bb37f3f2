using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Mediation;
using MediatR;

namespace CaseApi.Features.Webhooks;

public static class DeleteWebhook
{
    public sealed record Command(Guid Id) : ICommand<MediatR.Unit>;

    internal sealed class Handler(DbSession db) : IRequestHandler<Command, MediatR.Unit>
    {
        public async Task<MediatR.Unit> Handle(Command cmd, CancellationToken ct)
        {
            // Its deliveries, their attempts and their work-list rows go with it (ON DELETE CASCADE).
            var deleted = await db.ExecuteAsync("DELETE FROM webhooks WHERE id = @Id AND organisation_id = current_organisation_id()", cmd, ct);
            return deleted == 1 ? MediatR.Unit.Value : throw new NotFoundException("webhook", cmd.Id);
        }
    }

    internal static void Map(RouteGroupBuilder webhooks) => webhooks.MapDelete("{id}", async (Guid id, IMediator mediator, CancellationToken ct) =>
        {
            await mediator.Send(new Command(id), ct);
            return Results.NoContent();
        })
        .WithName("DeleteWebhook")
        .WithSummary("Delete a webhook")
        .WithDescription("Stops deliveries at once and deletes the webhook with its delivery log.")
        .Produces(StatusCodes.Status204NoContent);
}
