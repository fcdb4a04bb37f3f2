using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Mediation;
using FluentValidation;
using MediatR;

namespace CaseApi.Features.Stats;

public static class GetResponseTimes
{
    /// <summary>How one defendant or authority answers the organisation's letters.</summary>
    public sealed record ResponseTimeDto
    {
        /// <summary>The defendant's or authority's id.</summary>
        public Guid Id { get; init; }

        /// <summary>Its name.</summary>
        /// <example>Data Protection Commission</example>
        public required string Name { get; init; }

        /// <summary>Letters the organisation sent it.</summary>
        public int LettersSent { get; init; }

        /// <summary>How many of them it answered.</summary>
        public int Replies { get; init; }

        /// <summary>Median days from sending to the first reply, over the answered letters.</summary>
        public double? MedianDaysToReply { get; init; }

        /// <summary>90th percentile of days to the first reply.</summary>
        public double? P90DaysToReply { get; init; }

        /// <summary>Deadlines it let pass: missed, escalated, answered late, or open past their expiry.</summary>
        public int DeadlinesMissed { get; init; }
    }

    /// <summary>Response times per counterparty.</summary>
    /// <param name="GroupBy">What the rows are: <c>defendant</c> or <c>dpa</c>.</param>
    /// <param name="Items">One row per counterparty, most letters first.</param>
    public sealed record ResponseTimesDto(string GroupBy, IReadOnlyList<ResponseTimeDto> Items);

    public sealed record Query(string GroupBy) : IQuery<ResponseTimesDto>;

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator() => RuleFor(q => q.GroupBy).IsOneOf(["defendant", "dpa"]);
    }

    internal sealed class Handler(DbSession db, TimeProvider clock) : IRequestHandler<Query, ResponseTimesDto>
    {
        public async Task<ResponseTimesDto> Handle(Query query, CancellationToken ct)
        {
            var column = query.GroupBy == "defendant" ? "defendant_id" : "dpa_id";
            var names = query.GroupBy == "defendant"
                ? "SELECT id, legal_name AS name FROM defendants WHERE organisation_id = current_organisation_id()"
                : "SELECT id, english_name AS name FROM dpas";
            var rows = await db.QueryAsync<ResponseTimeDto>($"""
                WITH sent AS (
                    SELECT l.id, l.sent_at, l.{column} AS party FROM letters l
                    WHERE l.organisation_id = current_organisation_id() AND l.status = 'sent' AND l.{column} IS NOT NULL
                ), first_reply AS (
                    SELECT r.in_reply_to_id, min(r.received_at) AS received_at FROM letters r
                    WHERE r.organisation_id = current_organisation_id() AND r.direction = 'incoming' AND r.in_reply_to_id IS NOT NULL
                    GROUP BY r.in_reply_to_id
                ), letters_per_party AS (
                    SELECT s.party, count(*) AS letters_sent, count(r.received_at) AS replies,
                           percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM r.received_at - s.sent_at) / 86400) AS median_days,
                           percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM r.received_at - s.sent_at) / 86400) AS p90_days
                    FROM sent s LEFT JOIN first_reply r ON r.in_reply_to_id = s.id
                    GROUP BY s.party
                ), missed_per_party AS (
                    SELECT d.{column} AS party,
                           count(*) FILTER (WHERE d.status IN ('missed', 'escalated') OR d.met_at > d.due_at OR (d.status = 'open' AND d.due_at < @now)) AS missed
                    FROM deadlines d
                    WHERE d.organisation_id = current_organisation_id() AND d.{column} IS NOT NULL
                    GROUP BY d.{column}
                )
                SELECT n.id, n.name, coalesce(l.letters_sent, 0)::int AS letters_sent, coalesce(l.replies, 0)::int AS replies,
                       round(l.median_days::numeric, 1)::float8 AS median_days_to_reply, round(l.p90_days::numeric, 1)::float8 AS p90_days_to_reply,
                       coalesce(m.missed, 0)::int AS deadlines_missed
                FROM ({names}) n
                LEFT JOIN letters_per_party l ON l.party = n.id
                LEFT JOIN missed_per_party m ON m.party = n.id
                WHERE l.party IS NOT NULL OR m.party IS NOT NULL
                ORDER BY letters_sent DESC, n.name
                """, new { now = clock.GetUtcNow() }, ct);
            return new ResponseTimesDto(query.GroupBy, rows);
        }
    }

    public static void MapStats(this RouteGroupBuilder v1) => v1.MapGet("/stats/response-times", (IMediator mediator, CancellationToken ct, string? groupBy) =>
            mediator.Send(new Query(groupBy ?? "defendant"), ct))
        .WithTags("Statistics")
        .WithName("GetResponseTimes")
        .WithSummary("How fast defendants or authorities answer")
        .WithDescription("For each defendant (`groupBy=defendant`) or authority (`groupBy=dpa`): letters sent, replies, median and 90th-percentile days to the first reply, and deadlines missed. The figures organisations cite when they say an authority does not act.");
}
