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
            var page = await RepresentativeReader.PageAsync<SettlementRow>(db, "representative_settlements", SettlementDto.Columns, r => r.Seq, query.ProceedingId, query.Limit, query.Cursor, ct);
            return page.Select(r => r.ToDto());
        }
    }

    internal static void Map(RouteGroupBuilder proceedings) => proceedings.MapGet("{id}/settlements", (Guid id, IMediator mediator, CancellationToken ct, int? limit, string? cursor) =>
            mediator.Send(new Query(id, limit ?? Infrastructure.Json.Cursor.DefaultLimit, cursor), ct))
        .ProducesProblem(StatusCodes.Status409Conflict)
        .WithName("ListSettlements")
        .WithSummary("List the court settlements of a representative action")
        .WithDescription("The settlements recorded (VDuG § 9), in the order recorded, each with its opt-out deadline (VDuG § 10(1)).");
}
