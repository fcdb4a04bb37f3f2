using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Json;
using CaseApi.Infrastructure.Mediation;
using FluentValidation;
using MediatR;

namespace CaseApi.Features.LetterTemplates;

public static class CreateLetterTemplate
{
    public sealed record Command(LetterTemplateFields Template) : ICommand<LetterTemplateDto>;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator(TimeProvider clock) => RuleFor(c => c.Template).SetValidator(new LetterTemplateFields.Validator(clock));
    }

    internal sealed class Handler(DbSession db, TimeProvider clock) : IRequestHandler<Command, LetterTemplateDto>
    {
        public async Task<LetterTemplateDto> Handle(Command cmd, CancellationToken ct)
        {
            var template = cmd.Template;
            var now = clock.GetUtcNow();
            var created = await db.QuerySingleOrDefaultAsync<LetterTemplateDto>($"""
                INSERT INTO letter_templates (id, organisation_id, name, letter_type, language, subject, body, created_at, updated_at)
                VALUES (@id, current_organisation_id(), @Name, @letterType, @Language, @Subject, @Body, @now, @now)
                ON CONFLICT (organisation_id, name) DO NOTHING
                RETURNING {LetterTemplateDto.Columns}
                """,
                new { id = Guid.CreateVersion7(now), template.Name, letterType = SnakeCase.From(template.LetterType), template.Language, template.Subject, template.Body, now },
                ct);
            return created ?? throw LetterTemplateConflicts.NameTaken(template.Name);
        }
    }

    internal static void Map(RouteGroupBuilder templates) => templates.MapPost("", async (LetterTemplateFields body, IMediator mediator, HttpContext http, CancellationToken ct) =>
        {
            var created = await mediator.Send(new Command(body), ct);
            return EntityTags.Created(http, $"/v1/letter-templates/{created.Id}", created);
        })
        .RequireAuthorization(Policies.Write)
        .WithName("CreateLetterTemplate")
        .WithSummary("Create a letter template")
        .WithDescription(LetterTemplateModel.Documentation)
        .Produces<LetterTemplateDto>(StatusCodes.Status201Created);
}
