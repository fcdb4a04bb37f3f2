using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Mediation;
using MediatR;

namespace CaseApi.Features.ApiKeys;

public static class RevokeApiKey
{
    public sealed record Command(Guid Id) : ICommand<ApiKeyDto>;

    internal sealed class Handler(DbSession db, CallerContext caller, TimeProvider clock) : IRequestHandler<Command, ApiKeyDto>
    {
        public async Task<ApiKeyDto> Handle(Command cmd, CancellationToken ct)
        {
            if (cmd.Id == caller.ApiKeyId)
            {
                // An admin revoking the key it is using could lock the organisation out of its own API.
                throw new ConflictException("cannot_revoke_own_key", "A key cannot revoke itself; use another admin key.");
            }

            // Revoking twice keeps the first revocation time: DELETE is idempotent.
            var revoked = await db.QuerySingleOrDefaultAsync<ApiKeyDto>($"""
                UPDATE api_keys SET revoked_at = coalesce(revoked_at, @now)
                WHERE id = @id AND organisation_id = current_organisation_id()
                RETURNING {ApiKeyDto.Columns}
                """, new { id = cmd.Id, now = clock.GetUtcNow() }, ct);
            return revoked ?? throw new NotFoundException("API key", cmd.Id);
        }
    }

    internal static void Map(RouteGroupBuilder keys) => keys.MapDelete("{id}", async (Guid id, IMediator mediator, CancellationToken ct) =>
        {
            await mediator.Send(new Command(id), ct);
            return Results.NoContent();
        })
        .WithName("RevokeApiKey")
        .WithSummary("Revoke an API key")
        .WithDescription("The key stops working at once. The record stays, so that the audit trail can still name the key.")
        .Produces(StatusCodes.Status204NoContent);
}
