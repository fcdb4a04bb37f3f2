using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Mediation;
using MediatR;

namespace CaseApi.Features.Organisations;

public static class GetOrganisation
{
    public sealed record Query : IQuery<OrganisationDto>;

    internal sealed class Handler(DbSession db, CallerContext caller) : IRequestHandler<Query, OrganisationDto>
    {
        public Task<OrganisationDto> Handle(Query query, CancellationToken ct) =>
            db.QuerySingleAsync<OrganisationDto>(
                $"SELECT {OrganisationDto.Columns} FROM organisations WHERE id = @id", new { id = caller.RequiredOrganisationId }, ct);
    }

    internal static void Map(RouteGroupBuilder organisation) => organisation.MapGet("", async (IMediator mediator, HttpContext http, CancellationToken ct) =>
            EntityTags.Ok(http, await mediator.Send(new Query(), ct)))
        .WithName("GetOrganisation")
        .WithSummary("Get your organisation")
        .WithDescription("The organisation that the calling API key belongs to, with its `ETag`.")
        .Produces<OrganisationDto>();
}
