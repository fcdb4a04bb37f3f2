namespace CaseApi.Features.LetterTemplates;

/// <summary>
/// The merge fields a letter template sees, in Liquid as snake_case (<c>{{ defendant.legal_name }}</c>). Any of
/// them may be missing (a letter to an authority has no defendant): a missing value renders as nothing.
/// The list is documented for lawyers in the description of <c>POST /v1/letter-templates</c>; keep both in step.
/// </summary>
public sealed record LetterTemplateModel(
    CaseFields? Case,
    DefendantFields? Defendant,
    DpaFields? Dpa,
    AnsweredLetterFields? Answered,
    DeadlineFields? Deadline,
    OrganisationFields? Organisation,
    DateOnly? Today,
    ComplaintFields? Complaint = null)
{
    /// <summary>For lawyers writing templates, in the OpenAPI document.</summary>
    public static readonly string Documentation = """
        `subject` and `body` are Liquid templates. One that does not parse is a 400 naming the field, with the line and column of
        the mistake; one that does not render against sample data (a misspelt filter, say) is refused as well. Names are unique in
        the organisation (409).

        **Start the body at the salutation** and end it with the closing and `{{ organisation.name }}`: the same text goes out as
        an e-mail, which has no address block, and into the PDF (`GET /v1/letters/{id}/document`), which sets the letterhead, the
        recipient's address, place and date and the reference itself, and turns a last line with your organisation's name into
        the signature. An address or date written into the body would stand in the PDF twice.

        **Merge fields** (a missing one, such as the defendant of a letter to an authority, renders as nothing):

        | field | what |
        | --- | --- |
        | `case.reference`, `case.title` | the case |
        | `defendant.legal_name`, `defendant.address` | the other side, when a defendant |
        | `dpa.official_name`, `dpa.english_name`, `dpa.postal_address` | the other side, when an authority |
        | `answered.subject`, `answered.sent_on`, `answered.type` | the letter answered or reminded of (the new letter's `inReplyTo`) |
        | `deadline.due_date`, `deadline.due_at` | that letter's response deadline; for an authority, its GDPR Art. 78(2) deadline |
        | `complaint.filed_on`, `complaint.dpa_reference`, `complaint.on_behalf_of`, `complaint.lodged_with`, `complaint.transferred` | the complaint the letter is about: when it was lodged, the authority's reference, `complainants` (under their mandate, GDPR Art. 80(1)) or `organisation` (in its own right, Art. 80(2)), the authority it was lodged with, and whether it went to a lead authority |
        | `organisation.name` | your organisation |
        | `today` | today, in your organisation's time zone |

        **Filters**: Liquid's own, and `date_long`, which writes a date as a letter does in the template's language:
        `{{ answered.sent_on | date_long }}` gives "30. April 2025" in German and "30 April 2025" in English
        (`date_long: 'en'` for the other language).

        """ + LetterTemplateLimits.Documentation;

    public static readonly LetterTemplateModel Empty = new(null, null, null, null, null, null, null);

    /// <summary>What a template is tried against before it is saved, so that one that cannot render is refused then, not when a letter is due.</summary>
    public static readonly LetterTemplateModel Sample = new(
        new CaseFields("DEMO-2025-001", "Meta: training AI on EU users' posts"),
        new DefendantFields("Meta Platforms Ireland Limited", "Merrion Road, Dublin 4, D04 X2K5, Ireland"),
        new DpaFields("Data Protection Commission", "An Coimisiún um Chosaint Sonraí / Data Protection Commission", "21 Fitzwilliam Square South, Dublin 2, D02 RD28, Ireland"),
        new AnsweredLetterFields("Cease and desist: training AI on EU users' posts", new DateOnly(2025, 4, 30), "cease_and_desist"),
        new DeadlineFields(new DateOnly(2025, 5, 14), new DateTimeOffset(2025, 5, 15, 0, 0, 0, TimeSpan.FromHours(2))),
        new OrganisationFields("Demo consumer organisation"),
        new DateOnly(2025, 5, 20),
        new ComplaintFields(new DateOnly(2024, 6, 6), "C-24-6-123", "complainants", "Der Hamburgische Beauftragte für Datenschutz und Informationsfreiheit", true));

    internal static readonly Type[] Types =
        [typeof(LetterTemplateModel), typeof(CaseFields), typeof(DefendantFields), typeof(DpaFields), typeof(AnsweredLetterFields), typeof(DeadlineFields), typeof(OrganisationFields), typeof(ComplaintFields)];
}

public sealed record CaseFields(string Reference, string Title);

public sealed record DefendantFields(string LegalName, string? Address);

public sealed record DpaFields(string EnglishName, string OfficialName, string PostalAddress);

/// <summary>The letter a new one answers or reminds of. <c>SentOn</c> is the day in the organisation's time zone; <c>Type</c> as the API spells it.</summary>
public sealed record AnsweredLetterFields(string Subject, DateOnly? SentOn, string Type);

/// <summary>The deadline the answered letter set, or for an authority the GDPR Art. 78(2) one; <c>DueAt</c> in the organisation's time zone.</summary>
public sealed record DeadlineFields(DateOnly DueDate, DateTimeOffset DueAt);

public sealed record OrganisationFields(string Name);

/// <summary>
/// The complaint a letter is about. <c>OnBehalfOf</c> as the API spells it (GDPR Art. 80(1) or (2)); <c>LodgedWith</c> the official
/// name of the authority it was lodged with; <c>Transferred</c> whether it went to a lead authority (Art. 56(1)).
/// </summary>
public sealed record ComplaintFields(DateOnly? FiledOn, string? DpaReference, string OnBehalfOf, string LodgedWith, bool Transferred);
