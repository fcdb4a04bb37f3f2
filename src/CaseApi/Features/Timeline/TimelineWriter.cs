using System.Text.Json;
using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Data;
using Dapper;

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

    /// <summary>
    /// <see cref="Entry"/>'s insert as a common table expression, to open the statement that makes the change the entry records: one
    /// statement instead of two (issue 16: each statement a send ran cost PostgreSQL 60–120 µs before it did anything). Its parameters come
    /// from <see cref="WithEntry"/>.
    /// </summary>
    public const string EntryCte = $"timeline_entry AS ({Insert} {EntryValues})";

    private const string EntryValues = """
        VALUES (@entryId, current_organisation_id(), @entryCaseId, @entryOccurredAt, @entryRecordedAt, @entryKind, @entrySummary, @entryResourceType,
            @entryResourceId, @entryDetails::jsonb, @entryApiKeyId)
        """;

    /// <summary>What an entry says.</summary>
    /// <param name="CaseId">The case the entry belongs to.</param>
    /// <param name="Kind">What happened, as <c>resource.event</c>, e.g. <c>complaint.status_changed</c>.</param>
    /// <param name="Summary">One sentence for people.</param>
    /// <param name="ResourceType">The kind of resource the entry is about, e.g. <c>complaint</c>.</param>
    /// <param name="ResourceId">Its id.</param>
    /// <param name="OccurredAt">When it happened, if not now (a letter recorded as sent last week).</param>
    /// <param name="Details">Machine-readable facts, e.g. the old and new status.</param>
    public sealed record Entry(
        Guid CaseId, string Kind, string Summary, string ResourceType, Guid ResourceId, DateTimeOffset? OccurredAt = null, object? Details = null);

    /// <summary>Appends an entry on its own; the parameters are <see cref="Entry"/>'s.</summary>
    public Task AppendAsync(Guid caseId, string kind, string summary, string resourceType, Guid resourceId,
        DateTimeOffset? occurredAt = null, object? details = null, CancellationToken ct = default) =>
        db.ExecuteAsync($"{Insert} {EntryValues}", WithEntry(null, new Entry(caseId, kind, summary, resourceType, resourceId, occurredAt, details)), ct);

    /// <summary>The parameters of a statement that opens with <see cref="EntryCte"/>: its own, and the entry's.</summary>
    public DynamicParameters WithEntry(object? statementParameters, Entry entry)
    {
        var now = clock.GetUtcNow();
        var parameters = new DynamicParameters(statementParameters);
        parameters.AddDynamicParams(new
        {
            entryId = Guid.CreateVersion7(now), entryCaseId = entry.CaseId, entryOccurredAt = entry.OccurredAt ?? now, entryRecordedAt = now,
            entryKind = entry.Kind, entrySummary = entry.Summary, entryResourceType = entry.ResourceType, entryResourceId = entry.ResourceId,
            entryDetails = JsonSerializer.Serialize(entry.Details ?? new { }, JsonSerializerOptions.Web), entryApiKeyId = caller.ApiKeyId,
        });
        return parameters;
    }
}
