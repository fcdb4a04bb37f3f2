using CaseApi.Features.Correspondence;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Mediation;
using MediatR;

namespace CaseApi.Features.Inbox;

public static class GetInboxMessageOriginal
{
    public sealed record Query(Guid Id) : IQuery<GetLetterOriginal.Original>;

    internal sealed class Handler(DbSession db) : IRequestHandler<Query, GetLetterOriginal.Original>
    {
        public async Task<GetLetterOriginal.Original> Handle(Query query, CancellationToken ct) =>
            await db.QuerySingleOrDefaultAsync<GetLetterOriginal.Original>(
                "SELECT content, sha256 FROM inbox_messages WHERE id = @Id AND organisation_id = current_organisation_id()", query, ct)
            ?? throw new NotFoundException("inbox message", query.Id);
    }

    internal static void Map(RouteGroupBuilder inbox) => inbox.MapGet("{id}/original", async (Guid id, IMediator mediator, HttpContext http, CancellationToken ct) =>
            GetLetterOriginal.File(http, id, await mediator.Send(new Query(id), ct)))
        .WithName("GetInboxMessageOriginal")
        .WithSummary("Download a message of the inbox")
        .WithDescription("""
            The message as read from the mailbox, byte for byte (`.eml`), with `Repr-Digest` (SHA-256); of a message beyond 40 MB, its header only
            (`reason` `refused` says so).
            """)
        .Produces(StatusCodes.Status200OK, typeof(byte[]), "message/rfc822");
}
