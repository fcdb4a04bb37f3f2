using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Json;
using CaseApi.Infrastructure.Mediation;
using FluentValidation;
using MediatR;

namespace CaseApi.Features.Deadlines;

public static class ListDeadlines
{
    public sealed record Query(int Limit, string? Cursor, string? Status, DateTimeOffset? DueBefore, DateTimeOffset? DueAfter, Guid? CaseId)
        : IQuery<Page<DeadlineDto>>;

    internal sealed record Key(DateTimeOffset DueAt, Guid Id);

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(q => q.Limit).IsPageSize();
            RuleFor(q => q.Cursor).IsCursorOf<Query, Key>();
            RuleFor(q => q.Status).IsNameOf<Query, DeadlineStatus>();
            RuleFor(q => q.DueBefore).IsWithinDateBounds();
            RuleFor(q => q.DueAfter).IsWithinDateBounds();
        }
    }

    /// <summary>The query; the load benchmark's bare baseline runs exactly this text.</summary>
    internal const string Sql = $"""
        SELECT {DeadlineRow.Columns} FROM deadlines
        WHERE organisation_id = current_organisation_id()
          AND (@afterAt::timestamptz IS NULL OR (due_at, id) > (@afterAt, @afterId))
          AND (@status::text IS NULL OR status = @status)
          AND (@dueBefore::timestamptz IS NULL OR due_at < @dueBefore)
          AND (@dueAfter::timestamptz IS NULL OR due_at > @dueAfter)
          AND (@caseId::uuid IS NULL OR case_id = @caseId)
        ORDER BY due_at, id
        LIMIT @take
        """;

    internal sealed class Handler(DbSession db) : IRequestHandler<Query, Page<DeadlineDto>>
    {
        public async Task<Page<DeadlineDto>> Handle(Query query, CancellationToken ct)
        {
            Infrastructure.Json.Cursor.TryDecode<Key>(query.Cursor, out var after);
            var rows = await db.QueryAsync<DeadlineRow>(Sql,
                new { afterAt = after?.DueAt, afterId = after?.Id, query.Status, query.DueBefore, query.DueAfter, query.CaseId, take = query.Limit + 1 },
                ct);
            return Infrastructure.Json.Cursor.ToPage(rows, query.Limit, d => new Key(d.DueAt, d.Id)).Select(d => d.ToDto());
        }
    }

    internal static void Map(RouteGroupBuilder deadlines) => deadlines.MapGet("", (IMediator mediator, CancellationToken ct, int? limit, string? cursor,
            string? status, DateTimeOffset? dueBefore, DateTimeOffset? dueAfter, Guid? caseId) =>
            mediator.Send(new Query(limit ?? Infrastructure.Json.Cursor.DefaultLimit, cursor, status, dueBefore, dueAfter, caseId), ct))
        .WithName("ListDeadlines")
        .WithSummary("List deadlines")
        .WithDescription("The organisation's deadlines, soonest first. Filters: `status` (open, met, missed, escalated, waived), `dueBefore` and `dueAfter` (instants), `caseId`.");
}
