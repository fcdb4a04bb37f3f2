using System.Security.Cryptography;
using System.Text;
using CaseApi.Features.Correspondence;

namespace CaseApi.Features.LetterTemplates;

/// <summary>A template every organisation has, kept in the code: read-only, and improved for everyone by a release.</summary>
public sealed record BuiltInLetterTemplate(string Key, string Name, LetterType LetterType, string Language, string Subject, string Body)
{
    /// <summary>Derived from the key, as the DPA registry's ids are from their codes: the same in every database and release.</summary>
    public Guid Id { get; } = Guid.Parse(Convert.ToHexString(MD5.HashData(Encoding.UTF8.GetBytes($"letter-template:{Key}"))));

    public LetterTemplateDto ToDto() => new()
    {
        Id = Id, Name = Name, LetterType = LetterType, Language = Language, Subject = Subject, Body = Body, BuiltIn = true, Version = 1,
    };
}

/// <summary>
/// The reminders a lawyer sends when the other side stays silent: after a cease-and-desist letter, after an authority's
/// silence on a complaint (GDPR Art. 78(2)), and a plain one for anything else, each in German and English.
/// Reminders are drafts: the lawyer reads, adapts and sends them.
/// A body starts at the salutation and ends with the organisation's name: the same text goes out as an e-mail, which has no
/// address block, and into the PDF (LetterDocument), which sets the recipient's address, place and date and the reference
/// itself (issue 15 point 5: the rendered letter showed them twice). What only a body gave before, the answered letter's
/// subject and the authority's reference, is in the first sentence and the subject line.
/// </summary>
public static class BuiltInLetterTemplates
{
    public static readonly BuiltInLetterTemplate CeaseAndDesistReminderDe = new(
        "reminder-after-cease-and-desist-de", "Erinnerung nach Abmahnung (eingebaut)", LetterType.Reminder, "de",
        "Erinnerung: unser Schreiben vom {{ answered.sent_on | date_long }} – Unser Zeichen {{ case.reference }}",
        """
        Sehr geehrte Damen und Herren,

        mit unserem Schreiben vom {{ answered.sent_on | date_long }} („{{ answered.subject }}“) haben wir Sie aufgefordert, das dort beanstandete Verhalten zu unterlassen und bis zum {{ deadline.due_date | date_long }} eine strafbewehrte Unterlassungserklärung abzugeben. Diese Frist ist verstrichen, ohne dass uns eine Erklärung oder eine sonstige Antwort von Ihnen vorliegt.

        Wir geben Ihnen hiermit letztmalig Gelegenheit, die Unterlassungserklärung binnen sieben Tagen nach Zugang dieses Schreibens abzugeben. Erhalten wir innerhalb dieser Frist keine ausreichende Erklärung, werden wir ohne weitere Ankündigung gerichtliche Hilfe in Anspruch nehmen.

        Sollte sich Ihre Antwort mit diesem Schreiben überschnitten haben, betrachten Sie es bitte als gegenstandslos.

        Mit freundlichen Grüßen

        {{ organisation.name }}
        """);

    public static readonly BuiltInLetterTemplate CeaseAndDesistReminderEn = new(
        "reminder-after-cease-and-desist-en", "Reminder after a cease-and-desist letter (built-in)", LetterType.Reminder, "en",
        "Reminder: our letter of {{ answered.sent_on | date_long }} – our ref. {{ case.reference }}",
        """
        Dear Sir or Madam,

        In our letter of {{ answered.sent_on | date_long }} ("{{ answered.subject }}") we called on you to cease the conduct set out there and to give us, by {{ deadline.due_date | date_long }}, an undertaking to cease and desist backed by a contractual penalty. That deadline has passed without an undertaking or any other reply from you.

        We hereby give you a final opportunity to provide the undertaking within seven days of receiving this letter. Should we not receive a sufficient undertaking within that time, we will bring proceedings without further notice.

        If your reply has crossed with this letter, please disregard it.

        Yours faithfully,

        {{ organisation.name }}
        """);

