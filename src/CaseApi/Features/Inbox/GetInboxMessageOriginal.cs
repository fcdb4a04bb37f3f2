using CaseApi.Features.Correspondence;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Mediation;
using MediatR;

namespace CaseApi.Features.Inbox;

public static class GetInboxMessageOriginal
{
    public sealed record Query(Guid Id) : IQuery<GetLetterOriginal.Original>;

    private sealed record Kept
    {
        public byte[]? Content { get; init; }

        public required byte[] Sha256 { get; init; }
    }

    internal sealed class Handler(DbSession db) : IRequestHandler<Query, GetLetterOriginal.Original>
    {
        public async Task<GetLetterOriginal.Original> Handle(Query query, CancellationToken ct)
        {
            var kept = await db.QuerySingleOrDefaultAsync<Kept>(
                "SELECT content, sha256 FROM inbox_messages WHERE id = @Id AND organisation_id = current_organisation_id()", query, ct)
                ?? throw new NotFoundException("inbox message", query.Id);
            return kept.Content is { } content
                ? new GetLetterOriginal.Original { Content = content, Sha256 = kept.Sha256 }
                : throw new ApiProblemException(StatusCodes.Status404NotFound, "not_found",
                    $"The e-mail of inbox message {query.Id} was erased with the personal data of someone it named (GDPR Art. 17).");
        }
    }

    internal static void Map(RouteGroupBuilder inbox) => inbox.MapGet("{id}/original", async (Guid id, IMediator mediator, HttpContext http, CancellationToken ct) =>
            GetLetterOriginal.File(http, id, await mediator.Send(new Query(id), ct)))
        .WithName("GetInboxMessageOriginal")
        .WithSummary("Download a message of the inbox")
        .WithDescription("""
            The message as read from the mailbox, byte for byte (`.eml`), with `Repr-Digest` (SHA-256); of a message beyond 40 MB, its header only
            (`reason` `refused` says so). 404 once erased with the personal data of someone it named (`DELETE /v1/complainants/{id}`).
            """)
        .Produces(StatusCodes.Status200OK, typeof(byte[]), "message/rfc822");
}
