using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Json;
using CaseApi.Infrastructure.Mediation;
using FluentValidation;
using MediatR;

namespace CaseApi.Features.Complaints;

public static class ListComplaints
{
    public sealed record Query(int Limit, string? Cursor, Guid? CaseId, string? Status, Guid? DpaId, Guid? DefendantId) : IQuery<Page<ComplaintDto>>;

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(q => q.Limit).IsPageSize();
            RuleFor(q => q.Cursor).IsCursorOf<Query, Guid>();
            RuleFor(q => q.Status).IsNameOf<Query, ComplaintStatus>();
        }
    }

    internal sealed class Handler(DbSession db) : IRequestHandler<Query, Page<ComplaintDto>>
    {
        public async Task<Page<ComplaintDto>> Handle(Query query, CancellationToken ct)
        {
            // Each filter is an equality on a btree-indexed column: the plan does not depend on the values (migration 0047).
            var rows = await db.QueryAsync<ComplaintDto>(Sql(query), Parameters(query), ct, genericPlan: true);
            // Lists leave complainants out whatever the role: personal data is read one complaint at a time.
            return Infrastructure.Json.Cursor.ToPage(rows, query.Limit, r => r.Id);
        }
    }

    // Oldest first by id (version-7 ids grow with creation time); one statement text per combination of filters (issue 16).
    private static readonly OptionalFilters Statements = new(
        conditions => $"""
            SELECT {ComplaintDto.Columns} FROM complaints
            WHERE organisation_id = current_organisation_id(){conditions}
            ORDER BY id
            LIMIT @take
            """,
        "id > @after", "case_id = @caseId", "status = @status", "dpa_id = @dpaId", "defendant_id = @defendantId");

    /// <summary>The query for the filters given; the plan test runs exactly this.</summary>
    internal static string Sql(Query query) =>
        Statements.Sql(query.Cursor is not null, query.CaseId is not null, query.Status is not null, query.DpaId is not null, query.DefendantId is not null);

    internal static object Parameters(Query query)
    {
        Infrastructure.Json.Cursor.TryDecode<Guid>(query.Cursor, out var after);
        return new
        {
            after = query.Cursor is null ? (Guid?)null : after, query.CaseId, status = query.Status,
            query.DpaId, query.DefendantId, take = query.Limit + 1,
        };
    }

    internal static void Map(RouteGroupBuilder complaints) => complaints.MapGet("", (IMediator mediator, CancellationToken ct, int? limit, string? cursor,
            Guid? caseId, string? status, Guid? dpaId, Guid? defendantId) =>
            mediator.Send(new Query(limit ?? Infrastructure.Json.Cursor.DefaultLimit, cursor, caseId, status, dpaId, defendantId), ct))
        .WithName("ListComplaints")
        .WithSummary("List complaints")
        .WithDescription("The organisation's complaints, oldest first, filtered by `caseId`, `status`, `dpaId` and `defendantId`. Complainants are not listed; read one complaint for them.");
}
