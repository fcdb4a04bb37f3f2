using CaseApi.Features.Deadlines;
using CaseApi.Features.Events;
using CaseApi.Features.Timeline;
using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Json;
using CaseApi.Infrastructure.Mediation;
using FluentValidation;
using MediatR;

namespace CaseApi.Features.Complaints;

public static class FileComplaint
{
    /// <summary>A complainant's details. Personal data, stored apart from the case data.</summary>
    public sealed record NewComplainant
    {
        /// <summary>Name.</summary>
        /// <example>Jane Doe</example>
        public required string Name { get; init; }

        /// <summary>E-mail address.</summary>
        /// <example>jane@example.org</example>
        public string? Email { get; init; }

        /// <summary>Postal address.</summary>
        public string? PostalAddress { get; init; }

        /// <summary>Phone number.</summary>
        public string? Phone { get; init; }
    }

    /// <summary>A complaint to record in a case: a draft, or, with <c>filedOn</c>, one already lodged.</summary>
    public sealed record Body
    {
        /// <summary>Whom it is against (a defendant of this organisation).</summary>
        public required Guid DefendantId { get; init; }

        /// <summary>The authority it is lodged with (from <c>/v1/dpas</c>).</summary>
        public required Guid DpaId { get; init; }

        /// <summary>In whose right: under the complainants' mandate (GDPR Art. 80(1)) or in the organisation's own (Art. 80(2), where the authority's Member State provides for it).</summary>
        /// <example>complainants</example>
        public required OnBehalfOf OnBehalfOf { get; init; }

        /// <summary>Required for <c>complainants</c>, refused for <c>organisation</c>: the mandate (GDPR Art. 80(1)), as the document in the organisation's files.</summary>
        /// <example>Mandate Jane Doe, signed 2024-05-30.pdf</example>
        public string? MandateDocument { get; init; }

        /// <summary>When the mandate was signed; only with <c>mandateDocument</c>.</summary>
        /// <example>2024-05-30</example>
        public DateOnly? MandateSignedOn { get; init; }

        /// <summary>The authority's reference, once known.</summary>
        public string? DpaReference { get; init; }

        /// <summary>When it was lodged; leave out for a draft.</summary>
        /// <example>2024-06-06</example>
        public DateOnly? FiledOn { get; init; }

        /// <summary>The provisions invoked.</summary>
        /// <example>["GDPR Art. 6(1)", "GDPR Art. 21"]</example>
        public IReadOnlyList<string>? Provisions { get; init; }

        /// <summary>The data subjects it is lodged for; required when <c>onBehalfOf</c> is <c>complainants</c>.</summary>
        public IReadOnlyList<NewComplainant>? Complainants { get; init; }
    }

