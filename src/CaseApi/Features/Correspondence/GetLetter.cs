using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Mediation;
using MediatR;

namespace CaseApi.Features.Correspondence;

public static class GetLetter
{
    public sealed record Query(Guid Id) : IQuery<LetterDto>;

    internal sealed class Handler(DbSession db) : IRequestHandler<Query, LetterDto>
    {
        public async Task<LetterDto> Handle(Query query, CancellationToken ct) =>
            await LetterReader.LoadAsync(db, query.Id, ct) ?? throw new NotFoundException("letter", query.Id);
    }

    internal static void Map(RouteGroupBuilder letters) => letters.MapGet("{id}", async (Guid id, IMediator mediator, HttpContext http, CancellationToken ct) =>
            EntityTags.Ok(http, await mediator.Send(new Query(id), ct)))
        .WithName("GetLetter")
        .WithSummary("Get a letter")
        .WithDescription("One letter with its deadline, its attachments' metadata and its `ETag`.")
        .Produces<LetterDto>();
}
