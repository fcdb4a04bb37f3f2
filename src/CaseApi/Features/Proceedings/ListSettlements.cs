using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Json;
using CaseApi.Infrastructure.Mediation;
using FluentValidation;
using MediatR;

namespace CaseApi.Features.Proceedings;

public static class ListSettlements
{
    public sealed record Query(Guid ProceedingId, int Limit, string? Cursor) : IQuery<Page<SettlementDto>>;

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(q => q.Limit).IsPageSize();
            RuleFor(q => q.Cursor).IsCursorOf<Query, long>();
        }
    }

    internal sealed record SettlementRow
    {
        public long Seq { get; init; }

        public Guid Id { get; init; }

        public Guid ProceedingId { get; init; }

        public DateOnly ApprovedOn { get; init; }

        public DateOnly? ServedOn { get; init; }

        public DateOnly PublishedOn { get; init; }

        public required string Summary { get; init; }

        public Guid OptOutDeadlineId { get; init; }

        public DateTimeOffset RecordedAt { get; init; }

        public SettlementDto ToDto() => new()
        {
            Id = Id, ProceedingId = ProceedingId, ApprovedOn = ApprovedOn, ServedOn = ServedOn, PublishedOn = PublishedOn, Summary = Summary,
            OptOutDeadlineId = OptOutDeadlineId, RecordedAt = RecordedAt,
        };
    }

    internal sealed class Handler(DbSession db) : IRequestHandler<Query, Page<SettlementDto>>
    {
        public async Task<Page<SettlementDto>> Handle(Query query, CancellationToken ct)
        {
            await RepresentativeReader.ProceedingAsync(db, query.ProceedingId, ct);
            Infrastructure.Json.Cursor.TryDecode<long>(query.Cursor, out var after);
            var rows = await db.QueryAsync<SettlementRow>($"""
                SELECT seq, {SettlementDto.Columns} FROM representative_settlements
                WHERE organisation_id = current_organisation_id() AND proceeding_id = @ProceedingId
                  AND (@after::bigint IS NULL OR seq > @after)
                ORDER BY seq
                LIMIT @take
                """, new { query.ProceedingId, after = query.Cursor is null ? (long?)null : after, take = query.Limit + 1 }, ct);
            return Infrastructure.Json.Cursor.ToPage(rows, query.Limit, r => r.Seq).Select(r => r.ToDto());
        }
    }

    internal static void Map(RouteGroupBuilder proceedings) => proceedings.MapGet("{id:guid}/settlements", (Guid id, IMediator mediator, CancellationToken ct, int? limit, string? cursor) =>
            mediator.Send(new Query(id, limit ?? Infrastructure.Json.Cursor.DefaultLimit, cursor), ct))
        .ProducesProblem(StatusCodes.Status409Conflict)
        .WithName("ListSettlements")
        .WithSummary("List the court settlements of a representative action")
        .WithDescription("The settlements recorded (VDuG § 9), in the order recorded, each with its opt-out deadline (VDuG § 10(1)).");
}
