using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Mediation;
using MediatR;

namespace CaseApi.Features.Proceedings;

public static class GetRepresentativeAction
{
    public sealed record Query(Guid ProceedingId) : IQuery<RepresentativeActionDto>;

    internal sealed class Handler(DbSession db) : IRequestHandler<Query, RepresentativeActionDto>
    {
        public async Task<RepresentativeActionDto> Handle(Query query, CancellationToken ct) =>
            await RepresentativeReader.LoadAsync(db, await RepresentativeReader.ProceedingAsync(db, query.ProceedingId, ct), ct);
    }

    internal static void Map(RouteGroupBuilder proceedings) => proceedings.MapGet("{id}/representative", async (Guid id, IMediator mediator, HttpContext http, CancellationToken ct) =>
            EntityTags.Ok(http, await mediator.Send(new Query(id), ct)))
        .ProducesProblem(StatusCodes.Status409Conflict)
        .WithName("GetRepresentativeAction")
        .WithSummary("Get the representative side of a redress or model declaratory action")
        .WithDescription("""
            The qualified entity (VDuG § 2(1)), the publication in the Verbandsklageregister, the register's closing day (VDuG § 46(1), from the
            proceeding's `vdug.register_closing_46` deadline), the implementation stage, and the threshold of VDuG § 4(1) (50 consumers) against
            the latest registration count. Consumers' personal data is not here: `consumersKept` counts them. 409 `proceeding_not_representative`
            for other kinds of proceeding. Its `ETag` (\"0\" while nothing was recorded) goes into `If-Match` of the PUT.
            """)
        .Produces<RepresentativeActionDto>();
}
