using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Mediation;
using MediatR;

namespace CaseApi.Features.Deadlines;

public static class GetDeadlinesOverview
{
    /// <summary>A lawyer's morning look: how many deadlines stand where, and the next ones to expire.</summary>
    /// <param name="Open">Running.</param>
    /// <param name="DueSoon">Running and warned as due soon.</param>
    /// <param name="Missed">Passed without an answer.</param>
    /// <param name="Escalated">Passed, reminded, and escalated.</param>
    /// <param name="Next">The next 20 to expire.</param>
    /// <param name="UrgencyWarnings">Cease-and-desist deadlines whose escalation chain ends after the case's urgency window closes (UWG § 12(1)).</param>
    public sealed record OverviewDto(int Open, int DueSoon, int Missed, int Escalated, IReadOnlyList<DeadlineDto> Next, IReadOnlyList<UrgencyWarningDto> UrgencyWarnings);

    public sealed record Query : IQuery<OverviewDto>;

    private sealed record Counts(int Open, int DueSoon, int Missed, int Escalated);

    internal sealed class Handler(DbSession db, UrgencyWindowRisk urgency) : IRequestHandler<Query, OverviewDto>
    {
        public async Task<OverviewDto> Handle(Query query, CancellationToken ct)
        {
            var counts = await db.QuerySingleAsync<Counts>("""
                SELECT count(*) FILTER (WHERE status = 'open')::int AS open,
                       count(*) FILTER (WHERE status = 'open' AND due_soon_notified_at IS NOT NULL)::int AS duesoon,
                       count(*) FILTER (WHERE status = 'missed')::int AS missed,
                       count(*) FILTER (WHERE status = 'escalated')::int AS escalated
                FROM deadlines
                WHERE organisation_id = current_organisation_id() AND status IN ('open', 'missed', 'escalated')
                """, ct: ct);
            var next = await db.QueryAsync<DeadlineRow>($"""
                SELECT {DeadlineRow.Columns} FROM deadlines
                WHERE organisation_id = current_organisation_id() AND status = 'open'
                ORDER BY due_at, id
                LIMIT 20
                """, ct: ct);
            return new OverviewDto(counts.Open, counts.DueSoon, counts.Missed, counts.Escalated, next.Select(d => d.ToDto()).ToArray(),
                await urgency.FindAsync(null, ct));
        }
    }

    internal static void Map(RouteGroupBuilder deadlines) => deadlines.MapGet("overview", (IMediator mediator, CancellationToken ct) => mediator.Send(new Query(), ct))
        .WithName("GetDeadlinesOverview")
        .WithSummary("Deadlines at a glance")
        .WithDescription("Counts of open, due-soon, missed and escalated deadlines, the next 20 to expire, and the cease-and-desist letters whose reminder would end after the case's urgency window: a lawyer's morning look.");
}
