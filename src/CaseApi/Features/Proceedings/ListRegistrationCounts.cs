using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Json;
using CaseApi.Infrastructure.Mediation;
using FluentValidation;
using MediatR;

namespace CaseApi.Features.Proceedings;

public static class ListRegistrationCounts
{
    public sealed record Query(Guid ProceedingId, int Limit, string? Cursor) : IQuery<Page<RegistrationCountDto>>;

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(q => q.Limit).IsPageSize();
            RuleFor(q => q.Cursor).IsCursorOf<Query, long>();
        }
    }

    internal sealed class Handler(DbSession db) : IRequestHandler<Query, Page<RegistrationCountDto>>
    {
        public async Task<Page<RegistrationCountDto>> Handle(Query query, CancellationToken ct)
        {
            // In the order recorded; countedOn says when each count held.
            return await RepresentativeReader.PageAsync<RegistrationCountDto>(db, "representative_registrations", RegistrationCountDto.Columns, r => r.Seq, query.ProceedingId, query.Limit, query.Cursor, ct);
        }
    }

    internal static void Map(RouteGroupBuilder proceedings) => proceedings.MapGet("{id}/registrations", (Guid id, IMediator mediator, CancellationToken ct, int? limit, string? cursor) =>
            mediator.Send(new Query(id, limit ?? Infrastructure.Json.Cursor.DefaultLimit, cursor), ct))
        .ProducesProblem(StatusCodes.Status409Conflict)
        .WithName("ListRegistrationCounts")
        .WithSummary("List the registration counts of a representative action")
        .WithDescription("The counts of consumers registered over time, in the order recorded (numbers only, no personal data).");
}
