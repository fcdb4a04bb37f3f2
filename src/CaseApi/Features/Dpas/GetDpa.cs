using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Mediation;
using MediatR;

namespace CaseApi.Features.Dpas;

public static class GetDpa
{
    public sealed record Query(Guid Id) : IQuery<DpaDto>;

    internal sealed class Handler(DbSession db) : IRequestHandler<Query, DpaDto>
    {
        public async Task<DpaDto> Handle(Query query, CancellationToken ct) =>
            (await db.QuerySingleOrDefaultAsync<DpaDto>($"SELECT {DpaDto.Columns} FROM dpas WHERE id = @id", new { id = query.Id }, ct))
            ?? throw new NotFoundException("data protection authority", query.Id);
    }

    internal static void Map(RouteGroupBuilder dpas) => dpas.MapGet("{id}", (Guid id, IMediator mediator, CancellationToken ct) => mediator.Send(new Query(id), ct))
        .WithName("GetDpa")
        .WithSummary("Get a data protection authority")
        .WithDescription("One authority with its contact details. Ids are the same in every CaseApi installation, so they may be stored and exchanged.");
}