    // The Art. 78(2) period has no letter of ours behind it: the complaint, not an answered letter, gives the date. After a
    // transfer the lead authority is written to (Art. 56(1), 78(2)) and told where the complaint was lodged; the sentence on
    // Art. 80 says in whose right the organisation acts.
    public static readonly BuiltInLetterTemplate DpaSilenceReminderDe = new(
        "reminder-after-dpa-silence-de", "Sachstandsanfrage an eine Aufsichtsbehörde nach Art. 78 Abs. 2 DSGVO (eingebaut)", LetterType.Reminder, "de",
        "Sachstandsanfrage zu {% if complaint %}unserer Beschwerde vom {{ complaint.filed_on | date_long }}{% else %}unserem Schreiben vom {{ answered.sent_on | date_long }}{% endif %} – Unser Zeichen {{ case.reference }}{% if complaint.dpa_reference %}, Ihr Zeichen {{ complaint.dpa_reference }}{% endif %}",
        """
        Sehr geehrte Damen und Herren,

        {% if complaint %}am {{ complaint.filed_on | date_long }} haben wir {% if complaint.transferred %}bei der Behörde „{{ complaint.lodged_with }}“ Beschwerde in der Sache „{{ case.title }}“ eingelegt, die sie an Sie als federführende Aufsichtsbehörde (Art. 56 Abs. 1 DSGVO) abgegeben hat{% else %}bei Ihnen Beschwerde in der Sache „{{ case.title }}“ eingelegt{% endif %}. {% if complaint.on_behalf_of == "organisation" %}Wir haben sie im eigenen Namen nach Art. 80 Abs. 2 DSGVO eingelegt.{% else %}Wir haben sie im Auftrag der betroffenen Personen nach Art. 80 Abs. 1 DSGVO eingelegt.{% endif %}{% else %}mit unserem Schreiben vom {{ answered.sent_on | date_long }} („{{ answered.subject }}“) haben wir uns in der Sache „{{ case.title }}“ an Sie gewandt.{% endif %}{% if deadline %} Nach Art. 78 Abs. 2 DSGVO hätten Sie uns bis zum {{ deadline.due_date | date_long }} über den Stand oder das Ergebnis der Beschwerde in Kenntnis setzen müssen.{% endif %} Eine solche Mitteilung haben wir bislang nicht erhalten.

        Wir bitten Sie daher, uns den Stand des Verfahrens mitzuteilen und anzugeben, wann mit einer Entscheidung zu rechnen ist.

        Vorsorglich weisen wir darauf hin, dass Art. 78 Abs. 2 DSGVO das Recht auf einen wirksamen gerichtlichen Rechtsbehelf gewährt, wenn die zuständige Aufsichtsbehörde nicht innerhalb von drei Monaten über den Stand oder das Ergebnis der Beschwerde in Kenntnis setzt. Wir behalten uns vor, hiervon Gebrauch zu machen.

        Mit freundlichen Grüßen

        {{ organisation.name }}
        """);

    public static readonly BuiltInLetterTemplate DpaSilenceReminderEn = new(
        "reminder-after-dpa-silence-en", "Request for progress to an authority under GDPR Art. 78(2) (built-in)", LetterType.Reminder, "en",
        "Progress of {% if complaint %}our complaint of {{ complaint.filed_on | date_long }}{% else %}our letter of {{ answered.sent_on | date_long }}{% endif %} – our ref. {{ case.reference }}{% if complaint.dpa_reference %}, your ref. {{ complaint.dpa_reference }}{% endif %}",
        """
        Dear Sir or Madam,

        {% if complaint %}On {{ complaint.filed_on | date_long }} we lodged a complaint concerning "{{ case.title }}" {% if complaint.transferred %}with {{ complaint.lodged_with }}, which handed it to you as the lead supervisory authority (Article 56(1) GDPR){% else %}with you{% endif %}. {% if complaint.on_behalf_of == "organisation" %}We lodged it in our own right under Article 80(2) GDPR.{% else %}We lodged it under the mandate of the data subjects concerned, Article 80(1) GDPR.{% endif %}{% else %}In our letter of {{ answered.sent_on | date_long }} ("{{ answered.subject }}") we wrote to you concerning "{{ case.title }}".{% endif %}{% if deadline %} Under Article 78(2) GDPR, you were to inform us of the progress or outcome of the complaint by {{ deadline.due_date | date_long }}.{% endif %} We have not received any such information.

        We therefore ask you to inform us of the state of the proceedings and of when a decision may be expected.

        For the avoidance of doubt, Article 78(2) GDPR gives the right to an effective judicial remedy where the competent supervisory authority does not inform the complainant within three months of the progress or outcome of the complaint. We reserve the right to exercise it.

        Yours faithfully,

        {{ organisation.name }}
        """);

