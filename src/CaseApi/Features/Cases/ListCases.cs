using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Json;
using CaseApi.Infrastructure.Mediation;
using FluentValidation;
using MediatR;

namespace CaseApi.Features.Cases;

public static class ListCases
{
    public sealed record Query(int Limit, string? Cursor, string Sort, string? Status, string? Tag, Guid? DefendantId, string? Q, string? Expand = null)
        : IQuery<Page<CaseDto>>;

    internal sealed record Key(string Sort, string Value, Guid Id);

    private sealed record SortOrder(string Column, string SqlType, bool Descending, Func<CaseDto, string> ValueOf)
    {
        /// <summary>Whether a cursor's value is one this order writes: PostgreSQL would refuse to cast a forged one, a 500.</summary>
        public bool Holds(string? value) => SqlType switch
        {
            "date" => DateOnly.TryParseExact(value, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out _),
            "timestamptz" => DateTimeOffset.TryParseExact(value, "O", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out _),
            _ => true,
        };
    }

    public const string DefaultSort = "-openedOn";

    // The orders the list offers; each has an index (organisation_id, column, id) for keyset paging.
    private static readonly Dictionary<string, SortOrder> Sorts = new()
    {
        ["openedOn"] = new("c.opened_on", "date", false, c => c.OpenedOn.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)),
        ["-openedOn"] = new("c.opened_on", "date", true, c => c.OpenedOn.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)),
        ["updatedAt"] = new("c.updated_at", "timestamptz", false, c => c.UpdatedAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture)),
        ["-updatedAt"] = new("c.updated_at", "timestamptz", true, c => c.UpdatedAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture)),
        ["reference"] = new("c.reference", "text", false, c => c.Reference),
        ["-reference"] = new("c.reference", "text", true, c => c.Reference),
    };

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(q => q.Limit).IsPageSize();
            RuleFor(q => q.Sort).IsOneOf(Sorts.Keys);
            RuleFor(q => q.Cursor).Must((q, cursor) => Infrastructure.Json.Cursor.TryDecode<Key>(cursor, out var key)
                    && (key is null || (key.Sort == q.Sort && Sorts[q.Sort].Holds(key.Value))))
                .WithMessage("Not a cursor from this list in this order.");
            RuleFor(q => q.Status).IsNameOf<Query, CaseStatus>();
            RuleFor(q => q.Tag).IsShortText(50);
            RuleFor(q => q.Q).IsShortText(200);
            RuleFor(q => q.Expand).IsCaseExpansion();
        }
    }

    internal sealed class Handler(DbSession db) : IRequestHandler<Query, Page<CaseDto>>
    {
        public async Task<Page<CaseDto>> Handle(Query query, CancellationToken ct)
        {
            var rows = await db.QueryAsync<CaseDto>(Sql(query), Parameters(query), ct, GenericPlanFits(query));
            var order = Sorts[query.Sort];
            var page = Infrastructure.Json.Cursor.ToPage(rows, query.Limit, c => new Key(query.Sort, order.ValueOf(c), c.Id));
            return query.Expand is CaseExpansion.Defendants ? page with { Items = await CaseExpansion.WithDefendantsAsync(db, page.Items, ct) } : page;
        }
    }

    // One statement text per sort order and combination of filters (issue 16).
    private static readonly Dictionary<string, OptionalFilters> Statements = Sorts.ToDictionary(s => s.Key, s => Statement(s.Value));

    /// <summary>The list's SQL for the query's order and filters; the plan test and the load benchmark's baseline run exactly this.</summary>
    internal static string Sql(Query query)
    {
        Infrastructure.Json.Cursor.TryDecode<Key>(query.Cursor, out var after);
        return Statements[query.Sort].Sql(after is not null, query.Status is not null, query.Tag is not null, query.DefendantId is not null, query.Q is not null);
    }

    private static OptionalFilters Statement(SortOrder order)
    {
        var (direction, comparison) = order.Descending ? ("DESC", "<") : ("ASC", ">");
        return new(
            conditions => $"""
                SELECT {CaseDto.Columns} FROM cases c
                WHERE c.organisation_id = current_organisation_id(){conditions}
                ORDER BY {order.Column} {direction}, c.id {direction}
                LIMIT @take
                """,
            $"({order.Column}, c.id) {comparison} (@afterValue::{order.SqlType}, @afterId)",
            "c.status = @status",
            "c.tags @> ARRAY[@tag::text]",
            "EXISTS (SELECT FROM case_defendants cd WHERE cd.organisation_id = c.organisation_id AND cd.defendant_id = @defendantId AND cd.case_id = c.id)",
            "c.search @@ websearch_to_tsquery('simple', @q)");
    }

    /// <summary>
    /// Every filter but the full-text search and the tag finds its rows through a btree whatever its value; how many cases
    /// a word or a tag matches decides between their GIN index and the order's (migration 0047).
    /// </summary>
    internal static bool GenericPlanFits(Query query) => query.Q is null && query.Tag is null;

    internal static object Parameters(Query query)
    {
        Infrastructure.Json.Cursor.TryDecode<Key>(query.Cursor, out var after);
        return new
        {
            afterValue = after?.Value, afterId = after?.Id, status = query.Status,
            tag = query.Tag, defendantId = query.DefendantId, q = query.Q, take = query.Limit + 1,
        };
    }

    internal static void Map(RouteGroupBuilder cases) => cases.MapGet("", (IMediator mediator, CancellationToken ct, int? limit, string? cursor, string? sort,
            string? status, string? tag, Guid? defendantId, string? q, string? expand) =>
            mediator.Send(new Query(limit ?? Infrastructure.Json.Cursor.DefaultLimit, cursor, sort ?? DefaultSort, status, tag, defendantId, q, expand), ct))
        .WithName("ListCases")
        .WithSummary("List cases")
        .WithDescription("The organisation's cases, newest first by default. `sort` is one of `openedOn`, `updatedAt`, `reference`, each optionally prefixed with `-` for descending. Filters: `status`, `tag`, `defendantId`, and `q`, a full-text search over references, titles and summaries (words, \"quoted phrases\", -excluded words). " + CaseExpansion.Description);
}
