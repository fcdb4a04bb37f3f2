using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Json;
using CaseApi.Infrastructure.Mediation;
using FluentValidation;
using MediatR;

namespace CaseApi.Features.Proceedings;

public static class ListProceedings
{
    // InCase: listed under a case's route, where an unknown case is a 404, not an empty list.
    public sealed record Query(int Limit, string? Cursor, Guid? CaseId, Guid? CourtId, string? Kind, string? Status, bool InCase = false) : IQuery<Page<ProceedingDto>>;

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(q => q.Limit).IsPageSize();
            RuleFor(q => q.Cursor).IsCursorOf<Query, Guid>();
            RuleFor(q => q.Kind).IsNameOf<Query, ProceedingKind>();
            RuleFor(q => q.Status).IsNameOf<Query, ProceedingStatus>();
        }
    }

    internal sealed class Handler(DbSession db) : IRequestHandler<Query, Page<ProceedingDto>>
    {
        public async Task<Page<ProceedingDto>> Handle(Query query, CancellationToken ct)
        {
            if (query.InCase && !await db.QuerySingleAsync<bool>(
                    "SELECT EXISTS (SELECT FROM cases WHERE id = @CaseId AND organisation_id = current_organisation_id())", new { query.CaseId }, ct))
            {
                throw new NotFoundException("case", query.CaseId!.Value);
            }

            Infrastructure.Json.Cursor.TryDecode<Guid>(query.Cursor, out var after);
            // Oldest first by id (version-7 ids grow with creation time).
            var rows = await db.QueryAsync<ProceedingRow>($"""
                SELECT {ProceedingRow.Columns} FROM proceedings
                WHERE organisation_id = current_organisation_id()
                  AND (@after::uuid IS NULL OR id > @after)
                  AND (@caseId::uuid IS NULL OR case_id = @caseId)
                  AND (@courtId::uuid IS NULL OR court_id = @courtId)
                  AND (@kind::text IS NULL OR kind = @kind)
                  AND (@status::text IS NULL OR status = @status)
                ORDER BY id
                LIMIT @take
                """,
                new { after = query.Cursor is null ? (Guid?)null : after, query.CaseId, query.CourtId, query.Kind, query.Status, take = query.Limit + 1 }, ct);
            var page = Infrastructure.Json.Cursor.ToPage(rows, query.Limit, r => r.Id);
            return new Page<ProceedingDto>(await ProceedingReader.ToDtosAsync(db, page.Items, ct), page.NextCursor);
        }
    }

    internal static void Map(RouteGroupBuilder v1)
    {
        v1.MapGet("/proceedings", (IMediator mediator, CancellationToken ct, int? limit, string? cursor, Guid? caseId, Guid? courtId, string? kind, string? status) =>
                mediator.Send(new Query(limit ?? Infrastructure.Json.Cursor.DefaultLimit, cursor, caseId, courtId, kind, status), ct))
            .WithTags("Proceedings")
            .WithName("ListProceedings")
            .WithSummary("List proceedings")
            .WithDescription("The organisation's court proceedings, oldest first, filtered by `caseId`, `courtId`, `kind` and `status`.");
        v1.MapGet("/cases/{caseId}/proceedings", (Guid caseId, IMediator mediator, CancellationToken ct, int? limit, string? cursor) =>
                mediator.Send(new Query(limit ?? Infrastructure.Json.Cursor.DefaultLimit, cursor, caseId, null, null, null, InCase: true), ct))
            .WithTags("Proceedings")
            .WithName("ListCaseProceedings")
            .WithSummary("List a case's proceedings")
            .WithDescription("The case's court proceedings, oldest first; 404 for an unknown case.");
    }
}
