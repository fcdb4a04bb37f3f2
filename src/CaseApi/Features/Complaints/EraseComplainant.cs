using CaseApi.Features.Timeline;
using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Mediation;
using MediatR;

namespace CaseApi.Features.Complaints;

public static class EraseComplainant
{
    public const string ErasedName = "Erased complainant";

    public sealed record Command(Guid Id) : ICommand<MediatR.Unit>;

    internal sealed record Erased(Guid ComplaintId, Guid CaseId);

    internal sealed class Handler(DbSession db, TimelineWriter timeline, TimeProvider clock) : IRequestHandler<Command, MediatR.Unit>
    {
        public async Task<MediatR.Unit> Handle(Command cmd, CancellationToken ct)
        {
            // GDPR Art. 17: the person's data goes; the complaint, and the fact that someone complained, stay.
            var erased = await db.QuerySingleOrDefaultAsync<Erased>("""
                UPDATE complainants p SET name = @ErasedName, email = NULL, postal_address = NULL, phone = NULL, erased_at = coalesce(p.erased_at, @now)
                FROM complaints k
                WHERE p.id = @id AND p.organisation_id = current_organisation_id() AND k.organisation_id = p.organisation_id AND k.id = p.complaint_id
                RETURNING p.complaint_id, k.case_id
                """, new { id = cmd.Id, ErasedName, now = clock.GetUtcNow() }, ct)
                ?? throw new NotFoundException("complainant", cmd.Id);
            // A filed complaint's response lists its complainants.
            await PersonalDataErasure.ForgetReplaysAsync(db, cmd.Id, ct);
            await timeline.AppendAsync(erased.CaseId, "complainant.erased", "A complainant's personal data was erased on request.", "complaint", erased.ComplaintId,
                details: new { complainantId = cmd.Id }, ct: ct);
            return MediatR.Unit.Value;
        }
    }

    internal static void Map(RouteGroupBuilder v1) => v1.MapDelete("/complainants/{id}", async (Guid id, IMediator mediator, CancellationToken ct) =>
        {
            await mediator.Send(new Command(id), ct);
            return Results.NoContent();
        })
        .RequireAuthorization(Policies.PersonalData)
        .WithTags("Complaints")
        .WithName("EraseComplainant")
        .WithSummary("Erase a complainant's personal data")
        .WithDescription("Pseudonymises the complainant (GDPR Art. 17): name, e-mail, address and phone are removed; the complaint and its history stay intact. Lawyer and admin keys only.")
        .Produces(StatusCodes.Status204NoContent);
}
