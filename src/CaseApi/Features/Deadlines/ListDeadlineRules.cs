using CaseApi.Infrastructure.Mediation;
using MediatR;

namespace CaseApi.Features.Deadlines;

public static class ListDeadlineRules
{
    /// <summary>The catalogue: every rule a deadline can follow, and the courts' urgency windows.</summary>
    public sealed record Catalogue(IReadOnlyList<DeadlineRule> Rules, IReadOnlyList<UrgencyPractice> UrgencyPractices);

    public sealed record Query : IQuery<Catalogue>;

    internal sealed class Handler : IRequestHandler<Query, Catalogue>
    {
        public Task<Catalogue> Handle(Query query, CancellationToken ct) =>
            Task.FromResult(new Catalogue(DeadlineRuleCatalogue.All, DeadlineRuleCatalogue.UrgencyPractices));
    }

    internal static void Map(RouteGroupBuilder v1) => v1.MapGet("/deadline-rules", (IMediator mediator, CancellationToken ct) => mediator.Send(new Query(), ct))
        .WithTags("Deadlines")
        .WithName("ListDeadlineRules")
        .WithSummary("List the deadline rules")
        .WithDescription("""
            Every rule a deadline follows (`rule` on a deadline): its legal basis, its period (ISO 8601; null where each deadline sets its own),
            the rules that count it (`reg1182`, `bgb`, `zpo222`, or `no_shift` where no weekend or holiday moves the end), whether
            it can be extended, whether it is a Notfrist, and whose calendar counts. `urgencyPractices`: the urgency window per
            Oberlandesgericht, with the decision it rests on. Rules are code, reviewed like code; they are not edited through the API.
            """);
}
