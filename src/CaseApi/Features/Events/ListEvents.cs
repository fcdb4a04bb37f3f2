using System.Text.Json;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Json;
using CaseApi.Infrastructure.Mediation;
using FluentValidation;
using MediatR;

namespace CaseApi.Features.Events;

public static class ListEvents
{
    /// <summary>Something that happened, with the resource as the API returned it then.</summary>
    public sealed record EventDto
    {
        /// <summary>The event's id; the same in the feed and in webhooks.</summary>
        public Guid Id { get; init; }

        /// <summary>What happened.</summary>
        /// <example>letter.sent</example>
        public required string Type { get; init; }

        /// <summary>When.</summary>
        public DateTimeOffset OccurredAt { get; init; }

        /// <summary>The kind of resource.</summary>
        /// <example>letter</example>
        public required string ResourceType { get; init; }

        /// <summary>Its id.</summary>
        public Guid ResourceId { get; init; }

        /// <summary>The resource as the API returned it at the time.</summary>
        public JsonElement Data { get; init; }
    }

    // A twin of EventDto because the data comes as jsonb text to parse into JsonElement, and the cursor needs the transaction id and seq.
    internal sealed record Row
    {
        public Guid Id { get; init; }

        public required string Type { get; init; }

        public DateTimeOffset OccurredAt { get; init; }

        public required string ResourceType { get; init; }

        public Guid ResourceId { get; init; }

        public required string Data { get; init; }

        public required string Txid { get; init; }

        public long Seq { get; init; }
    }

    internal sealed record Key(string Txid, long Seq);

    public sealed record Query(int Limit, string? After, IReadOnlyList<string>? Types) : IQuery<Page<EventDto>>;

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(q => q.Limit).IsPageSize();
            RuleFor(q => q.After).Must(after => Infrastructure.Json.Cursor.TryDecode<Key>(after, out var key) && (key is null || ulong.TryParse(key.Txid, out _)))
                .WithMessage("Not a cursor from this feed.");
            RuleFor(q => q.Types).Must(types => types is null || (types.Count <= EventTypes.All.Count && types.All(EventTypes.IsKnown)))
                .WithMessage("Known event types such as letter.sent; the webhooks section of the API description lists them.");
        }
    }

    internal sealed class Handler(DbSession db) : IRequestHandler<Query, Page<EventDto>>
    {
        public async Task<Page<EventDto>> Handle(Query query, CancellationToken ct)
        {
            Infrastructure.Json.Cursor.TryDecode<Key>(query.After, out var after);
            var rows = await db.QueryAsync<Row>("""
                SELECT id, type, occurred_at, resource_type, resource_id, data::text AS data, txid::text AS txid, seq
                FROM events
                WHERE organisation_id = current_organisation_id()
                  AND (@afterTxid::text IS NULL OR (txid, seq) > (@afterTxid::xid8, @afterSeq))
                  AND txid < pg_snapshot_xmin(pg_current_snapshot())
                  AND (@types::text[] IS NULL OR type = ANY (@types))
                -- Qualified: a bare "txid" here would name the text column of the SELECT list, and "1000" sorts before "999".
                ORDER BY events.txid, events.seq
                LIMIT @take
                """, new { afterTxid = after?.Txid, afterSeq = after?.Seq ?? 0, types = query.Types?.ToArray(), take = query.Limit + 1 }, ct);
            var page = Infrastructure.Json.Cursor.ToPage(rows, query.Limit, r => new Key(r.Txid, r.Seq));
            // Unlike other lists, the feed always hands out a cursor: the last event seen, to poll after, even on the last page.
            var last = page.Items.Count > 0 ? Infrastructure.Json.Cursor.Encode(new Key(page.Items[^1].Txid, page.Items[^1].Seq)) : query.After;
            return new Page<EventDto>(page.Items.Select(r => new EventDto
            {
                Id = r.Id, Type = r.Type, OccurredAt = r.OccurredAt, ResourceType = r.ResourceType, ResourceId = r.ResourceId,
                Data = JsonDocument.Parse(r.Data).RootElement.Clone(),
            }).ToArray(), last);
        }
    }

    public static void MapEvents(this RouteGroupBuilder v1) => v1.MapGet("/events", (IMediator mediator, CancellationToken ct, int? limit, string? after, string? types) =>
            mediator.Send(new Query(limit ?? Infrastructure.Json.Cursor.DefaultLimit, after,
                types?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)), ct))
        .WithTags("Events")
        .WithName("ListEvents")
        .WithSummary("The change feed")
        .WithDescription("""
            The organisation's events in commit order. Poll with `after` set to the `nextCursor` of your last page: it is
            always returned, also on the last page, and an empty page means nothing new yet. Gap-free: an event whose
            transaction is still running when a later one has committed is held back until it commits, so a client that
            polls never misses one. `types` filters by a comma-separated list, e.g. `letter.sent,deadline.missed`.
            """);
}
