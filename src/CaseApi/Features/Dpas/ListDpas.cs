using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Json;
using CaseApi.Infrastructure.Mediation;
using FluentValidation;
using MediatR;

namespace CaseApi.Features.Dpas;

public static class ListDpas
{
    private const int MaxSearchLength = 200;

    public sealed record Query(int Limit, string? Cursor, string? Country, string? Region, string? Q) : IQuery<Page<DpaDto>>;

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(q => q.Limit).InclusiveBetween(1, Infrastructure.Json.Cursor.MaxLimit);
            RuleFor(q => q.Cursor).Must(c => Infrastructure.Json.Cursor.TryDecode<string>(c, out _)).WithMessage("Not a cursor from this list.");
            RuleFor(q => q.Country).IsCountryCode();
            RuleFor(q => q.Region).IsRegionCode();
            RuleFor(q => q.Q).MaximumLength(MaxSearchLength)
                .Must(q => q is null || PrefixQuery(q) is not null).WithMessage("Give at least one word to search for.");
        }
    }

    internal sealed class Handler(DbSession db) : IRequestHandler<Query, Page<DpaDto>>
    {
        public async Task<Page<DpaDto>> Handle(Query query, CancellationToken ct)
        {
            Infrastructure.Json.Cursor.TryDecode<string>(query.Cursor, out var after);
            // @> rather than = ANY, so that the GIN indexes on countries and regions apply.
            var rows = await db.QueryAsync<DpaDto>($"""
                SELECT {DpaDto.Columns} FROM dpas
                WHERE (@after::text IS NULL OR code > @after)
                  AND (@country::text IS NULL OR countries @> ARRAY[@country])
                  AND (@region::text IS NULL OR regions @> ARRAY[@region])
                  AND (@words::text IS NULL OR search @@ to_tsquery('simple', @words))
                ORDER BY code
                LIMIT @take
                """,
                new { after, country = query.Country, region = query.Region, words = query.Q is null ? null : PrefixQuery(query.Q), take = query.Limit + 1 },
                ct);
            return Infrastructure.Json.Cursor.ToPage(rows, query.Limit, r => r.Code);
        }
    }

    /// <summary>
    /// Every word as a prefix, all required: "Datenschutz" must find the compounds (Datenschutzbehörde, Datenschutzstelle)
    /// that German and its neighbours make of it. Only letters and digits get through, so the user's text can never be
    /// read as tsquery syntax.
    /// </summary>
    internal static string? PrefixQuery(string text)
    {
        var words = new List<string>();
        var word = new System.Text.StringBuilder();
        foreach (var c in text.Append(' '))
        {
            if (char.IsLetterOrDigit(c))
            {
                word.Append(c);
            }
            else if (word.Length > 0)
            {
                words.Add($"{word}:*");
                word.Clear();
            }
        }

        return words.Count == 0 ? null : string.Join(" & ", words);
    }

    internal static void Map(RouteGroupBuilder dpas) => dpas.MapGet("", (IMediator mediator, CancellationToken ct, int? limit, string? cursor, string? country, string? region, string? q) =>
            mediator.Send(new Query(limit ?? Infrastructure.Json.Cursor.DefaultLimit, cursor, country, region, q), ct))
        .WithName("ListDpas")
        .WithSummary("List data protection authorities")
        .WithDescription("""
            The registry of data protection authorities of the EU and EEA, the EDPS, the United Kingdom and Switzerland, ordered by `code`.
            Filters, all optional and combined with AND: `country` (ISO 3166-1 alpha-2, e.g. `DE`) lists the authorities of a country,
            regional ones included; `region` (ISO 3166-2, e.g. `DE-NW`) those of a region; `q` searches codes, names, acronyms and
            website addresses, every word as a prefix (`datenschutz`, `cnil`, `bayern`). To find the one authority a data subject
            complains to, use `GET /v1/dpas/competent`.
            """);
}
