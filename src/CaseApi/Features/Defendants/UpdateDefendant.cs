using CaseApi.Features.Organisations;
using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Json;
using CaseApi.Infrastructure.Mediation;
using FluentValidation;
using MediatR;

namespace CaseApi.Features.Defendants;

public static class UpdateDefendant
{
    /// <summary>The fields to change (JSON Merge Patch): a field left out stays as it is; <c>null</c> clears it.</summary>
    public sealed record Body
    {
        /// <summary>The registered legal name.</summary>
        public Optional<string> LegalName { get; init; }

        /// <summary>Trading names, former names, brands (replaces the list).</summary>
        public Optional<IReadOnlyList<string>?> OtherNames { get; init; }

        /// <summary>Legal form.</summary>
        public Optional<string?> LegalForm { get; init; }

        /// <summary>Company register number.</summary>
        public Optional<string?> RegisterNumber { get; init; }

        /// <summary>Country of registration.</summary>
        public Optional<string?> Country { get; init; }

        /// <summary>Postal address for service.</summary>
        public Optional<string?> Address { get; init; }

        /// <summary>Where e-mail letters to the defendant go when a letter names no <c>recipientAddress</c>.</summary>
        public Optional<string?> Email { get; init; }

        /// <summary>Website.</summary>
        public Optional<string?> Website { get; init; }

        /// <summary>How to reach the data protection officer.</summary>
        public Optional<string?> DpoContact { get; init; }

        /// <summary>The parent company, by name.</summary>
        public Optional<string?> ParentCompany { get; init; }

        /// <summary>Country of the main establishment in the EU.</summary>
        public Optional<string?> MainEstablishmentCountry { get; init; }

        /// <summary>Region of the main establishment.</summary>
        public Optional<string?> MainEstablishmentRegion { get; init; }

        /// <summary>The lead supervisory authority; <c>null</c> to have it proposed again from the main establishment.</summary>
        public Optional<Guid?> LeadDpaId { get; init; }

        /// <summary>The language it reads (ISO 639-1); <c>null</c> for the organisation's own.</summary>
        public Optional<string?> Language { get; init; }
    }

    public sealed record Command(Guid Id, int? ExpectedVersion, Body Changes) : ICommand<DefendantDto>;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            When(c => c.Changes.LegalName.IsSet, () => RuleFor(c => c.Changes.LegalName.Value).NotEmpty().IsShortText());
            RuleFor(c => c.Changes.OtherNames.Value).AreShortTexts();
            RuleFor(c => c.Changes.LegalForm.Value).IsShortText();
            RuleFor(c => c.Changes.RegisterNumber.Value).IsShortText(100);
            RuleFor(c => c.Changes.Country.Value).IsCountryCode();
            RuleFor(c => c.Changes.Address.Value).IsShortText(1000);
            RuleFor(c => c.Changes.Email.Value).Must(MailAddresses.IsAddress).When(c => c.Changes.Email.Value is not null)
                .WithMessage(MailAddresses.AddressMessage);
            RuleFor(c => c.Changes.Website.Value).IsHttpUrl().MaximumLength(500);
            RuleFor(c => c.Changes.DpoContact.Value).IsShortText(1000);
            RuleFor(c => c.Changes.ParentCompany.Value).IsShortText();
            RuleFor(c => c.Changes.MainEstablishmentCountry.Value).IsCountryCode();
            RuleFor(c => c.Changes.MainEstablishmentRegion.Value).IsRegionCode();
            RuleFor(c => c.Changes.Language.Value).IsLanguageCode();
        }
    }

    internal sealed class Handler(DbSession db, TimeProvider clock) : IRequestHandler<Command, DefendantDto>
    {
        public async Task<DefendantDto> Handle(Command cmd, CancellationToken ct)
        {
            var current = await db.QuerySingleOrDefaultAsync<DefendantDto>(
                $"SELECT {DefendantDto.Columns} FROM defendants WHERE id = @Id AND organisation_id = current_organisation_id() FOR UPDATE", new { cmd.Id }, ct)
                ?? throw new NotFoundException("defendant", cmd.Id);
            EntityTags.Require(cmd.ExpectedVersion, current.Version, "defendant", cmd.Id);

            var changes = cmd.Changes;
            var country = changes.MainEstablishmentCountry.Or(current.MainEstablishmentCountry);
            var region = changes.MainEstablishmentRegion.Or(current.MainEstablishmentRegion);
            var establishmentMoved = country != current.MainEstablishmentCountry || region != current.MainEstablishmentRegion;
            // A lead authority CaseApi proposed follows the main establishment; one the organisation chose stays.
            var (leadDpaId, proposed) = changes.LeadDpaId.IsSet && changes.LeadDpaId.Value is { } chosen ? (chosen, false)
                : changes.LeadDpaId.IsSet || (current.LeadDpaProposed && establishmentMoved) || current.LeadDpaId is null
                    ? (await LeadAuthority.ProposeAsync(db, country, region, ct), true)
                    : (current.LeadDpaId, current.LeadDpaProposed);

            return await db.QuerySingleAsync<DefendantDto>($"""
                UPDATE defendants SET
                    legal_name = @legalName, other_names = @otherNames, legal_form = @legalForm, register_number = @registerNumber,
                    country = @country, address = @address, email = @email, website = @website, dpo_contact = @dpoContact, parent_company = @parentCompany,
                    main_establishment_country = @mainCountry, main_establishment_region = @mainRegion,
                    lead_dpa_id = @leadDpaId, lead_dpa_proposed = @proposed AND @leadDpaId IS NOT NULL, language = @language,
                    version = version + 1, updated_at = @now
                WHERE id = @id AND organisation_id = current_organisation_id()
                RETURNING {DefendantDto.Columns}
                """,
                new
                {
                    id = cmd.Id, legalName = changes.LegalName.Or(current.LegalName),
                    otherNames = (changes.OtherNames.IsSet ? changes.OtherNames.Value ?? [] : current.OtherNames).ToArray(),
                    legalForm = changes.LegalForm.Or(current.LegalForm), registerNumber = changes.RegisterNumber.Or(current.RegisterNumber),
                    country = changes.Country.Or(current.Country), address = changes.Address.Or(current.Address),
                    email = changes.Email.Or(current.Email), website = changes.Website.Or(current.Website),
                    dpoContact = changes.DpoContact.Or(current.DpoContact), parentCompany = changes.ParentCompany.Or(current.ParentCompany),
                    mainCountry = country, mainRegion = region, leadDpaId, proposed, language = changes.Language.Or(current.Language), now = clock.GetUtcNow(),
                },
                ct);
        }
    }

    internal static void Map(RouteGroupBuilder defendants) => defendants.MapVersionedChange(HttpMethods.Patch, "{id}", (Guid id, int? version, Body body) => new Command(id, version, body))
        .RequireAuthorization(Policies.Write)
        .WithName("UpdateDefendant")
        .WithSummary("Change a defendant")
        .WithDescription("JSON Merge Patch: fields left out stay as they are, `null` clears a field. Requires `If-Match` with the ETag of your last read (428 without it, 412 when someone changed it since).")
        .Produces<DefendantDto>();
}
