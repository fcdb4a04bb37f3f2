using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Mediation;
using MediatR;

namespace CaseApi.Features.Webhooks;

public static class RedeliverWebhook
{
    public sealed record Command(Guid WebhookId, Guid DeliveryId) : ICommand<WebhookDeliveryDto>;

    internal sealed class Handler(DbSession db, TimeProvider clock) : IRequestHandler<Command, WebhookDeliveryDto>
    {
        public async Task<WebhookDeliveryDto> Handle(Command cmd, CancellationToken ct)
        {
            var enabled = await db.QuerySingleOrDefaultAsync<bool?>("""
                SELECT w.enabled FROM webhook_deliveries d JOIN webhooks w ON w.organisation_id = d.organisation_id AND w.id = d.webhook_id
                WHERE d.organisation_id = current_organisation_id() AND d.id = @DeliveryId AND d.webhook_id = @WebhookId
                """, cmd, ct) ?? throw new NotFoundException("webhook delivery", cmd.DeliveryId);
            if (!enabled)
            {
                throw new ConflictException("webhook_disabled", $"Webhook {cmd.WebhookId} is turned off; turn it on before redelivering.");
            }

            // Same delivery, same webhook-id: the receiver sees a retry. The retry schedule starts again from here.
            var delivery = await db.QuerySingleAsync<WebhookDeliveryDto>($"""
                WITH redelivered AS (
                    UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = @now, schedule_start = attempts
                    WHERE organisation_id = current_organisation_id() AND id = @DeliveryId
                    RETURNING {WebhookDeliveryDto.Columns}, organisation_id
                ), queued AS (
                    INSERT INTO jobs.webhook_dispatch (delivery_id, organisation_id, next_attempt_at)
                    SELECT id, organisation_id, @now FROM redelivered
                    ON CONFLICT (delivery_id) DO UPDATE SET next_attempt_at = excluded.next_attempt_at
                )
                SELECT {WebhookDeliveryDto.Columns} FROM redelivered
                """, new { cmd.DeliveryId, now = clock.GetUtcNow() }, ct);
            return (await WebhookDeliveryDto.WithAttemptsAsync(db, [delivery], ct))[0];
        }
    }

    internal static void Map(RouteGroupBuilder webhooks) => webhooks.MapPost("{id}/deliveries/{deliveryId}/redeliver",
            async (Guid id, Guid deliveryId, IMediator mediator, CancellationToken ct) => Results.Accepted(value: await mediator.Send(new Command(id, deliveryId), ct)))
        .WithName("RedeliverWebhook")
        .WithSummary("Deliver an event again")
        .WithDescription("Queues the delivery for an attempt now, with the same `webhook-id`, whatever its status; failures are retried on the usual schedule. 409 while the webhook is turned off.")
        .Produces<WebhookDeliveryDto>(StatusCodes.Status202Accepted);
}
