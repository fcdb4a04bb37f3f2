using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Data;
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

    public static void MapOrganisation(this RouteGroupBuilder v1) => v1.MapGet("/organisation", (IMediator mediator, CancellationToken ct) => mediator.Send(new Query(), ct))
        .WithTags("Organisation")
        .WithName("GetOrganisation")
        .WithSummary("Get your organisation")
        .WithDescription("The organisation that the calling API key belongs to.");
}
