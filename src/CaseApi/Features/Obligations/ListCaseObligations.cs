using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Mediation;
using MediatR;

namespace CaseApi.Features.Obligations;

public static class ListCaseObligations
{
    public sealed record Query(Guid CaseId) : IQuery<IReadOnlyList<ObligationDto>>;

    internal sealed class Handler(DbSession db) : IRequestHandler<Query, IReadOnlyList<ObligationDto>>
    {
        public async Task<IReadOnlyList<ObligationDto>> Handle(Query query, CancellationToken ct)
        {
            if (!await db.QuerySingleAsync<bool>("SELECT EXISTS (SELECT FROM cases WHERE id = @CaseId AND organisation_id = current_organisation_id())", new { query.CaseId }, ct))
            {
                throw new NotFoundException("case", query.CaseId);
            }

            return await ObligationReader.LoadForCaseAsync(db, query.CaseId, ct);
        }
    }

    internal static void Map(RouteGroupBuilder cases) => cases.MapGet("{caseId}/obligations", (Guid caseId, IMediator mediator, CancellationToken ct) =>
            mediator.Send(new Query(caseId), ct))
        .WithName("ListCaseObligations")
        .WithSummary("List the defendants' obligations in a case")
        .WithDescription("""
            Each declaration to cease and desist the organisation accepted as adequate (a reply recorded with `ceaseAndDesistReply.kind` `declaration`
            and `acceptedAsAdequate` true), with its penalty clause and the breaches recorded. A case holds few; they are returned whole, oldest first.
            """)
        .Produces<IReadOnlyList<ObligationDto>>();
}
