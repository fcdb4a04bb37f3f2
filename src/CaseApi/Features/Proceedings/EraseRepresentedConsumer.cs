using CaseApi.Features.Timeline;
using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Mediation;
using MediatR;

namespace CaseApi.Features.Proceedings;

public static class EraseRepresentedConsumer
{
    public const string ErasedName = "Erased consumer";

    public sealed record Command(Guid Id) : ICommand<MediatR.Unit>;

    internal sealed record Erased(Guid ProceedingId, Guid CaseId);

    internal sealed class Handler(DbSession db, TimelineWriter timeline, TimeProvider clock) : IRequestHandler<Command, MediatR.Unit>
    {
        public async Task<MediatR.Unit> Handle(Command cmd, CancellationToken ct)
        {
            // GDPR Art. 17: the person's data goes; that the organisation advised someone in the action stays. Unlike a complainant
            // (PersonalDataErasure.ForgetInComplaintLettersAsync), a consumer has no correspondence of their own here: a letter belongs
            // to a case and goes to a defendant or an authority, never to a proceeding or a consumer, so no letter and no kept original
            // e-mail can be told to be about them. Searching the whole case's letters for a name would rewrite other people's.
            var erased = await db.QuerySingleOrDefaultAsync<Erased>("""
                UPDATE represented_consumers c SET name = @ErasedName, email = NULL, postal_address = NULL, erased_at = coalesce(c.erased_at, @now)
                FROM proceedings p
                WHERE c.id = @id AND c.organisation_id = current_organisation_id() AND p.organisation_id = c.organisation_id AND p.id = c.proceeding_id
                RETURNING c.proceeding_id, p.case_id
                """, new { id = cmd.Id, ErasedName, now = clock.GetUtcNow() }, ct)
                ?? throw new NotFoundException("represented consumer", cmd.Id);
            await PersonalDataErasure.ForgetReplaysAsync(db, cmd.Id, ct);
            await timeline.AppendAsync(erased.CaseId, "proceeding.consumer_erased", "A consumer's personal data was erased on request.", "proceeding", erased.ProceedingId,
                details: new { consumerId = cmd.Id }, ct: ct);
            return MediatR.Unit.Value;
        }
    }

    internal static void Map(RouteGroupBuilder v1) => v1.MapDelete("/represented-consumers/{id}", async (Guid id, IMediator mediator, CancellationToken ct) =>
        {
            await mediator.Send(new Command(id), ct);
            return Results.NoContent();
        })
        .RequireAuthorization(Policies.PersonalData)
        .WithTags("Proceedings")
        .WithName("EraseRepresentedConsumer")
        .WithSummary("Erase a represented consumer's personal data")
        .WithDescription("Pseudonymises the consumer (GDPR Art. 17): name, e-mail and address are removed; the record that someone was advised stays. Lawyer and admin keys only.")
        .Produces(StatusCodes.Status204NoContent);
}