    public sealed record Command(Guid CaseId, Body Complaint) : ICommand<ComplaintDto>;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator(TimeProvider clock)
        {
            RuleFor(c => c.Complaint.DefendantId).NotEmpty();
            // A day of slack: where the organisation is, today may already be tomorrow in UTC.
            RuleFor(c => c.Complaint.FiledOn).Must(day => day is null || day <= DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime).AddDays(1))
                .WithMessage("Must not lie in the future: record a complaint as filed once it is lodged.");
            RuleFor(c => c.Complaint.DpaId).NotEmpty();
            RuleFor(c => c.Complaint.OnBehalfOf).IsInEnum();
            // GDPR Art. 80(1): acting for data subjects needs their mandate; Art. 80(2): acting in one's own right has none to show.
            RuleFor(c => c.Complaint.MandateDocument).NotEmpty().When(c => c.Complaint.OnBehalfOf == OnBehalfOf.Complainants)
                .WithMessage("A complaint under the complainants' mandate (GDPR Art. 80(1)) names the mandate document.");
            RuleFor(c => c.Complaint.MandateDocument).Null().When(c => c.Complaint.OnBehalfOf == OnBehalfOf.Organisation)
                .WithMessage("A complaint in the organisation's own right (GDPR Art. 80(2)) has no mandate.");
            RuleFor(c => c.Complaint.MandateDocument).IsShortText(500);
            RuleFor(c => c.Complaint.MandateSignedOn).Null().When(c => c.Complaint.MandateDocument is null)
                .WithMessage("Only a mandate has a signing date.");
            RuleFor(c => c.Complaint.DpaReference).IsShortText(100);
            RuleFor(c => c.Complaint.Provisions).AreShortTexts();
            RuleFor(c => c.Complaint.Complainants).NotEmpty().When(c => c.Complaint.OnBehalfOf == OnBehalfOf.Complainants)
                .WithMessage("A complaint on behalf of complainants names at least one.");
            RuleFor(c => c.Complaint.Complainants).Must(list => list is null || list.Count <= 1000);
            RuleForEach(c => c.Complaint.Complainants).ChildRules(person =>
            {
                person.RuleFor(p => p.Name).NotEmpty().IsShortText(200);
                person.RuleFor(p => p.Email).EmailAddress().IsShortText(320);
                person.RuleFor(p => p.PostalAddress).IsShortText(1000);
                person.RuleFor(p => p.Phone).IsShortText(50);
            });
        }
    }

    internal sealed class Handler(DbSession db, CallerContext caller, TimelineWriter timeline, DeadlineKeeper deadlines, EventWriter events, TimeProvider clock)
        : IRequestHandler<Command, ComplaintDto>
    {
        public async Task<ComplaintDto> Handle(Command cmd, CancellationToken ct)
        {
            var complaint = cmd.Complaint;
            var caseExists = await db.QuerySingleAsync<bool>(
                "SELECT EXISTS (SELECT FROM cases WHERE id = @CaseId AND organisation_id = current_organisation_id())", cmd, ct);
            if (!caseExists)
            {
                throw new NotFoundException("case", cmd.CaseId);
            }

            var now = clock.GetUtcNow();
            var id = Guid.CreateVersion7(now);
            var status = complaint.FiledOn is null ? ComplaintStatus.Draft : ComplaintStatus.Filed;
            // Unknown or foreign defendant and DPA ids fail the foreign keys: 422, with nothing written.
            await db.ExecuteAsync("""
                INSERT INTO complaints (id, organisation_id, case_id, defendant_id, dpa_id, on_behalf_of, mandate_document, mandate_signed_on, dpa_reference, filed_on,
                    provisions, status, created_at, updated_at)
                VALUES (@id, current_organisation_id(), @caseId, @DefendantId, @DpaId, @onBehalfOf, @MandateDocument, @MandateSignedOn, @DpaReference, @FiledOn,
                    @provisions, @status, @now, @now)
                """,
                new
                {
                    id, cmd.CaseId, complaint.DefendantId, complaint.DpaId, onBehalfOf = SnakeCase.From(complaint.OnBehalfOf), complaint.MandateDocument,
                    complaint.MandateSignedOn, complaint.DpaReference,
                    complaint.FiledOn, provisions = (complaint.Provisions ?? []).ToArray(), status = SnakeCase.From(status), now,
                },
                ct);
            foreach (var person in complaint.Complainants ?? [])
            {
                await db.ExecuteAsync("""
                    INSERT INTO complainants (id, organisation_id, complaint_id, name, email, postal_address, phone, created_at)
                    VALUES (@personId, current_organisation_id(), @id, @Name, @Email, @PostalAddress, @Phone, @now)
                    """, new { personId = Guid.CreateVersion7(now), id, person.Name, person.Email, person.PostalAddress, person.Phone, now }, ct);
            }

            await timeline.AppendAsync(cmd.CaseId, "complaint.created", "Complaint recorded.", "complaint", id,
                details: new { dpaId = complaint.DpaId, defendantId = complaint.DefendantId }, ct: ct);
            if (complaint.FiledOn is { } filedOn)
            {
                var filedAt = DeadlineKeeper.InstantOf(filedOn);
                await timeline.AppendAsync(cmd.CaseId, "complaint.filed", "Complaint filed with the authority.", "complaint", id,
                    occurredAt: filedAt, details: new { filedOn }, ct: ct);
                var authority = await deadlines.RulesForDpaAsync(complaint.DpaId, ct);
                await deadlines.StartDpaProgressAsync(cmd.CaseId, id, complaint.DpaId, filedAt, authority, ct);
                await deadlines.StartProceduralRegulationAsync(cmd.CaseId, id, complaint.DpaId, filedAt, authority, ct);
            }

            var created = (await ComplaintReader.LoadAsync(db, caller, id, ct))!;
            // Events go to case systems of any role: never with complainants' personal data.
            await events.AppendAsync("complaint.created", "complaint", id, created with { Complainants = null }, ct);
            return created;
        }
    }

    internal static void Map(RouteGroupBuilder cases) => cases.MapPost("{caseId}/complaints", async (Guid caseId, Body body, IMediator mediator, HttpContext http, CancellationToken ct) =>
        {
            var created = await mediator.Send(new Command(caseId, body), ct);
            return EntityTags.Created(http, $"/v1/complaints/{created.Id}", created);
        })
        .RequireAuthorization(Policies.Write)
        .WithTags("Complaints")
        .WithName("FileComplaint")
        .WithSummary("Record a complaint in a case")
        .WithDescription("Records a complaint to a data protection authority: a draft, or with `filedOn` one already lodged (status `filed`). Unknown defendant or DPA ids get 422.")
        .Produces<ComplaintDto>(StatusCodes.Status201Created);
}
