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

    // One statement text per combination of filters (issue 16).
    private static readonly OptionalFilters Statements = new(
        conditions => $"""
            SELECT {DeadlineRow.Columns} FROM deadlines
            WHERE organisation_id = current_organisation_id(){conditions}
            ORDER BY due_at, id
            LIMIT @take
            """,
        "(due_at, id) > (@afterAt, @afterId)", "status = @status", "due_at < @dueBefore", "due_at > @dueAfter", "case_id = @caseId");

    /// <summary>The query for the filters given; the load benchmark's baseline runs exactly this text.</summary>
    internal static string Sql(Query query)
    {
        Infrastructure.Json.Cursor.TryDecode<Key>(query.Cursor, out var after);
        return Statements.Sql(after is not null, query.Status is not null, query.DueBefore is not null, query.DueAfter is not null, query.CaseId is not null);
    }

    internal static object Parameters(Query query)
    {
        Infrastructure.Json.Cursor.TryDecode<Key>(query.Cursor, out var after);
        return new { afterAt = after?.DueAt, afterId = after?.Id, query.Status, query.DueBefore, query.DueAfter, query.CaseId, take = query.Limit + 1 };
    }

    internal sealed class Handler(DbSession db) : IRequestHandler<Query, Page<DeadlineDto>>
    {
        public async Task<Page<DeadlineDto>> Handle(Query query, CancellationToken ct)
        {
            // Each filter narrows a btree range in the order of due_at: the plan does not depend on the values (migration 0047).
            var rows = await db.QueryAsync<DeadlineRow>(Sql(query), Parameters(query), ct, genericPlan: true);
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
