using System.Text.Json;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Jobs;
using CaseApi.Infrastructure.Mediation;
using CaseApi.Infrastructure.Secrets;
using MediatR;
using Microsoft.Extensions.Options;

namespace CaseApi.Features.Webhooks;

/// <summary>
/// Claims the deliveries that are due, across organisations, and hands them out to be sent. Claiming leases each
/// row (moves its <c>next_attempt_at</c> past the send timeout) and commits, so that the HTTP call that follows
/// holds no lock and no transaction; a dispatcher killed mid-send leaves the lease to run out, and the delivery is
/// tried again with the same <c>webhook-id</c> (at least once: receivers drop duplicates by that id).
/// </summary>
public static class DispatchWebhooks
{
    public const int DefaultBatchSize = 100;

    public sealed record Command(int BatchSize = DefaultBatchSize) : ICommand<IReadOnlyList<Outgoing>>;

    /// <summary>One delivery to attempt: the signed request is made from these.</summary>
    /// <param name="OrganisationId">Whose delivery it is.</param>
    /// <param name="WebhookId">The webhook it goes to.</param>
    /// <param name="DeliveryId">The delivery, sent as <c>webhook-id</c>.</param>
    /// <param name="Attempt">The attempt this is, 1 for the first.</param>
    /// <param name="Url">Where to post.</param>
    /// <param name="Secret">The webhook's signing secret.</param>
    /// <param name="Body">The JSON body, exactly as signed and sent.</param>
    public sealed record Outgoing(Guid OrganisationId, Guid WebhookId, Guid DeliveryId, int Attempt, string Url, string Secret, string Body);

    private sealed record Due
    {
        public Guid Id { get; init; }

        public Guid WebhookId { get; init; }

        public required string Status { get; init; }

        public int Attempts { get; init; }

        public bool Enabled { get; init; }

        public required string Url { get; init; }

        public required string Secret { get; init; }

        public Guid EventId { get; init; }

        public required string Type { get; init; }

        public DateTimeOffset OccurredAt { get; init; }

        public required string Data { get; init; }
    }

    internal sealed class Handler(
        DbSession db, TimeProvider clock, WebhookTimings timings, SecretProtector secrets, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json,
        ILogger<Handler> logger)
        : IRequestHandler<Command, IReadOnlyList<Outgoing>>
    {
        public async Task<IReadOnlyList<Outgoing>> Handle(Command cmd, CancellationToken ct)
        {
            var now = clock.GetUtcNow();
            var claims = await WorkList.ClaimAsync(db, "jobs.webhook_dispatch", "delivery_id", now, cmd.BatchSize, now + timings.Lease, ct);
            var outgoing = new List<Outgoing>(claims.Count);
            await WorkList.ForEachOrganisationAsync(db, claims, async (organisationId, ids) =>
            {
                // In commit order, as the change feed has them: each webhook gets its deliveries one by one in this order.
                var due = await db.QueryAsync<Due>("""
                    SELECT d.id, d.webhook_id, d.status, d.attempts, w.enabled, w.url, w.secret, e.id AS event_id, e.type, e.occurred_at, e.data::text AS data
                    FROM webhook_deliveries d
                    JOIN webhooks w ON w.organisation_id = d.organisation_id AND w.id = d.webhook_id
                    JOIN events e ON e.id = d.event_id
                    WHERE d.organisation_id = current_organisation_id() AND d.id = ANY (@ids)
                    ORDER BY e.txid, e.seq
                    """, new { ids }, ct);
                var send = due.Where(d => d.Status == "pending" && d.Enabled).ToArray();
                // A webhook turned off after the event was queued: its deliveries stop here and leave the work list.
                await db.ExecuteAsync("""
                    WITH stopped AS (
                        UPDATE webhook_deliveries SET status = 'failed', next_attempt_at = NULL, last_error = 'The webhook is turned off.'
                        WHERE organisation_id = current_organisation_id() AND id = ANY (@off)
                    )
                    DELETE FROM jobs.webhook_dispatch WHERE delivery_id = ANY (@done)
                    """,
                    new
                    {
                        off = due.Where(d => d.Status == "pending" && !d.Enabled).Select(d => d.Id).ToArray(),
                        done = ids.Except(send.Select(d => d.Id)).ToArray(),
                    },
                    ct);
                outgoing.AddRange(send.Select(d => new Outgoing(organisationId, d.WebhookId, d.Id, d.Attempts + 1, d.Url, secrets.Unprotect(d.Secret), Body(d))));
            },
            (refused, organisationId, count) => logger.LogError(refused,
                "Webhook dispatch: PostgreSQL refused the changes to organisation {OrganisationId}'s {Count} deliveries; they are tried again when their lease runs out",
                organisationId, count),
            ct);

            return outgoing;
        }

        private string Body(Due d)
        {
            using var data = JsonDocument.Parse(d.Data);
            var payload = new WebhookPayload<JsonElement> { Id = d.EventId, Type = d.Type, Timestamp = d.OccurredAt.ToUniversalTime(), Data = data.RootElement };
            return JsonSerializer.Serialize(payload, json.Value.SerializerOptions);
        }
    }
}
