using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Mediation;
using MediatR;

namespace CaseApi.Features.Defendants;

public static class GetDefendant
{
    public sealed record Query(Guid Id) : IQuery<DefendantDto>;

    internal sealed class Handler(DbSession db) : IRequestHandler<Query, DefendantDto>
    {
        public async Task<DefendantDto> Handle(Query query, CancellationToken ct) =>
            await db.QuerySingleOrDefaultAsync<DefendantDto>($"SELECT {DefendantDto.Columns} FROM defendants WHERE id = @Id AND organisation_id = current_organisation_id()", query, ct)
            ?? throw new NotFoundException("defendant", query.Id);
    }

    internal static void Map(RouteGroupBuilder defendants) => defendants.MapGet("{id}", async (Guid id, IMediator mediator, HttpContext http, CancellationToken ct) =>
            EntityTags.Ok(http, await mediator.Send(new Query(id), ct)))
        .WithName("GetDefendant")
        .WithSummary("Get a defendant")
        .WithDescription("One defendant, with its `ETag` for a later PATCH.")
        .Produces<DefendantDto>();
}
