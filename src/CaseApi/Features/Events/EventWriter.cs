using System.Text.Json;
using CaseApi.Infrastructure.Data;
using Microsoft.Extensions.Options;

namespace CaseApi.Features.Events;

/// <summary>
/// Writes events in the current transaction, with the resource as the API returns it: the event exists exactly
/// when the change does (transactional outbox), for the change feed and webhooks.
/// </summary>
/// <remarks>
/// Webhooks are fanned out by the database in the same transaction: the trigger <c>events_fan_out</c> on <c>events</c>
/// runs <c>jobs.fan_out_events()</c> once per INSERT, writing a <c>webhook_deliveries</c> and a <c>jobs.webhook_dispatch</c>
/// row per matching webhook. Its current definition: db/migrations/0013_fan_out_events_per_statement.sql (it replaced 0012's).
/// </remarks>
public sealed class EventWriter(DbSession db, TimeProvider clock, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json)
{
    /// <summary>What happened to which resource, and the resource as the API returns it after the change.</summary>
    public sealed record Change(string Type, string ResourceType, Guid ResourceId, object Resource);

    public Task AppendAsync(string type, string resourceType, Guid resourceId, object resource, CancellationToken ct) =>
        AppendManyAsync([new Change(type, resourceType, resourceId, resource)], ct);

    /// <summary>
    /// One statement for a whole batch (the deadline sweep writes thousands). Rows are inserted in the order given,
    /// which is their order in the feed: it sorts a transaction's events by the identity they draw on insert.
    /// </summary>
    public Task AppendManyAsync(IReadOnlyList<Change> changes, CancellationToken ct)
    {
        if (changes.Count == 0)
        {
            return Task.CompletedTask;
        }

        var now = clock.GetUtcNow();
        return db.ExecuteAsync("""
            INSERT INTO events (id, organisation_id, type, occurred_at, resource_type, resource_id, data)
            SELECT e.id, current_organisation_id(), e.type, @now, e.resource_type, e.resource_id, e.data::jsonb
            FROM unnest(@ids, @types, @resourceTypes, @resourceIds, @data) WITH ORDINALITY AS e(id, type, resource_type, resource_id, data, n)
            ORDER BY e.n
            """,
            new
            {
                ids = changes.Select(_ => Guid.CreateVersion7(now)).ToArray(), types = changes.Select(c => c.Type).ToArray(), now,
                resourceTypes = changes.Select(c => c.ResourceType).ToArray(), resourceIds = changes.Select(c => c.ResourceId).ToArray(),
                data = changes.Select(c => JsonSerializer.Serialize(c.Resource, json.Value.SerializerOptions)).ToArray(),
            },
            ct);
    }
}
