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
            var found = await LoadAsync(db, query.Id, ct) ?? throw new NotFoundException("case", query.Id);
            return query.Expand is CaseExpansion.Defendants ? (await CaseExpansion.WithDefendantsAsync(db, [found], ct))[0] : found;
        }
    }

    /// <summary>The query; the load benchmark's bare baseline runs exactly this text.</summary>
    internal const string Sql = $"SELECT {CaseRow.Columns} FROM cases c WHERE c.id = @id AND c.organisation_id = current_organisation_id()";

    /// <summary>The case as the API returns it, read inside the caller's transaction (also after a change).</summary>
    internal static async Task<CaseDto?> LoadAsync(DbSession db, Guid id, CancellationToken ct) =>
        (await db.QuerySingleOrDefaultAsync<CaseRow>(Sql, new { id }, ct))?.ToDto();

    /// <summary>Cases as the API returns them, in one query; ids not found are left out.</summary>
    internal static async Task<IReadOnlyDictionary<Guid, CaseDto>> LoadManyAsync(DbSession db, IReadOnlyCollection<Guid> ids, CancellationToken ct) =>
        (await db.QueryAsync<CaseRow>(
            $"SELECT {CaseRow.Columns} FROM cases c WHERE c.id = ANY (@ids) AND c.organisation_id = current_organisation_id()", new { ids = ids.ToArray() }, ct))
        .ToDictionary(r => r.Id, r => r.ToDto());

    internal static void Map(RouteGroupBuilder cases) => cases.MapGet("{id}", async (Guid id, IMediator mediator, HttpContext http, CancellationToken ct, string? expand) =>
            EntityTags.Ok(http, await mediator.Send(new Query(id, expand), ct)))
        .WithName("GetCase")
        .WithSummary("Get a case")
        .WithDescription("One case with its defendants and counts, and its `ETag` for a later PATCH. " + CaseExpansion.Description)
        .Produces<CaseDto>();
}
