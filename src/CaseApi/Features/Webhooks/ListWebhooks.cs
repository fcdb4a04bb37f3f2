using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Json;
using CaseApi.Infrastructure.Mediation;
using FluentValidation;
using MediatR;

namespace CaseApi.Features.Webhooks;

public static class ListWebhooks
{
    public sealed record Query(int Limit, string? Cursor) : IQuery<Page<WebhookDto>>;

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(q => q.Limit).IsPageSize();
            RuleFor(q => q.Cursor).IsCursorOf<Query, Guid>();
        }
    }

    internal sealed class Handler(DbSession db) : IRequestHandler<Query, Page<WebhookDto>>
    {
        public async Task<Page<WebhookDto>> Handle(Query query, CancellationToken ct)
        {
            Infrastructure.Json.Cursor.TryDecode<Guid>(query.Cursor, out var after);
            // Version-7 ids grow with creation time, so the id alone is a stable keyset.
            var rows = await db.QueryAsync<WebhookDto>($"""
                SELECT {WebhookDto.Columns} FROM webhooks
                WHERE organisation_id = current_organisation_id() AND (@after IS NULL OR id > @after)
                ORDER BY id
                LIMIT @take
                """, new { after = query.Cursor is null ? (Guid?)null : after, take = query.Limit + 1 }, ct);
            return Infrastructure.Json.Cursor.ToPage(rows, query.Limit, r => r.Id);
        }
    }

    internal static void Map(RouteGroupBuilder webhooks) => webhooks.MapGet("", (IMediator mediator, CancellationToken ct, int? limit, string? cursor) =>
            mediator.Send(new Query(limit ?? Infrastructure.Json.Cursor.DefaultLimit, cursor), ct))
        .WithName("ListWebhooks")
        .WithSummary("List webhooks")
        .WithDescription("The organisation's webhooks, oldest first, without their secrets.");
}
