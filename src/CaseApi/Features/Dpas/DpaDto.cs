using FluentValidation;

namespace CaseApi.Features.Dpas;

/// <summary>A data protection authority (supervisory authority, GDPR Art. 51): where complaints go.</summary>
public sealed record DpaDto
{
    internal const string Columns = """
        id, code, official_name, english_name, acronym, countries, regions, sectors, website, complaint_email, postal_address,
        phone, fax, complaint_web_form, complaint_languages, preferred_channel, pgp_fingerprint, sources,
        no_complaint_web_form_source, no_complaint_email_source
        """;

    /// <summary>The authority's id; the same in every CaseApi installation.</summary>
    /// <example>dfb9b32e-6e9f-4657-4a4f-4c543c5edbb7</example>
    public Guid Id { get; init; }

    /// <summary>A short, stable, readable key: country (`eu` for the EDPS), region if any, and a short name.</summary>
    /// <example>de-by-lda</example>
    public required string Code { get; init; }

    /// <summary>The name in the authority's own language(s).</summary>
    /// <example>Bayerisches Landesamt für Datenschutzaufsicht</example>
    public required string OfficialName { get; init; }

    /// <summary>The name in English.</summary>
    /// <example>Bavarian State Office for Data Protection Supervision</example>
    public required string EnglishName { get; init; }

    /// <summary>The usual abbreviation, if it has one.</summary>
    /// <example>BayLDA</example>
    public string? Acronym { get; init; }

    /// <summary>The countries (ISO 3166-1 alpha-2) it supervises; empty for the EDPS, which supervises the EU institutions.</summary>
    /// <example>["DE"]</example>
    public required string[] Countries { get; init; }

    /// <summary>The regions (ISO 3166-2) it supervises; empty when it covers its whole country.</summary>
    /// <example>["DE-BY"]</example>
    public required string[] Regions { get; init; }

    /// <summary>
    /// The kinds of body it supervises where that is not all of its place's: only public or only private ones (Bavaria), or
    /// a field it supervises in place of the general authority (churches, broadcasters, telecommunications and postal
    /// services, the EU institutions). Empty for the general authority of its place, public and private bodies alike.
    /// </summary>
    /// <example>["private"]</example>
    public required IReadOnlyList<DpaSector> Sectors { get; init; }

    /// <summary>Its website.</summary>
    /// <example>https://www.lda.bayern.de</example>
    public required string Website { get; init; }

    /// <summary>The address for complaints by e-mail, if it takes them that way.</summary>
    /// <example>poststelle@lda.bayern.de</example>
    public string? ComplaintEmail { get; init; }

    /// <summary>
    /// Set when the authority publishes no address for complaints by e-mail: the page (one of `sources`) that lists its
    /// complaint channels without one. Null when `complaintEmail` is set or the registry has not settled it.
    /// </summary>
    /// <example>https://www.autoriteitpersoonsgegevens.nl/de-ap-en-privacy/privacyverklaring-ap/u-dient-een-klacht-tip-of-datalektip-in</example>
    public string? NoComplaintEmailSource { get; init; }

    /// <summary>Its postal address, for letters.</summary>
    /// <example>Promenade 18, 91522 Ansbach, Germany</example>
    public required string PostalAddress { get; init; }

    /// <summary>Phone number, international format.</summary>
    /// <example>+49 981 180093-0</example>
    public string? Phone { get; init; }

    /// <summary>Fax number, international format.</summary>
    /// <example>+32 2 274 48 35</example>
    public string? Fax { get; init; }

    /// <summary>The web form for complaints, if it has one.</summary>
    /// <example>https://forms.dataprotection.ie/contact</example>
    public string? ComplaintWebForm { get; init; }

    /// <summary>
    /// Set when the authority publishes no complaint web form (complaints go by e-mail, post or an e-government mailbox):
    /// the page (one of `sources`) that lists its complaint channels without one. Null when `complaintWebForm` is set or
    /// the registry has not settled it.
    /// </summary>
    /// <example>https://www.datatilsynet.dk/english/the-danish-data-protection-agency/contact/</example>
    public string? NoComplaintWebFormSource { get; init; }

    /// <summary>The languages (ISO 639-1) in which it accepts complaints.</summary>
    /// <example>["de"]</example>
    public required string[] ComplaintLanguages { get; init; }

    /// <summary>How the authority asks to receive complaints, where it says so; null when it does not.</summary>
    /// <example>web_form</example>
    public DpaChannel? PreferredChannel { get; init; }

    /// <summary>The fingerprint of its PGP key for encrypted e-mail, if it publishes one.</summary>
    public string? PgpFingerprint { get; init; }

    /// <summary>Where these details were taken from, to check them against.</summary>
    /// <example>["https://www.lda.bayern.de"]</example>
    public required string[] Sources { get; init; }
}

/// <summary>Which bodies an authority supervises, where that decides between authorities of the same place.</summary>
public enum DpaSector
{
    /// <summary>Public bodies: authorities, municipalities, public schools and hospitals.</summary>
    Public,

    /// <summary>Companies, associations and other private bodies.</summary>
    Private,

    /// <summary>The Protestant Church in Germany (EKD), its member churches, Diakonie and their institutions (GDPR Art. 91).</summary>
    ChurchProtestant,

    /// <summary>Catholic dioceses and the bodies under them: parishes, Caritas, Catholic hospitals, schools and nurseries (GDPR Art. 91).</summary>
    ChurchCatholic,

    /// <summary>Public broadcasters (ARD's members, ZDF, Deutschlandradio) and the companies they hold.</summary>
    Broadcasting,

    /// <summary>Providers of telecommunications services (Germany: TDDDG §29, the BfDI).</summary>
    Telecommunications,

    /// <summary>Providers of postal services (Germany: the BfDI).</summary>
    Postal,

    /// <summary>The institutions, bodies, offices and agencies of the EU (Regulation (EU) 2018/1725, the EDPS).</summary>
    EuInstitution,
}

/// <summary>A way to lodge a complaint.</summary>
public enum DpaChannel
{
    /// <summary>The authority's complaint web form.</summary>
    WebForm,

    /// <summary>E-mail to the complaint address.</summary>
    Email,

    /// <summary>A letter to the postal address.</summary>
    Post,
}

/// <summary>The place codes the DPA routes take, checked the same way on each.</summary>
internal static class PlaceCodeRules
{
    public static IRuleBuilderOptions<T, string?> IsCountryCode<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Matches("^[A-Z]{2}$").WithMessage("An ISO 3166-1 alpha-2 code in upper case, e.g. DE.");

    public static IRuleBuilderOptions<T, string?> IsRegionCode<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Matches("^[A-Z]{2}-[A-Z0-9]{1,3}$").WithMessage("An ISO 3166-2 code in upper case, e.g. DE-NW.");
}
