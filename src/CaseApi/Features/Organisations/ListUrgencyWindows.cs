using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Mediation;
using MediatR;

namespace CaseApi.Features.Organisations;

public static class ListUrgencyWindows
{
    public sealed record Query : IQuery<IReadOnlyList<UrgencyWindowDto>>;

    internal sealed class Handler(DbSession db) : IRequestHandler<Query, IReadOnlyList<UrgencyWindowDto>>
    {
        public Task<IReadOnlyList<UrgencyWindowDto>> Handle(Query query, CancellationToken ct) => UrgencyWindows.ListAsync(db, ct);
    }

    internal static void Map(RouteGroupBuilder windows) => windows.MapGet("", async (IMediator mediator, CancellationToken ct) =>
            Results.Ok(await mediator.Send(new Query(), ct)))
        .WithName("ListUrgencyWindows")
        .WithSummary("List the urgency windows per Oberlandesgericht")
        .WithDescription("""
            For every Oberlandesgericht, the window after knowledge of an infringement within which an application for a preliminary
            injunction is still urgent (UWG § 12(1) presumes urgency; waiting refutes it): the organisation's own (`origin` `organisation`,
            with its `reason`) or the court's practice (`origin` `default`, with `defaultSource`; `defaultSourced` false where no decision was
            found and the default is the safe one month). `infringement_known` with `court` opens the window listed here.
            """)
        .Produces<IReadOnlyList<UrgencyWindowDto>>();
}
