using CaseApi.Features.Correspondence;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;

namespace CaseApi.Features.LetterTemplates;

/// <summary>What a letter is drafted from: its case, the other side (a defendant or an authority), and the letter it answers or reminds of.</summary>
public sealed record TemplateInput(Guid CaseId, Guid? DefendantId, Guid? DpaId, Guid? AnsweredLetterId);

/// <summary>A drafted subject and text, ready to become a letter.</summary>
public sealed record RenderedLetter(string Subject, string Body);

/// <summary>
/// Drafts letters from templates, for the API (a letter created with <c>templateId</c>) and for jobs (the escalation
/// job drafts reminders). Reads the merge fields through the request's or job's <see cref="DbSession"/>, so it runs
/// inside that unit of work and sees only the current organisation's rows.
/// </summary>
public sealed class LetterTemplateRenderer(DbSession db, TimeProvider clock)
{
    private sealed record MergeRow
    {
        public required string OrganisationName { get; init; }

        public required string TimeZone { get; init; }

        public required string CaseReference { get; init; }

        public required string CaseTitle { get; init; }

        public string? DefendantLegalName { get; init; }

        public string? DefendantAddress { get; init; }

        public string? DpaEnglishName { get; init; }

        public string? DpaOfficialName { get; init; }

        public string? DpaPostalAddress { get; init; }

        public string? AnsweredSubject { get; init; }

        public DateTimeOffset? AnsweredSentAt { get; init; }

        public string? AnsweredType { get; init; }

        public DateOnly? DeadlineDueDate { get; init; }

        public DateTimeOffset? DeadlineDueAt { get; init; }
    }

    private sealed record StoredTemplate(string Language, string Subject, string Body);

    /// <summary>
    /// Renders a built-in template or one of the organisation's own. Throws <see cref="ApiProblemException"/>: 422
    /// <c>unknown_reference</c> for a template the organisation does not have, 404 for a case it does not have.
    /// </summary>
    public async Task<RenderedLetter> RenderAsync(Guid templateId, TemplateInput input, CancellationToken ct)
    {
        var template = BuiltInLetterTemplates.Find(templateId) is { } builtIn
            ? new StoredTemplate(builtIn.Language, builtIn.Subject, builtIn.Body)
            : await db.QuerySingleOrDefaultAsync<StoredTemplate>(
                "SELECT language, subject, body FROM letter_templates WHERE id = @templateId AND organisation_id = current_organisation_id()", new { templateId }, ct)
              ?? throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity, "unknown_reference", $"No letter template {templateId} in this organisation.");
        return await RenderAsync(templateId, template, input, ct);
    }

    /// <summary>
    /// Renders the built-in reminder for a letter that went unanswered: after a cease-and-desist letter, after an authority's
    /// silence (when <paramref name="dpaId"/> names the authority written to), or a plain one. <paramref name="language"/> is
    /// an ISO 639-1 code of <see cref="LetterTemplateEngine.Languages"/>.
    /// </summary>
    public Task<RenderedLetter> RenderDefaultReminderAsync(LetterType answeredType, Guid? dpaId, string language, TemplateInput input, CancellationToken ct)
    {
        var reminder = BuiltInLetterTemplates.ReminderFor(answeredType, dpaId, language);
        return RenderAsync(reminder.Id, new StoredTemplate(reminder.Language, reminder.Subject, reminder.Body), input, ct);
    }

    private async Task<RenderedLetter> RenderAsync(Guid templateId, StoredTemplate template, TemplateInput input, CancellationToken ct)
    {
        var model = await LoadModelAsync(input, ct);
        try
        {
            return new RenderedLetter(
                (await RenderFieldAsync(template.Subject, model, template.Language)).Trim(),
                await RenderFieldAsync(template.Body, model, template.Language));
        }
        catch (Exception e) when (e is not OperationCanceledException and not ApiProblemException)
        {
            // Templates are checked against sample data when saved; this is for data the sample did not foresee.
            throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity, "letter_template_failed",
                $"Letter template {templateId} does not render for this letter: {e.Message}");
        }
    }

    private static async Task<string> RenderFieldAsync(string source, LetterTemplateModel model, string language) =>
        LetterTemplateEngine.TryParse(source, out var parsed, out var error)
            ? await LetterTemplateEngine.RenderAsync(parsed, model, language)
            : throw new InvalidOperationException(error);

    private async Task<LetterTemplateModel> LoadModelAsync(TemplateInput input, CancellationToken ct)
    {
        // The deadline of the answered letter, or else the authority's GDPR Art. 78(2) deadline (the latest period, of the
        // answered letter's complaint when it has one): the one whose passing the reminder is about.
        var row = await db.QuerySingleOrDefaultAsync<MergeRow>("""
            SELECT o.name AS organisation_name, o.time_zone, c.reference AS case_reference, c.title AS case_title,
                   d.legal_name AS defendant_legal_name, d.address AS defendant_address,
                   p.english_name AS dpa_english_name, p.official_name AS dpa_official_name, p.postal_address AS dpa_postal_address,
                   l.subject AS answered_subject, l.sent_at AS answered_sent_at, l.type AS answered_type,
                   dl.due_date AS deadline_due_date, dl.due_at AS deadline_due_at
            FROM organisations o
            JOIN cases c ON c.organisation_id = o.id AND c.id = @CaseId
            LEFT JOIN defendants d ON d.organisation_id = o.id AND d.id = @DefendantId
            LEFT JOIN dpas p ON p.id = @DpaId
            LEFT JOIN letters l ON l.organisation_id = o.id AND l.case_id = c.id AND l.id = @AnsweredLetterId
            LEFT JOIN LATERAL (
                SELECT x.due_date, x.due_at FROM deadlines x
                WHERE x.organisation_id = o.id AND x.case_id = c.id
                  AND ((x.kind <> 'dpa_progress' AND x.letter_id = l.id)
                       OR (x.kind = 'dpa_progress' AND x.dpa_id = @DpaId AND (l.complaint_id IS NULL OR x.complaint_id = l.complaint_id)))
                ORDER BY x.kind <> 'dpa_progress' DESC, x.due_at DESC
                LIMIT 1
            ) dl ON true
            WHERE o.id = current_organisation_id()
            """, input, ct)
            ?? throw new NotFoundException("case", input.CaseId);

        var timeZone = TimeZoneInfo.FindSystemTimeZoneById(row.TimeZone);
        DateOnly LocalDay(DateTimeOffset instant) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, timeZone).DateTime);
        return new LetterTemplateModel(
            new CaseFields(row.CaseReference, row.CaseTitle),
            row.DefendantLegalName is { } legalName ? new DefendantFields(legalName, row.DefendantAddress) : null,
            row is { DpaEnglishName: { } english, DpaOfficialName: { } official } ? new DpaFields(english, official, row.DpaPostalAddress ?? "") : null,
            row is { AnsweredSubject: { } subject, AnsweredType: { } type } ? new AnsweredLetterFields(subject, row.AnsweredSentAt is { } sentAt ? LocalDay(sentAt) : null, type) : null,
            row is { DeadlineDueDate: { } dueDate, DeadlineDueAt: { } dueAt } ? new DeadlineFields(dueDate, TimeZoneInfo.ConvertTime(dueAt, timeZone)) : null,
            new OrganisationFields(row.OrganisationName),
            LocalDay(clock.GetUtcNow()));
    }
}
