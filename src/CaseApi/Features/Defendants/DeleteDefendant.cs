using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Mediation;
using MediatR;
using Npgsql;

namespace CaseApi.Features.Defendants;

public static class DeleteDefendant
{
    public sealed record Command(Guid Id) : ICommand<MediatR.Unit>;

    internal sealed class Handler(DbSession db) : IRequestHandler<Command, MediatR.Unit>
    {
        public async Task<MediatR.Unit> Handle(Command cmd, CancellationToken ct)
        {
            try
            {
                var deleted = await db.ExecuteAsync("DELETE FROM defendants WHERE id = @Id AND organisation_id = current_organisation_id()", cmd, ct);
                return deleted == 1 ? MediatR.Unit.Value : throw new NotFoundException("defendant", cmd.Id);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ForeignKeyViolation)
            {
                // The references are the constraint (no check-then-delete race); the failed statement ends the transaction.
                throw new ConflictException("defendant_in_use", $"Defendant {cmd.Id} is named in a case or complaint; remove it there first.");
            }
        }
    }

    internal static void Map(RouteGroupBuilder defendants) => defendants.MapDelete("{id}", async (Guid id, IMediator mediator, CancellationToken ct) =>
        {
            await mediator.Send(new Command(id), ct);
            return Results.NoContent();
        })
        .RequireAuthorization(Policies.Write)
        .WithName("DeleteDefendant")
        .WithSummary("Delete a defendant")
        .WithDescription("Deletes a defendant that no case or complaint names (409 otherwise).")
        .Produces(StatusCodes.Status204NoContent);
}
