using System.Text.Json;
using CaseApi.Infrastructure.Data;
using Microsoft.Extensions.Options;

namespace CaseApi.Features.Events;

/// <summary>
/// Writes an event in the current transaction, with the resource as the API returns it: the event exists exactly
/// when the change does (transactional outbox), for the change feed and, later, webhooks.
/// </summary>
public sealed class EventWriter(DbSession db, TimeProvider clock, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json)
{
    public Task AppendAsync(string type, string resourceType, Guid resourceId, object resource, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        return db.ExecuteAsync("""
            INSERT INTO events (id, organisation_id, type, occurred_at, resource_type, resource_id, data)
            VALUES (@id, current_organisation_id(), @type, @now, @resourceType, @resourceId, @data::jsonb)
            """,
            new { id = Guid.CreateVersion7(now), type, now, resourceType, resourceId, data = JsonSerializer.Serialize(resource, json.Value.SerializerOptions) },
            ct);
    }
}
