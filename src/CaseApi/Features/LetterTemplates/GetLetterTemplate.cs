using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Mediation;
using MediatR;

namespace CaseApi.Features.LetterTemplates;

public static class GetLetterTemplate
{
    public sealed record Query(Guid Id) : IQuery<LetterTemplateDto>;

    internal sealed class Handler(DbSession db) : IRequestHandler<Query, LetterTemplateDto>
    {
        public async Task<LetterTemplateDto> Handle(Query query, CancellationToken ct) =>
            BuiltInLetterTemplates.Find(query.Id)?.ToDto()
            ?? await LoadAsync(db, query.Id, ct)
            ?? throw new NotFoundException("letter template", query.Id);
    }

    /// <summary>One of the organisation's own templates (not a built-in one), locked when it is about to change.</summary>
    internal static Task<LetterTemplateDto?> LoadAsync(DbSession db, Guid id, CancellationToken ct, bool forUpdate = false) =>
        db.QuerySingleOrDefaultAsync<LetterTemplateDto>(
            $"SELECT {LetterTemplateDto.Columns} FROM letter_templates WHERE id = @id AND organisation_id = current_organisation_id(){(forUpdate ? " FOR UPDATE" : "")}",
            new { id }, ct);

    internal static void Map(RouteGroupBuilder templates) => templates.MapGet("{id}", async (Guid id, IMediator mediator, HttpContext http, CancellationToken ct) =>
            EntityTags.Ok(http, await mediator.Send(new Query(id), ct)))
        .WithName("GetLetterTemplate")
        .WithSummary("Get a letter template")
        .WithDescription("One template, the organisation's own or a built-in one, with its `ETag` for a later PUT.")
        .Produces<LetterTemplateDto>();
}
