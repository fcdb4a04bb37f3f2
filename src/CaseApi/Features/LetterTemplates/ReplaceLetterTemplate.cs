using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Json;
using CaseApi.Infrastructure.Mediation;
using FluentValidation;
using MediatR;
using Npgsql;

namespace CaseApi.Features.LetterTemplates;

public static class ReplaceLetterTemplate
{
    public sealed record Command(Guid Id, int? ExpectedVersion, LetterTemplateFields Template) : ICommand<LetterTemplateDto>;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator(TimeProvider clock) => RuleFor(c => c.Template).SetValidator(new LetterTemplateFields.Validator(clock));
    }

    internal sealed class Handler(DbSession db, TimeProvider clock) : IRequestHandler<Command, LetterTemplateDto>
    {
        public async Task<LetterTemplateDto> Handle(Command cmd, CancellationToken ct)
        {
            if (BuiltInLetterTemplates.Find(cmd.Id) is not null)
            {
                throw LetterTemplateConflicts.BuiltIn(cmd.Id, "changed");
            }

            var current = await GetLetterTemplate.LoadAsync(db, cmd.Id, ct, forUpdate: true) ?? throw new NotFoundException("letter template", cmd.Id);
            EntityTags.Require(cmd.ExpectedVersion, current.Version, "letter template", cmd.Id);

            var template = cmd.Template;
            try
            {
                return await db.QuerySingleAsync<LetterTemplateDto>($"""
                    UPDATE letter_templates SET name = @Name, letter_type = @letterType, language = @Language, subject = @Subject, body = @Body,
                        version = version + 1, updated_at = @now
                    WHERE id = @id AND organisation_id = current_organisation_id()
                    RETURNING {LetterTemplateDto.Columns}
                    """,
                    new { id = cmd.Id, template.Name, letterType = SnakeCase.From(template.LetterType), template.Language, template.Subject, template.Body, now = clock.GetUtcNow() },
                    ct);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                // The unique key decides (no check-then-write race); the failed statement ends the transaction.
                throw LetterTemplateConflicts.NameTaken(template.Name);
            }
        }
    }

    internal static void Map(RouteGroupBuilder templates) => templates.MapVersionedChange(HttpMethods.Put, "{id}", (Guid id, int? version, LetterTemplateFields body) => new Command(id, version, body))
        .RequireAuthorization(Policies.Write)
        .WithName("ReplaceLetterTemplate")
        .WithSummary("Replace a letter template")
        .WithDescription("""
            Replaces every field of one of the organisation's templates; checked as on creation (see `POST /v1/letter-templates`).
            Built-in templates cannot be changed (409). Requires `If-Match` with the ETag of your last read (428 without it, 412 when
            someone changed it since).
            """)
        .Produces<LetterTemplateDto>();
}
