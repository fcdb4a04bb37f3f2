using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Json;
using CaseApi.Infrastructure.Mediation;
using FluentValidation;
using MediatR;

namespace CaseApi.Features.Webhooks;

public static class ListWebhookDeliveries
{
    public sealed record Query(Guid WebhookId, int Limit, string? Cursor) : IQuery<Page<WebhookDeliveryDto>>;

    internal sealed record Key(DateTimeOffset CreatedAt, Guid Id);

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(q => q.Limit).IsPageSize();
            RuleFor(q => q.Cursor).IsCursorOf<Query, Key>();
        }
    }

    internal sealed class Handler(DbSession db) : IRequestHandler<Query, Page<WebhookDeliveryDto>>
    {
        public async Task<Page<WebhookDeliveryDto>> Handle(Query query, CancellationToken ct)
        {
            _ = await db.QuerySingleOrDefaultAsync<Guid?>("SELECT id FROM webhooks WHERE id = @WebhookId AND organisation_id = current_organisation_id()", query, ct)
                ?? throw new NotFoundException("webhook", query.WebhookId);
            Infrastructure.Json.Cursor.TryDecode<Key>(query.Cursor, out var before);
            var rows = await db.QueryAsync<WebhookDeliveryDto>($"""
                SELECT {WebhookDeliveryDto.Columns} FROM webhook_deliveries
                WHERE organisation_id = current_organisation_id() AND webhook_id = @webhookId
                  AND (@beforeAt::timestamptz IS NULL OR (created_at, id) < (@beforeAt, @beforeId))
                ORDER BY created_at DESC, id DESC
                LIMIT @take
                """, new { query.WebhookId, beforeAt = before?.CreatedAt, beforeId = before?.Id, take = query.Limit + 1 }, ct);
            var page = Infrastructure.Json.Cursor.ToPage(rows, query.Limit, d => new Key(d.CreatedAt, d.Id));
            return new Page<WebhookDeliveryDto>(await WebhookDeliveryDto.WithAttemptsAsync(db, page.Items, ct), page.NextCursor);
        }
    }

    internal static void Map(RouteGroupBuilder webhooks) => webhooks.MapGet("{id}/deliveries", (Guid id, IMediator mediator, CancellationToken ct, int? limit, string? cursor) =>
            mediator.Send(new Query(id, limit ?? Infrastructure.Json.Cursor.DefaultLimit, cursor), ct))
        .WithName("ListWebhookDeliveries")
        .WithSummary("List a webhook's deliveries")
        .WithDescription("The delivery log, newest first: each event queued for the webhook, its status and every attempt with the receiver's answer.");
}
