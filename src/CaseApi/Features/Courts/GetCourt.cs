using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Mediation;
using MediatR;

namespace CaseApi.Features.Courts;

public static class GetCourt
{
    public sealed record Query(Guid Id) : IQuery<CourtDto>;

    internal sealed class Handler(DbSession db) : IRequestHandler<Query, CourtDto>
    {
        public async Task<CourtDto> Handle(Query query, CancellationToken ct) =>
            (await db.QuerySingleOrDefaultAsync<CourtDto>($"SELECT {CourtDto.Columns} FROM courts WHERE id = @id", new { id = query.Id }, ct))
            ?? throw new NotFoundException("court", query.Id);
    }

    internal static void Map(RouteGroupBuilder courts) => courts.MapGet("{id}", (Guid id, IMediator mediator, CancellationToken ct) => mediator.Send(new Query(id), ct))
        .WithName("GetCourt")
        .WithSummary("Get a court")
        .WithDescription("One court of the registry. Ids are the same in every CaseApi installation.");
}
