using System.Text.Json;
using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Data;

namespace CaseApi.Features.Timeline;

/// <summary>Appends to a case's timeline inside the current transaction, naming the API key that acted.</summary>
public sealed class TimelineWriter(DbSession db, CallerContext caller, TimeProvider clock)
{
    /// <summary>
    /// The one insert into a timeline, for <see cref="AppendAsync"/> and for the set-wise writers (the deadline sweep's CTEs, which
    /// act for no API key): a VALUES or SELECT of these columns follows.
    /// </summary>
    public const string Insert =
        "INSERT INTO timeline_entries (id, organisation_id, case_id, occurred_at, recorded_at, kind, summary, resource_type, resource_id, details, api_key_id)";

    /// <param name="caseId">The case the entry belongs to.</param>
    /// <param name="kind">What happened, as <c>resource.event</c>, e.g. <c>complaint.status_changed</c>.</param>
    /// <param name="summary">One sentence for people.</param>
    /// <param name="resourceType">The kind of resource the entry is about, e.g. <c>complaint</c>.</param>
    /// <param name="resourceId">Its id.</param>
    /// <param name="occurredAt">When it happened, if not now (a letter recorded as sent last week).</param>
    /// <param name="details">Machine-readable facts, e.g. the old and new status.</param>
    /// <param name="ct">Cancels the write.</param>
    public Task AppendAsync(Guid caseId, string kind, string summary, string resourceType, Guid resourceId,
        DateTimeOffset? occurredAt = null, object? details = null, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        return db.ExecuteAsync($"""
            {Insert}
            VALUES (@id, current_organisation_id(), @caseId, @occurredAt, @now, @kind, @summary, @resourceType, @resourceId, @details::jsonb, @apiKeyId)
            """,
            new
            {
                id = Guid.CreateVersion7(now), caseId, occurredAt = occurredAt ?? now, now, kind, summary, resourceType, resourceId,
                details = JsonSerializer.Serialize(details ?? new { }, JsonSerializerOptions.Web), apiKeyId = caller.ApiKeyId,
            },
            ct);
    }
}