    public static readonly BuiltInLetterTemplate ReminderDe = new(
        "reminder-de", "Erinnerung (eingebaut)", LetterType.Reminder, "de",
        "Erinnerung: unser Schreiben vom {{ answered.sent_on | date_long }} – Unser Zeichen {{ case.reference }}",
        """
        Sehr geehrte Damen und Herren,

        mit unserem Schreiben vom {{ answered.sent_on | date_long }} („{{ answered.subject }}“) haben wir Sie um Antwort{% if deadline %} bis zum {{ deadline.due_date | date_long }}{% endif %} gebeten. Eine Antwort liegt uns bislang nicht vor.

        Wir bitten Sie, uns binnen sieben Tagen nach Zugang dieses Schreibens zu antworten.

        Sollte sich Ihre Antwort mit diesem Schreiben überschnitten haben, betrachten Sie es bitte als gegenstandslos.

        Mit freundlichen Grüßen

        {{ organisation.name }}
        """);

    public static readonly BuiltInLetterTemplate ReminderEn = new(
        "reminder-en", "Reminder (built-in)", LetterType.Reminder, "en",
        "Reminder: our letter of {{ answered.sent_on | date_long }} – our ref. {{ case.reference }}",
        """
        Dear Sir or Madam,

        In our letter of {{ answered.sent_on | date_long }} ("{{ answered.subject }}") we asked you to reply{% if deadline %} by {{ deadline.due_date | date_long }}{% endif %}. We have not yet received your reply.

        We ask you to reply within seven days of receiving this letter.

        If your reply has crossed with this letter, please disregard it.

        Yours faithfully,

        {{ organisation.name }}
        """);

    public static readonly IReadOnlyList<BuiltInLetterTemplate> All =
        [CeaseAndDesistReminderDe, CeaseAndDesistReminderEn, DpaSilenceReminderDe, DpaSilenceReminderEn, ReminderDe, ReminderEn];

    private static readonly Dictionary<Guid, BuiltInLetterTemplate> ById = All.ToDictionary(t => t.Id);

    public static BuiltInLetterTemplate? Find(Guid id) => ById.GetValueOrDefault(id);

    /// <summary>
    /// The reminder for a letter that went unanswered: after a cease-and-desist letter, the final demand for the undertaking;
    /// after a letter to an authority, the Art. 78(2) request for progress; otherwise a plain reminder.
    /// </summary>
    public static BuiltInLetterTemplate ReminderFor(LetterType answeredType, Guid? dpaId, string language)
    {
        if (!LetterTemplateEngine.Languages.Contains(language))
        {
            throw new ArgumentOutOfRangeException(nameof(language), language, $"Built-in reminders exist in {string.Join(" and ", LetterTemplateEngine.Languages)}.");
        }

        var german = language == "de";
        return answeredType == LetterType.CeaseAndDesist ? (german ? CeaseAndDesistReminderDe : CeaseAndDesistReminderEn)
            : dpaId is not null ? (german ? DpaSilenceReminderDe : DpaSilenceReminderEn)
            : german ? ReminderDe : ReminderEn;
    }
}
