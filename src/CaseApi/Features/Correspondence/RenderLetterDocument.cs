using System.Text.RegularExpressions;
using CaseApi.Features.Deadlines;
using CaseApi.Features.LetterTemplates;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Mediation;
using FluentValidation;
using MediatR;

namespace CaseApi.Features.Correspondence;

public static partial class RenderLetterDocument
{
    /// <summary><paramref name="Language"/> null: German for an organisation in a German-speaking jurisdiction, else English.</summary>
    public sealed record Query(Guid Id, string? Language) : IQuery<LetterFile>;

    public sealed record LetterFile(string FileName, byte[] Content);

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator() => RuleFor(q => q.Language).IsTemplateLanguage();
    }

    private sealed record Row
    {
        public required string Direction { get; init; }

        public required string Status { get; init; }

        public DateTimeOffset? SentAt { get; init; }

        public required string Subject { get; init; }

        public string? Body { get; init; }

        public required string Reference { get; init; }

        public required string OrganisationName { get; init; }

        public string? OrganisationAddress { get; init; }

        public required string Jurisdiction { get; init; }

        public required string TimeZone { get; init; }

        public required string RecipientName { get; init; }

        public string? RecipientAddress { get; init; }
    }

    private static readonly string[] GermanSpeaking = ["DE", "AT", "CH", "LI"];

    internal sealed class Handler(DbSession db, TimeProvider clock) : IRequestHandler<Query, LetterFile>
    {
        public async Task<LetterFile> Handle(Query query, CancellationToken ct)
        {
            // The recipient as the letter names it: the organisation's defendant, or the authority from the registry.
            var row = await db.QuerySingleOrDefaultAsync<Row>("""
                SELECT l.direction, l.status, l.sent_at, l.subject, l.body, c.reference,
                    o.name AS organisation_name, o.postal_address AS organisation_address, o.jurisdiction, o.time_zone,
                    coalesce(d.legal_name, p.official_name) AS recipient_name, coalesce(d.address, p.postal_address) AS recipient_address
                FROM letters l
                JOIN cases c ON c.organisation_id = l.organisation_id AND c.id = l.case_id
                JOIN organisations o ON o.id = l.organisation_id
                LEFT JOIN defendants d ON d.organisation_id = l.organisation_id AND d.id = l.defendant_id
                LEFT JOIN dpas p ON p.id = l.dpa_id
                WHERE l.organisation_id = current_organisation_id() AND l.id = @Id
                """, new { query.Id }, ct) ?? throw new NotFoundException("letter", query.Id);
            if (row.Direction != "outgoing")
            {
                throw new ConflictException("letter_not_outgoing",
                    $"Letter {query.Id} was received; only the organisation's own letters are rendered on its letterhead. Attach the letter as received instead.");
            }

            var language = query.Language ?? (GermanSpeaking.Contains(row.Jurisdiction[..2]) ? "de" : "en");
            var draft = row.Status == "draft";
            var now = clock.GetUtcNow();
            var date = DeadlineCalendar.LocalDay(row.SentAt ?? now, TimeZoneInfo.FindSystemTimeZoneById(row.TimeZone));
            var pdf = LetterDocument.Render(new LetterSheet
            {
                Language = language, SenderName = row.OrganisationName, SenderAddress = row.OrganisationAddress, RecipientName = row.RecipientName,
                RecipientAddress = row.RecipientAddress, Date = date, Draft = draft, Reference = row.Reference, Subject = row.Subject, Body = row.Body,
                RenderedAt = now,
            });
            var name = UnsafeInFileName().Replace(row.Reference, "-").Trim('-');
            return new LetterFile($"{name}-{date:yyyy-MM-dd}{(draft ? "-draft" : "")}.pdf", pdf);
        }
    }

    [GeneratedRegex(@"[^A-Za-z0-9._-]+")]
    private static partial Regex UnsafeInFileName();

    internal static void Map(RouteGroupBuilder letters) => letters.MapGet("{id}/document",
            async (Guid id, string? language, IMediator mediator, CancellationToken ct) =>
            {
                var file = await mediator.Send(new Query(id, language), ct);
                return Results.File(file.Content, "application/pdf", file.FileName);
            })
        .WithName("GetLetterDocument")
        .WithSummary("A letter as PDF")
        .WithDescription("""
            An outgoing letter on the organisation's letterhead (its name and `postalAddress`), ready to print or attach: the
            recipient's address (the defendant's, or the authority's from the registry), place and date (the day it was sent;
            today for a draft, which carries a DRAFT watermark), the case reference, the subject, the body (paragraphs kept,
            lines starting with `-` or `1.` as lists) and page numbers. Fonts are embedded, the text is extractable, there is
            no JavaScript; PDF/A as far as PDFsharp writes it. A received letter gets 409 `letter_not_outgoing`.
            """)
        .Produces(StatusCodes.Status200OK, typeof(byte[]), "application/pdf")
        .ProducesProblem(StatusCodes.Status409Conflict);
}
