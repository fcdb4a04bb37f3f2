using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Json;
using CaseApi.Infrastructure.Mediation;
using FluentValidation;
using MediatR;

namespace CaseApi.Features.Proceedings;

public static class ListRepresentedConsumers
{
    public sealed record Query(Guid ProceedingId, int Limit, string? Cursor) : IQuery<Page<RepresentedConsumerDto>>;

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(q => q.Limit).IsPageSize();
            RuleFor(q => q.Cursor).IsCursorOf<Query, long>();
        }
    }

    internal sealed class Handler(DbSession db) : IRequestHandler<Query, Page<RepresentedConsumerDto>>
    {
        public async Task<Page<RepresentedConsumerDto>> Handle(Query query, CancellationToken ct)
        {
            return await RepresentativeReader.PageAsync<RepresentedConsumerDto>(db, "represented_consumers", RepresentedConsumerDto.Columns, r => r.Seq, query.ProceedingId, query.Limit, query.Cursor, ct);
        }
    }

    internal static void Map(RouteGroupBuilder proceedings) => proceedings.MapGet("{id}/consumers", (Guid id, IMediator mediator, CancellationToken ct, int? limit, string? cursor) =>
            mediator.Send(new Query(id, limit ?? Infrastructure.Json.Cursor.DefaultLimit, cursor), ct))
        .RequireAuthorization(Policies.PersonalData)
        .ProducesProblem(StatusCodes.Status409Conflict)
        .WithName("ListRepresentedConsumers")
        .WithSummary("List the consumers the organisation advises in a representative action")
        .WithDescription("Personal data: lawyer and admin keys only (403 for others, who see `consumersKept` on the representative side). Erased consumers stay, pseudonymised.");
}
