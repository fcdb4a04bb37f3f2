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

    internal sealed class Handler(DbSession db) : IRequestHandler<Query, Page<SettlementDto>>
    {
        public async Task<Page<SettlementDto>> Handle(Query query, CancellationToken ct)
        {
            return await RepresentativeReader.PageAsync<SettlementDto>(db, "representative_settlements", SettlementDto.Columns, r => r.Seq, query.ProceedingId, query.Limit, query.Cursor, ct);
        }
    }

    internal static void Map(RouteGroupBuilder proceedings) => proceedings.MapGet("{id}/settlements", (Guid id, IMediator mediator, CancellationToken ct, int? limit, string? cursor) =>
            mediator.Send(new Query(id, limit ?? Infrastructure.Json.Cursor.DefaultLimit, cursor), ct))
        .ProducesProblem(StatusCodes.Status409Conflict)
        .WithName("ListSettlements")
        .WithSummary("List the court settlements of a representative action")
        .WithDescription("The settlements recorded (VDuG § 9), in the order recorded, each with its opt-out deadline (VDuG § 10(1)).");
}
