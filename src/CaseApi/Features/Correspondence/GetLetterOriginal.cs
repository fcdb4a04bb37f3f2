using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Mediation;
using MediatR;

namespace CaseApi.Features.Correspondence;

public static class GetLetterOriginal
{
    public sealed record Query(Guid LetterId) : IQuery<Original>;

    public sealed record Original
    {
        public required byte[] Content { get; init; }

        public required byte[] Sha256 { get; init; }
    }

    internal sealed class Handler(DbSession db) : IRequestHandler<Query, Original>
    {
        public async Task<Original> Handle(Query query, CancellationToken ct) =>
            await db.QuerySingleOrDefaultAsync<Original>("""
                SELECT content, sha256 FROM letter_originals WHERE letter_id = @LetterId AND organisation_id = current_organisation_id()
                """, query, ct)
            ?? throw new NotFoundException("original message of letter", query.LetterId);
    }

    /// <summary>The message as a download named after its letter or inbox message, with its digest.</summary>
    internal static IResult File(HttpContext http, Guid id, Original original)
    {
        http.Response.Headers["Repr-Digest"] = $"sha-256=:{Convert.ToBase64String(original.Sha256)}:";
        return Results.File(original.Content, "message/rfc822", $"{id}.eml");
    }

    internal static void Map(RouteGroupBuilder letters) => letters.MapGet("{id}/original", async (Guid id, IMediator mediator, HttpContext http, CancellationToken ct) =>
            File(http, id, await mediator.Send(new Query(id), ct)))
        .WithName("GetLetterOriginal")
        .WithSummary("Download the e-mail a letter was imported from")
        .WithDescription("The message as imported, byte for byte (`.eml`), with `Repr-Digest` (SHA-256). 404 for a letter not imported from an e-mail.")
        .Produces(StatusCodes.Status200OK, typeof(byte[]), "message/rfc822");
}
