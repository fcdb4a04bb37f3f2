using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Json;
using CaseApi.Infrastructure.Mediation;
using FluentValidation;
using MediatR;

namespace CaseApi.Features.Courts;

public static class ListCourts
{
    public sealed record Query(int Limit, string? Cursor, string? Kind, string? Jurisdiction) : IQuery<Page<CourtDto>>;

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(q => q.Limit).IsPageSize();
            RuleFor(q => q.Cursor).IsCursorOf<Query, string>();
            RuleFor(q => q.Kind).IsNameOf<Query, CourtKind>();
            RuleFor(q => q.Jurisdiction).Matches("^[A-Z]{2}(-[A-Z0-9]{1,3})?$").WithMessage("Must be a country (LU) or ISO 3166-2 subdivision code (DE-NW).");
        }
    }

    internal sealed class Handler(DbSession db) : IRequestHandler<Query, Page<CourtDto>>
    {
        public async Task<Page<CourtDto>> Handle(Query query, CancellationToken ct)
        {
            Infrastructure.Json.Cursor.TryDecode<string>(query.Cursor, out var after);
            var rows = await db.QueryAsync<CourtDto>($"""
                SELECT {CourtDto.Columns} FROM courts
                WHERE (@after::text IS NULL OR code > @after)
                  AND (@kind::text IS NULL OR kind = @kind)
                  AND (@jurisdiction::text IS NULL OR jurisdiction = @jurisdiction)
                ORDER BY code
                LIMIT @take
                """, new { after, query.Kind, query.Jurisdiction, take = query.Limit + 1 }, ct);
            return Infrastructure.Json.Cursor.ToPage(rows, query.Limit, r => r.Code);
        }
    }

    internal static void Map(RouteGroupBuilder courts) => courts.MapGet("", (IMediator mediator, CancellationToken ct, int? limit, string? cursor, string? kind, string? jurisdiction) =>
            mediator.Send(new Query(limit ?? Infrastructure.Json.Cursor.DefaultLimit, cursor, kind, jurisdiction), ct))
        .WithName("ListCourts")
        .WithSummary("List courts")
        .WithDescription("""
            The registry of courts a proceeding can be before, ordered by `code`: the Court of Justice of the EU, the Bundesgerichtshof,
            the Bundesverwaltungsgericht, the 24 Oberlandesgerichte, the Landgerichte at their seats (each with the Oberlandesgericht above it,
            `higherRegionalCourt`, GVG § 119(1) no. 2), and the Verwaltungsgerichte in whose
            district a German data protection authority sits (with Oberverwaltungsgerichte above the busiest). Filter by `kind` and by
            `jurisdiction` (the seat's holiday jurisdiction, e.g. `DE-NW`).
            """);
}
