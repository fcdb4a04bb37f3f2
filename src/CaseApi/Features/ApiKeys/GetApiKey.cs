using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Mediation;
using MediatR;

namespace CaseApi.Features.ApiKeys;

public static class GetApiKey
{
    public sealed record Query(Guid Id) : IQuery<ApiKeyDto>;

    internal sealed class Handler(DbSession db) : IRequestHandler<Query, ApiKeyDto>
    {
        public async Task<ApiKeyDto> Handle(Query query, CancellationToken ct) =>
            (await db.QuerySingleOrDefaultAsync<ApiKeyDto>($"SELECT {ApiKeyDto.Columns} FROM api_keys WHERE id = @Id AND organisation_id = current_organisation_id()", query, ct))
            ?? throw new NotFoundException("API key", query.Id);
    }

    internal static void Map(RouteGroupBuilder keys) => keys.MapGet("{id}", (Guid id, IMediator mediator, CancellationToken ct) => mediator.Send(new Query(id), ct))
        .WithName("GetApiKey")
        .WithSummary("Get an API key")
        .WithDescription("One key, without its secret.");
}
