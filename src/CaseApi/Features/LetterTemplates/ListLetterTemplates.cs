using CaseApi.Features.Correspondence;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Json;
using CaseApi.Infrastructure.Mediation;
using FluentValidation;
using MediatR;

namespace CaseApi.Features.LetterTemplates;

public static class ListLetterTemplates
{
    public sealed record Query(int Limit, string? Cursor, string? LetterType, string? Language) : IQuery<Page<LetterTemplateDto>>;

    internal sealed record Key(string Name, Guid Id);

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(q => q.Limit).IsPageSize();
            RuleFor(q => q.Cursor).IsCursorOf<Query, Key>();
            RuleFor(q => q.LetterType).IsNameOf<Query, LetterType>();
            RuleFor(q => q.Language).IsTemplateLanguage();
        }
    }

    internal sealed class Handler(DbSession db) : IRequestHandler<Query, Page<LetterTemplateDto>>
    {
        public async Task<Page<LetterTemplateDto>> Handle(Query query, CancellationToken ct)
        {
            Infrastructure.Json.Cursor.TryDecode<Key>(query.Cursor, out var after);
            // name is COLLATE "C" and uuids compare by their bytes, so this order is the ordinal one the built-ins are merged in by.
            var own = await db.QueryAsync<LetterTemplateDto>($"""
                SELECT {LetterTemplateDto.Columns} FROM letter_templates
                WHERE organisation_id = current_organisation_id()
                  AND (@afterName::text IS NULL OR (name, id) > (@afterName, @afterId))
                  AND (@letterType::text IS NULL OR letter_type = @letterType)
                  AND (@language::text IS NULL OR language = @language)
                ORDER BY name, id
                LIMIT @take
                """, new { afterName = after?.Name, afterId = after?.Id, query.LetterType, query.Language, take = query.Limit + 1 }, ct);
            var builtIn = BuiltInLetterTemplates.All
                .Where(t => (query.LetterType is null || SnakeCase.From(t.LetterType) == query.LetterType) && (query.Language is null || t.Language == query.Language))
                .Select(t => t.ToDto())
                .Where(t => after is null || Compare(KeyOf(t), after) > 0);
            var merged = own.Concat(builtIn).Order(Comparer<LetterTemplateDto>.Create((x, y) => Compare(KeyOf(x), KeyOf(y))))
                .Take(query.Limit + 1).ToArray();
            return Infrastructure.Json.Cursor.ToPage(merged, query.Limit, KeyOf);
        }

        private static Key KeyOf(LetterTemplateDto template) => new(template.Name, template.Id);

        private static int Compare(Key x, Key y) => string.CompareOrdinal(x.Name, y.Name) is var byName and not 0
            ? byName
            : string.CompareOrdinal(x.Id.ToString(), y.Id.ToString());
    }

    internal static void Map(RouteGroupBuilder templates) => templates.MapGet("", (IMediator mediator, CancellationToken ct, int? limit, string? cursor, string? letterType, string? language) =>
            mediator.Send(new Query(limit ?? Infrastructure.Json.Cursor.DefaultLimit, cursor, letterType, language), ct))
        .WithName("ListLetterTemplates")
        .WithSummary("List letter templates")
        .WithDescription("The organisation's templates and the built-in ones (`builtIn: true`), by name. `letterType` and `language` filter them.");
}
