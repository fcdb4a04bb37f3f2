using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Mediation;
using FluentValidation;
using MediatR;

namespace CaseApi.Features.Cases;

public static class GetCase
{
    public sealed record Query(Guid Id, string? Expand = null) : IQuery<CaseDto>;

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator() => RuleFor(q => q.Expand).IsCaseExpansion();
    }

    internal sealed class Handler(DbSession db) : IRequestHandler<Query, CaseDto>
    {
        public async Task<CaseDto> Handle(Query query, CancellationToken ct)
        {
            var found = await CaseReader.LoadAsync(db, query.Id, ct) ?? throw new NotFoundException("case", query.Id);
            return query.Expand is CaseExpansion.Defendants ? (await CaseExpansion.WithDefendantsAsync(db, [found], ct))[0] : found;
        }
    }

    internal static void Map(RouteGroupBuilder cases) => cases.MapGet("{id}", async (Guid id, IMediator mediator, HttpContext http, CancellationToken ct, string? expand) =>
            EntityTags.Ok(http, await mediator.Send(new Query(id, expand), ct)))
        .WithName("GetCase")
        .WithSummary("Get a case")
        .WithDescription("One case with its defendants and counts, and its `ETag` for a later PATCH. " + CaseExpansion.Description)
        .Produces<CaseDto>();
}
