using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Mediation;
using MediatR;

namespace CaseApi.Features.Complaints;

public static class GetComplaint
{
    public sealed record Query(Guid Id) : IQuery<ComplaintDto>;

    internal sealed class Handler(DbSession db, CallerContext caller) : IRequestHandler<Query, ComplaintDto>
    {
        public async Task<ComplaintDto> Handle(Query query, CancellationToken ct) =>
            await ComplaintReader.LoadAsync(db, caller, query.Id, ct) ?? throw new NotFoundException("complaint", query.Id);
    }

    internal static void Map(RouteGroupBuilder complaints) => complaints.MapGet("{id}", async (Guid id, IMediator mediator, HttpContext http, CancellationToken ct) =>
            EntityTags.Ok(http, await mediator.Send(new Query(id), ct)))
        .WithName("GetComplaint")
        .WithSummary("Get a complaint")
        .WithDescription("One complaint with its `ETag`. `complainants` is filled for lawyer and admin keys only.")
        .Produces<ComplaintDto>();
}
