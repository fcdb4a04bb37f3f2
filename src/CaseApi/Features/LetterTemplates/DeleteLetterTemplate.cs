using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Mediation;
using MediatR;

namespace CaseApi.Features.LetterTemplates;

public static class DeleteLetterTemplate
{
    public sealed record Command(Guid Id) : ICommand<MediatR.Unit>;

    internal sealed class Handler(DbSession db) : IRequestHandler<Command, MediatR.Unit>
    {
        public async Task<MediatR.Unit> Handle(Command cmd, CancellationToken ct)
        {
            if (BuiltInLetterTemplates.Find(cmd.Id) is not null)
            {
                throw LetterTemplateConflicts.BuiltIn(cmd.Id, "deleted");
            }

            // Letters drafted from a template keep their text: they do not refer to it, so deleting it changes no letter.
            var deleted = await db.ExecuteAsync("DELETE FROM letter_templates WHERE id = @Id AND organisation_id = current_organisation_id()", cmd, ct);
            return deleted == 1 ? MediatR.Unit.Value : throw new NotFoundException("letter template", cmd.Id);
        }
    }

    internal static void Map(RouteGroupBuilder templates) => templates.MapDelete("{id}", async (Guid id, IMediator mediator, CancellationToken ct) =>
        {
            await mediator.Send(new Command(id), ct);
            return Results.NoContent();
        })
        .RequireAuthorization(Policies.Write)
        .WithName("DeleteLetterTemplate")
        .WithSummary("Delete a letter template")
        .WithDescription("Deletes one of the organisation's templates; letters drafted from it keep their text. Built-in templates cannot be deleted (409).")
        .Produces(StatusCodes.Status204NoContent);
}
