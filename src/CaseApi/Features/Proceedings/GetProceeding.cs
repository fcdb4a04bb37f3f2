using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Mediation;
using MediatR;

namespace CaseApi.Features.Proceedings;

public static class GetProceeding
{
    public sealed record Query(Guid Id) : IQuery<ProceedingDto>;

    internal sealed class Handler(DbSession db) : IRequestHandler<Query, ProceedingDto>
    {
        public async Task<ProceedingDto> Handle(Query query, CancellationToken ct) =>
            await ProceedingReader.LoadAsync(db, query.Id, ct) ?? throw new NotFoundException("proceeding", query.Id);
    }

    internal static void Map(RouteGroupBuilder proceedings) => proceedings.MapGet("{id}", async (Guid id, IMediator mediator, HttpContext http, CancellationToken ct) =>
            EntityTags.Ok(http, await mediator.Send(new Query(id), ct)))
        .WithName("GetProceeding")
        .WithSummary("Get a proceeding")
        .WithDescription("One proceeding with its parties and last decision, and its `ETag` for a later PATCH.")
        .Produces<ProceedingDto>();
}
