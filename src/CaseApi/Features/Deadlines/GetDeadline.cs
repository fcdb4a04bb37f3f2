using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Mediation;
using MediatR;

namespace CaseApi.Features.Deadlines;

public static class GetDeadline
{
    public sealed record Query(Guid Id) : IQuery<DeadlineDto>;

    internal sealed class Handler(DbSession db) : IRequestHandler<Query, DeadlineDto>
    {
        public async Task<DeadlineDto> Handle(Query query, CancellationToken ct) =>
            await DeadlineReader.LoadAsync(db, query.Id, ct) ?? throw new NotFoundException("deadline", query.Id);
    }

    internal static void Map(RouteGroupBuilder deadlines) => deadlines.MapGet("{id}", async (Guid id, IMediator mediator, HttpContext http, CancellationToken ct) =>
            EntityTags.Ok(http, await mediator.Send(new Query(id), ct)))
        .WithName("GetDeadline")
        .WithSummary("Get a deadline")
        .WithDescription("One deadline with how it was computed, and its `ETag` for extending or waiving it.")
        .Produces<DeadlineDto>();
}
