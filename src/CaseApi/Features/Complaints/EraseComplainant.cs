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

    private sealed record Person(string Name, string? Email, string? MandateDocument);

    internal sealed class Handler(DbSession db, TimelineWriter timeline, TimeProvider clock) : IRequestHandler<Command, MediatR.Unit>
    {
        public async Task<MediatR.Unit> Handle(Command cmd, CancellationToken ct)
        {
            // The name and address as they were, to find them in the complaint's letters below.
            var person = await db.QuerySingleOrDefaultAsync<Person>("""
                SELECT p.name, p.email, k.mandate_document FROM complainants p
                JOIN complaints k ON k.organisation_id = p.organisation_id AND k.id = p.complaint_id
                WHERE p.id = @id AND p.organisation_id = current_organisation_id()
                FOR UPDATE
                """, new { id = cmd.Id }, ct)
                ?? throw new NotFoundException("complainant", cmd.Id);
            // GDPR Art. 17: the person's data goes; the complaint, and the fact that someone complained, stay.
            var now = clock.GetUtcNow();
            var erased = await db.QuerySingleOrDefaultAsync<Erased>("""
                UPDATE complainants p SET name = @ErasedName, email = NULL, postal_address = NULL, phone = NULL, erased_at = coalesce(p.erased_at, @now)
                FROM complaints k
                WHERE p.id = @id AND p.organisation_id = current_organisation_id() AND k.organisation_id = p.organisation_id AND k.id = p.complaint_id
                RETURNING p.complaint_id, k.case_id
                """, new { id = cmd.Id, ErasedName, now }, ct)
                ?? throw new NotFoundException("complainant", cmd.Id);
            // A filed complaint's response lists its complainants.
            await PersonalDataErasure.ForgetReplaysAsync(db, cmd.Id, ct);
            // The mandate is named by a file name or reference, which often holds the name ("Mandate Jane Doe.pdf").
            if (person.MandateDocument is { } mandate && PersonalDataErasure.Redactor([person.Name, person.Email], ErasedName)(mandate) is var renamed && renamed != mandate)
            {
                await db.ExecuteAsync("""
                    UPDATE complaints SET mandate_document = @mandate, version = version + 1, updated_at = @now
                    WHERE organisation_id = current_organisation_id() AND id = @ComplaintId
                    """, new { erased.ComplaintId, mandate = renamed[..Math.Min(renamed.Length, 500)], now }, ct);
            }

            var letters = await PersonalDataErasure.ForgetInComplaintLettersAsync(db, erased.ComplaintId, [person.Name, person.Email], ErasedName, now, ct);
            await timeline.AppendAsync(erased.CaseId, "complainant.erased", "A complainant's personal data was erased on request.", "complaint", erased.ComplaintId,
                details: new
                {
                    complainantId = cmd.Id, lettersRedacted = letters.Redacted, originalsErased = letters.OriginalsErased,
                    inboxCopiesErased = letters.InboxCopiesErased,
                }, ct: ct);
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
        .WithDescription("""
            Pseudonymises the complainant (GDPR Art. 17): name, e-mail, address and phone are removed; the complaint and its history
            stay intact. The name and e-mail address become "Erased complainant" in the complaint's `mandateDocument` and, in the
            complaint's letters and the replies to them, in subject, text and attachment names; the original e-mails kept of imported
            ones (`GET /v1/letters/{id}/original`) are deleted, and so are the copies kept by the inbox messages that became those letters
            (`GET /v1/inbox/{id}/original`), whose subject and sender are redacted as well. The content of attachments is kept as it is: review it. Lawyer and
            admin keys only.
            """)
        .Produces(StatusCodes.Status204NoContent);
}
