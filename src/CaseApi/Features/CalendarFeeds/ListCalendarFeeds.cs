using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Json;
using CaseApi.Infrastructure.Mediation;
using FluentValidation;
using MediatR;

namespace CaseApi.Features.CalendarFeeds;

public static class ListCalendarFeeds
{
    public sealed record Query(int Limit, string? Cursor) : IQuery<Page<CalendarFeedDto>>;

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(q => q.Limit).IsPageSize();
            RuleFor(q => q.Cursor).IsCursorOf<Query, Guid>();
        }
    }

    internal sealed class Handler(DbSession db) : IRequestHandler<Query, Page<CalendarFeedDto>>
    {
        public async Task<Page<CalendarFeedDto>> Handle(Query query, CancellationToken ct)
        {
            Infrastructure.Json.Cursor.TryDecode<Guid>(query.Cursor, out var after);
            var rows = await db.QueryAsync<CalendarFeedDto>($"""
                SELECT {CalendarFeedDto.Columns} FROM calendar_feeds
                WHERE organisation_id = current_organisation_id() AND (@after::uuid IS NULL OR id > @after)
                ORDER BY id LIMIT @take
                """, new { after = query.Cursor is null ? (Guid?)null : after, take = query.Limit + 1 }, ct);
            return Infrastructure.Json.Cursor.ToPage(rows, query.Limit, f => f.Id);
        }
    }

    internal static void Map(RouteGroupBuilder feeds) => feeds.MapGet("", (IMediator mediator, CancellationToken ct, int? limit, string? cursor) =>
            mediator.Send(new Query(limit ?? Infrastructure.Json.Cursor.DefaultLimit, cursor), ct))
        .WithName("ListCalendarFeeds")
        .WithSummary("List calendar feeds")
        .WithDescription("The organisation's calendar feeds, without their tokens.");
}
