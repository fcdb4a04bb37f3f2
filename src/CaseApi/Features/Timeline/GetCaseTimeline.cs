using System.Text.Json;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Json;
using CaseApi.Infrastructure.Mediation;
using FluentValidation;
using MediatR;

namespace CaseApi.Features.Timeline;

public static class GetCaseTimeline
{
    /// <summary>One thing that happened in a case.</summary>
    public sealed record TimelineEntryDto
    {
        /// <summary>The entry's id.</summary>
        public Guid Id { get; init; }

        /// <summary>When it happened.</summary>
        public DateTimeOffset OccurredAt { get; init; }

        /// <summary>When CaseApi recorded it (later than <c>occurredAt</c> for things recorded after the fact).</summary>
        public DateTimeOffset RecordedAt { get; init; }

        /// <summary>What happened, as <c>resource.event</c>.</summary>
        /// <example>complaint.status_changed</example>
        public required string Kind { get; init; }

        /// <summary>One sentence for people.</summary>
        /// <example>Complaint status changed from filed to acknowledged.</example>
        public required string Summary { get; init; }

        /// <summary>The kind of resource it is about.</summary>
        /// <example>complaint</example>
        public required string ResourceType { get; init; }

        /// <summary>That resource's id.</summary>
        public Guid ResourceId { get; init; }

        /// <summary>Machine-readable facts, e.g. <c>{"from": "filed", "to": "acknowledged"}</c>.</summary>
        public JsonElement Details { get; init; }

        /// <summary>The API key that did it; null for CaseApi's own jobs.</summary>
        public Guid? ApiKeyId { get; init; }
    }

    // A twin of TimelineEntryDto because the details come as jsonb text to parse into JsonElement, and the cursor needs seq.
    internal sealed record Row
    {
        public Guid Id { get; init; }

        public DateTimeOffset OccurredAt { get; init; }

        public DateTimeOffset RecordedAt { get; init; }

        public required string Kind { get; init; }

        public required string Summary { get; init; }

        public required string ResourceType { get; init; }

        public Guid ResourceId { get; init; }

        public required string Details { get; init; }

        public Guid? ApiKeyId { get; init; }

        public long Seq { get; init; }

        public TimelineEntryDto ToDto() => new()
        {
            Id = Id, OccurredAt = OccurredAt, RecordedAt = RecordedAt, Kind = Kind, Summary = Summary,
            ResourceType = ResourceType, ResourceId = ResourceId, Details = JsonDocument.Parse(Details).RootElement.Clone(), ApiKeyId = ApiKeyId,
        };
    }

    internal sealed record Key(DateTimeOffset OccurredAt, long Seq);

    public sealed record Query(Guid CaseId, int Limit, string? Cursor) : IQuery<Page<TimelineEntryDto>>;

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(q => q.Limit).IsPageSize();
            RuleFor(q => q.Cursor).IsCursorOf<Query, Key>();
        }
    }

    internal sealed class Handler(DbSession db) : IRequestHandler<Query, Page<TimelineEntryDto>>
    {
        public async Task<Page<TimelineEntryDto>> Handle(Query query, CancellationToken ct)
        {
            var caseExists = await db.QuerySingleAsync<bool>(
                "SELECT EXISTS (SELECT FROM cases WHERE id = @CaseId AND organisation_id = current_organisation_id())", query, ct);
            if (!caseExists)
            {
                throw new NotFoundException("case", query.CaseId);
            }

            Infrastructure.Json.Cursor.TryDecode<Key>(query.Cursor, out var after);
            var rows = await db.QueryAsync<Row>("""
                SELECT id, seq, occurred_at, recorded_at, kind, summary, resource_type, resource_id, details::text AS details, api_key_id
                FROM timeline_entries
                WHERE organisation_id = current_organisation_id() AND case_id = @caseId
                  AND (@afterAt::timestamptz IS NULL OR (occurred_at, seq) > (@afterAt, @afterSeq))
                ORDER BY occurred_at, seq
                LIMIT @take
                """, new { query.CaseId, afterAt = after?.OccurredAt, afterSeq = after?.Seq, take = query.Limit + 1 }, ct);
            return Infrastructure.Json.Cursor.ToPage(rows, query.Limit, r => new Key(r.OccurredAt, r.Seq)).Select(r => r.ToDto());
        }
    }

    internal static void Map(RouteGroupBuilder cases) => cases.MapGet("{id}/timeline", (Guid id, IMediator mediator, CancellationToken ct, int? limit, string? cursor) =>
            mediator.Send(new Query(id, limit ?? Infrastructure.Json.Cursor.DefaultLimit, cursor), ct))
        .WithName("GetCaseTimeline")
        .WithSummary("A case's timeline")
        .WithDescription("Everything that happened in the case, oldest first: the case opened, complaints filed, each status change, and later letters and deadlines, each with the API key that did it. Append-only: entries are never changed or removed.");
}
