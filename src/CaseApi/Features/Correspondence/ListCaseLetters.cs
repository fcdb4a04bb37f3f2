using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Json;
using CaseApi.Infrastructure.Mediation;
using FluentValidation;
using MediatR;

namespace CaseApi.Features.Correspondence;

public static class ListCaseLetters
{
    public sealed record Query(Guid CaseId, int Limit, string? Cursor) : IQuery<Page<LetterDto>>;

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(q => q.Limit).IsPageSize();
            RuleFor(q => q.Cursor).IsCursorOf<Query, Guid>();
        }
    }

    internal sealed class Handler(DbSession db) : IRequestHandler<Query, Page<LetterDto>>
    {
        public async Task<Page<LetterDto>> Handle(Query query, CancellationToken ct)
        {
            if (!await db.QuerySingleAsync<bool>("SELECT EXISTS (SELECT FROM cases WHERE id = @CaseId AND organisation_id = current_organisation_id())", new { query.CaseId }, ct))
            {
                throw new NotFoundException("case", query.CaseId);
            }

            Infrastructure.Json.Cursor.TryDecode<Guid>(query.Cursor, out var after);
            var rows = await db.QueryAsync<LetterRow>($"""
                SELECT {LetterRow.Columns} FROM letters
                WHERE organisation_id = current_organisation_id() AND case_id = @caseId AND (@after::uuid IS NULL OR id > @after)
                ORDER BY id LIMIT @take
                """, new { query.CaseId, after = query.Cursor is null ? (Guid?)null : after, take = query.Limit + 1 }, ct);
            var letters = await LetterReader.ToDtosAsync(db, rows, ct);
            return Infrastructure.Json.Cursor.ToPage(letters, query.Limit, l => l.Id);
        }
    }

    internal static void Map(RouteGroupBuilder cases) => cases.MapGet("{caseId}/letters", (Guid caseId, IMediator mediator, CancellationToken ct, int? limit, string? cursor) =>
            mediator.Send(new Query(caseId, limit ?? Infrastructure.Json.Cursor.DefaultLimit, cursor), ct))
        .WithTags("Correspondence")
        .WithName("ListCaseLetters")
        .WithSummary("List a case's letters")
        .WithDescription("The case's correspondence, in and out, in the order it was recorded, each with its deadline.");
}
