using CaseApi.Features.Organisations;
using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Mediation;
using FluentValidation;
using MediatR;

namespace CaseApi.Features.Defendants;

public static class CreateDefendant
{
    /// <summary>A defendant to record. Leave <c>leadDpaId</c> out to have it proposed from the main establishment.</summary>
    public sealed record Command : ICommand<DefendantDto>
    {
        /// <summary>The registered legal name.</summary>
        /// <example>Meta Platforms Ireland Limited</example>
        public required string LegalName { get; init; }

        /// <summary>Trading names, former names, brands.</summary>
        /// <example>["Facebook Ireland Limited"]</example>
        public IReadOnlyList<string>? OtherNames { get; init; }

        /// <summary>Legal form.</summary>
        public string? LegalForm { get; init; }

        /// <summary>Company register number.</summary>
        /// <example>"462932"</example>
        public string? RegisterNumber { get; init; }

        /// <summary>Country of registration (ISO 3166-1 alpha-2).</summary>
        /// <example>IE</example>
        public string? Country { get; init; }

        /// <summary>Postal address for service.</summary>
        /// <example>Merrion Road, Dublin 4, D04 X2K5, Ireland</example>
        public string? Address { get; init; }

        /// <summary>Where e-mail letters to the defendant go (its legal department) when a letter names no <c>recipientAddress</c>.</summary>
        /// <example>legal@meta.example</example>
        public string? Email { get; init; }

        /// <summary>Website.</summary>
        /// <example>https://about.meta.com</example>
        public string? Website { get; init; }

        /// <summary>How to reach the data protection officer.</summary>
        public string? DpoContact { get; init; }

        /// <summary>The parent company, by name.</summary>
        /// <example>Meta Platforms, Inc.</example>
        public string? ParentCompany { get; init; }

        /// <summary>Country of the main establishment in the EU.</summary>
        /// <example>IE</example>
        public string? MainEstablishmentCountry { get; init; }

        /// <summary>Region of the main establishment, where the country's authorities are regional (e.g. DE-BY).</summary>
        public string? MainEstablishmentRegion { get; init; }

        /// <summary>The lead supervisory authority, if known.</summary>
        public Guid? LeadDpaId { get; init; }

        /// <summary>The language it reads (ISO 639-1, lower case): reminders to it are drafted in it. Left out: the organisation's own.</summary>
        /// <example>en</example>
        public string? Language { get; init; }
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.LegalName).NotEmpty().IsShortText();
            RuleFor(c => c.OtherNames).AreShortTexts();
            RuleFor(c => c.LegalForm).IsShortText();
            RuleFor(c => c.RegisterNumber).IsShortText(100);
            RuleFor(c => c.Country).IsCountryCode();
            RuleFor(c => c.Address).IsShortText(1000);
            RuleFor(c => c.Email).Must(MailAddresses.IsAddress).When(c => c.Email is not null).WithMessage(MailAddresses.AddressMessage);
            RuleFor(c => c.Website).IsHttpUrl().MaximumLength(500);
            RuleFor(c => c.DpoContact).IsShortText(1000);
            RuleFor(c => c.ParentCompany).IsShortText();
            RuleFor(c => c.MainEstablishmentCountry).IsCountryCode();
            RuleFor(c => c.MainEstablishmentRegion).IsRegionCode()
                .Must((c, region) => region is null || region.StartsWith(c.MainEstablishmentCountry + "-", StringComparison.Ordinal))
                .WithMessage("Must lie in the main establishment's country.");
            RuleFor(c => c.Language).IsLanguageCode();
        }
    }

    internal sealed class Handler(DbSession db, CallerContext caller, TimeProvider clock) : IRequestHandler<Command, DefendantDto>
    {
        public async Task<DefendantDto> Handle(Command cmd, CancellationToken ct)
        {
            var now = clock.GetUtcNow();
            var leadDpaId = cmd.LeadDpaId ?? await LeadAuthority.ProposeAsync(db, cmd.MainEstablishmentCountry, cmd.MainEstablishmentRegion, ct);
            return await db.QuerySingleAsync<DefendantDto>($"""
                INSERT INTO defendants (id, organisation_id, legal_name, other_names, legal_form, register_number, country, address, email, website,
                    dpo_contact, parent_company, main_establishment_country, main_establishment_region, lead_dpa_id, lead_dpa_proposed, language, created_at, updated_at)
                VALUES (@id, @organisationId, @LegalName, @otherNames, @LegalForm, @RegisterNumber, @Country, @Address, @Email, @Website,
                    @DpoContact, @ParentCompany, @MainEstablishmentCountry, @MainEstablishmentRegion, @leadDpaId, @proposed, @Language, @now, @now)
                RETURNING {DefendantDto.Columns}
                """,
                new
                {
                    id = Guid.CreateVersion7(now), organisationId = caller.RequiredOrganisationId, cmd.LegalName, otherNames = (cmd.OtherNames ?? []).ToArray(),
                    cmd.LegalForm, cmd.RegisterNumber, cmd.Country, cmd.Address, cmd.Email, cmd.Website, cmd.DpoContact, cmd.ParentCompany,
                    cmd.MainEstablishmentCountry, cmd.MainEstablishmentRegion, leadDpaId, proposed = cmd.LeadDpaId is null && leadDpaId is not null, cmd.Language, now,
                },
                ct);
        }
    }

    internal static void Map(RouteGroupBuilder defendants) => defendants.MapPost("", async (Command cmd, IMediator mediator, HttpContext http, CancellationToken ct) =>
        {
            var created = await mediator.Send(cmd, ct);
            return EntityTags.Created(http, $"/v1/defendants/{created.Id}", created);
        })
        .RequireAuthorization(Policies.Write)
        .WithName("CreateDefendant")
        .WithSummary("Record a defendant")
        .WithDescription("Records a company or body the organisation pursues. Without `leadDpaId`, the lead supervisory authority is proposed from the main establishment (GDPR Art. 56) where that is unambiguous, and `leadDpaProposed` is true.")
        .Produces<DefendantDto>(StatusCodes.Status201Created);
}
