using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Json;
using CaseApi.Infrastructure.Mediation;
using FluentValidation;
using MediatR;

namespace CaseApi.Features.Defendants;

public static class ListDefendants
{
    public sealed record Query(int Limit, string? Cursor, string? Q, string? Country) : IQuery<Page<DefendantDto>>;

    internal sealed record Key(string LegalName, Guid Id);

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(q => q.Limit).IsPageSize();
            RuleFor(q => q.Cursor).IsCursorOf<Query, Key>();
            RuleFor(q => q.Q).IsShortText(200);
            RuleFor(q => q.Country).IsCountryCode();
        }
    }

    internal sealed class Handler(DbSession db) : IRequestHandler<Query, Page<DefendantDto>>
    {
        public async Task<Page<DefendantDto>> Handle(Query query, CancellationToken ct)
        {
            Infrastructure.Json.Cursor.TryDecode<Key>(query.Cursor, out var after);
            var rows = await db.QueryAsync<DefendantDto>($"""
                SELECT {DefendantDto.Columns} FROM defendants
                WHERE organisation_id = current_organisation_id()
                  AND (@afterName::text IS NULL OR (legal_name, id) > (@afterName, @afterId))
                  AND (@q::text IS NULL OR search @@ websearch_to_tsquery('simple', @q))
                  AND (@country::text IS NULL OR country = @country)
                ORDER BY legal_name, id
                LIMIT @take
                """, new { afterName = after?.LegalName, afterId = after?.Id, query.Q, query.Country, take = query.Limit + 1 }, ct);
            return Infrastructure.Json.Cursor.ToPage(rows, query.Limit, d => new Key(d.LegalName, d.Id));
        }
    }

    internal static void Map(RouteGroupBuilder defendants) => defendants.MapGet("", (IMediator mediator, CancellationToken ct, int? limit, string? cursor, string? q, string? country) =>
            mediator.Send(new Query(limit ?? Infrastructure.Json.Cursor.DefaultLimit, cursor, q, country), ct))
        .WithName("ListDefendants")
        .WithSummary("List defendants")
        .WithDescription("The organisation's defendants by legal name. `q` searches names, other names and register numbers; `country` filters by country of registration.");
}
