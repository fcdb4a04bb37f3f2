using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Json;
using CaseApi.Infrastructure.Mediation;
using FluentValidation;
using MediatR;

namespace CaseApi.Features.Proceedings;

public static class ListProceedingEvents
{
    public sealed record Query(Guid ProceedingId, int Limit, string? Cursor) : IQuery<Page<ProceedingEventDto>>;

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(q => q.Limit).IsPageSize();
            RuleFor(q => q.Cursor).IsCursorOf<Query, long>();
        }
    }

    internal sealed class Handler(DbSession db) : IRequestHandler<Query, Page<ProceedingEventDto>>
    {
        public async Task<Page<ProceedingEventDto>> Handle(Query query, CancellationToken ct)
        {
            if (!await db.QuerySingleAsync<bool>(
                    "SELECT EXISTS (SELECT FROM proceedings WHERE id = @ProceedingId AND organisation_id = current_organisation_id())", query, ct))
            {
                throw new NotFoundException("proceeding", query.ProceedingId);
            }

            Infrastructure.Json.Cursor.TryDecode<long>(query.Cursor, out var after);
            // In the order recorded: the history as the organisation learnt it.
            var rows = await db.QueryAsync<ProceedingEventDto>($"""
                SELECT {ProceedingEventDto.Columns} FROM proceeding_events
                WHERE organisation_id = current_organisation_id() AND proceeding_id = @ProceedingId
                  AND (@after::bigint IS NULL OR seq > @after)
                ORDER BY seq
                LIMIT @take
                """, new { query.ProceedingId, after = query.Cursor is null ? (long?)null : after, take = query.Limit + 1 }, ct);
            return Infrastructure.Json.Cursor.ToPage(rows, query.Limit, r => r.Seq);
        }
    }

    internal static void Map(RouteGroupBuilder proceedings) => proceedings.MapGet("{id}/events", (Guid id, IMediator mediator, CancellationToken ct, int? limit, string? cursor) =>
            mediator.Send(new Query(id, limit ?? Infrastructure.Json.Cursor.DefaultLimit, cursor), ct))
        .WithName("ListProceedingEvents")
        .WithSummary("List a proceeding's events")
        .WithDescription("The proceeding's history, in the order recorded.");
}
