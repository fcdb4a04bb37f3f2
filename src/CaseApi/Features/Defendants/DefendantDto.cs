using CaseApi.Infrastructure.Http;

namespace CaseApi.Features.Defendants;

/// <summary>A company or body that an organisation pursues.</summary>
public sealed record DefendantDto : IVersioned
{
    internal const string Columns = """
        id, legal_name, other_names, legal_form, register_number, country, address, email, website, dpo_contact, parent_company,
        main_establishment_country, main_establishment_region, lead_dpa_id, lead_dpa_proposed, language, version, created_at, updated_at
        """;

    /// <summary>The defendant's id.</summary>
    public Guid Id { get; init; }

    /// <summary>The registered legal name.</summary>
    /// <example>Meta Platforms Ireland Limited</example>
    public required string LegalName { get; init; }

    /// <summary>Trading names, former names, brands.</summary>
    /// <example>["Facebook Ireland Limited", "Instagram"]</example>
    public required string[] OtherNames { get; init; }

    /// <summary>Legal form.</summary>
    /// <example>Private company limited by shares</example>
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

    /// <summary>Where e-mail letters to the defendant go when a letter names no <c>recipientAddress</c>.</summary>
    /// <example>legal@meta.example</example>
    public string? Email { get; init; }

    /// <summary>Website.</summary>
    /// <example>https://about.meta.com</example>
    public string? Website { get; init; }

    /// <summary>How to reach the data protection officer (GDPR Art. 37–39).</summary>
    public string? DpoContact { get; init; }

    /// <summary>The parent company, by name.</summary>
    /// <example>Meta Platforms, Inc.</example>
    public string? ParentCompany { get; init; }

    /// <summary>Country of the main establishment in the EU (GDPR Art. 4(16)).</summary>
    /// <example>IE</example>
    public string? MainEstablishmentCountry { get; init; }

    /// <summary>Region of the main establishment where a country's authorities are regional (e.g. DE-BY).</summary>
    public string? MainEstablishmentRegion { get; init; }

    /// <summary>The language it reads (ISO 639-1): reminders to it are drafted in it. Left out: the organisation's own.</summary>
    /// <example>en</example>
    public string? Language { get; init; }

    /// <summary>The lead supervisory authority (GDPR Art. 56), a DPA id.</summary>
    public Guid? LeadDpaId { get; init; }

    /// <summary>True when CaseApi proposed the lead authority from the main establishment rather than being told it.</summary>
    public bool LeadDpaProposed { get; init; }

    /// <summary>Why the one-stop shop gives no lead authority, when the main establishment lies outside the EU and the EEA (GDPR Art. 4(16), 56); null otherwise.</summary>
    /// <example>GB is outside the EU and the EEA: a main establishment there is none in the sense of GDPR Art. 4(16), so the one-stop shop (Art. 56) does not apply and each authority concerned is competent for its own territory (Art. 55).</example>
    public string? LeadAuthorityNote => LeadAuthority.NoteFor(MainEstablishmentCountry);

    /// <summary>Changes with every update; send it back as <c>If-Match</c>.</summary>
    public int Version { get; init; }

    /// <summary>When the defendant was recorded.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}
