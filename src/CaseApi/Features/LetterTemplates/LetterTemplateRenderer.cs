using CaseApi.Features.Correspondence;
using CaseApi.Features.Deadlines;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;
using FluentValidation;
using FluentValidation.Results;

namespace CaseApi.Features.LetterTemplates;

/// <summary>
/// What a letter is drafted from: its case, the other side (a defendant or an authority), the letter it answers or reminds of,
/// and the complaint it is about (else the answered letter's).
/// </summary>
public sealed record TemplateInput(Guid CaseId, Guid? DefendantId, Guid? DpaId, Guid? AnsweredLetterId, Guid? ComplaintId = null);

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
        public long N { get; init; }

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

        public bool HasComplaint { get; init; }

        public DateOnly? ComplaintFiledOn { get; init; }

        public string? ComplaintDpaReference { get; init; }

        public string? ComplaintOnBehalfOf { get; init; }

        public string? ComplaintLodgedWith { get; init; }

        public bool ComplaintTransferred { get; init; }
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

    /// <summary>
    /// The built-in reminders for many unanswered letters at once, with one query for all their merge data: the
    /// deadline sweep drafts thousands in a run, and one round trip each would dominate its time.
    /// </summary>
    public async Task<IReadOnlyList<RenderedLetter>> RenderDefaultRemindersAsync(
        IReadOnlyList<(LetterType AnsweredType, TemplateInput Input, string Language)> letters, CancellationToken ct)
    {
        var models = await LoadModelsAsync(letters.Select(l => l.Input).ToArray(), ct);
        var rendered = new RenderedLetter[letters.Count];
        for (var i = 0; i < letters.Count; i++)
        {
            var reminder = BuiltInLetterTemplates.ReminderFor(letters[i].AnsweredType, letters[i].Input.DpaId, letters[i].Language);
            rendered[i] = await RenderModelAsync(reminder.Id, new StoredTemplate(reminder.Language, reminder.Subject, reminder.Body), models[i], ct);
        }

        return rendered;
    }

    private async Task<RenderedLetter> RenderAsync(Guid templateId, StoredTemplate template, TemplateInput input, CancellationToken ct) =>
        await RenderModelAsync(templateId, template, (await LoadModelsAsync([input], ct))[0], ct);

    private async Task<RenderedLetter> RenderModelAsync(Guid templateId, StoredTemplate template, LetterTemplateModel model, CancellationToken ct) => new(
        (await RenderFieldAsync(templateId, "subject", template.Subject, template.Language, model, ct)).Trim(),
        await RenderFieldAsync(templateId, "body", template.Body, template.Language, model, ct));

    /// <summary>
    /// One field through the limits of <see cref="LetterTemplateLimits"/>, for the API and for jobs alike: a text longer than a
    /// letter may be is a 400 naming the field, any other failure a 422 (a job logs either and drafts nothing).
    /// </summary>
    private async Task<string> RenderFieldAsync(Guid templateId, string field, string source, string language, LetterTemplateModel model, CancellationToken ct)
    {
        try
        {
            return await LetterTemplateEngine.RenderAsync(LetterTemplateEngine.ParseCached(source), model, language, clock, ct);
        }
        catch (LetterTooLongException e)
        {
            throw new ValidationException([new ValidationFailure(field,
                $"Letter template {templateId} drafts a {field} of more than {e.MaxLength:N0} characters for this letter; shorten the template.")]);
        }
        catch (Exception e) when (e is not OperationCanceledException and not ApiProblemException)
        {
            // Templates are checked against sample data when saved; this is for data the sample did not foresee, and for
            // templates saved before a limit existed.
            throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity, "letter_template_failed",
                $"Letter template {templateId} does not render for this letter: {e.Message}");
        }
    }

    private async Task<IReadOnlyList<LetterTemplateModel>> LoadModelsAsync(IReadOnlyList<TemplateInput> inputs, CancellationToken ct)
    {
        // The deadline of the answered letter, or else the authority's GDPR Art. 78(2) deadline (the latest period, of the
        // answered letter's complaint when it has one): the one whose passing the reminder is about.
        var rows = await db.QueryAsync<MergeRow>("""
            SELECT i.n, o.name AS organisation_name, o.time_zone, c.reference AS case_reference, c.title AS case_title,
                   d.legal_name AS defendant_legal_name, d.address AS defendant_address,
                   p.english_name AS dpa_english_name, p.official_name AS dpa_official_name, p.postal_address AS dpa_postal_address,
                   l.subject AS answered_subject, l.sent_at AS answered_sent_at, l.type AS answered_type,
                   dl.due_date AS deadline_due_date, dl.due_at AS deadline_due_at,
                   k.id IS NOT NULL AS has_complaint, k.filed_on AS complaint_filed_on, k.dpa_reference AS complaint_dpa_reference,
                   k.on_behalf_of AS complaint_on_behalf_of, kp.official_name AS complaint_lodged_with,
                   k.transferred_to_dpa_id IS NOT NULL AS complaint_transferred
            FROM unnest(@caseIds, @defendantIds, @dpaIds, @answeredIds, @complaintIds) WITH ORDINALITY AS i(case_id, defendant_id, dpa_id, answered_id, complaint_id, n)
            JOIN organisations o ON o.id = current_organisation_id()
            JOIN cases c ON c.organisation_id = o.id AND c.id = i.case_id
            LEFT JOIN defendants d ON d.organisation_id = o.id AND d.id = i.defendant_id
            LEFT JOIN dpas p ON p.id = i.dpa_id
            LEFT JOIN letters l ON l.organisation_id = o.id AND l.case_id = c.id AND l.id = i.answered_id
            LEFT JOIN complaints k ON k.organisation_id = o.id AND k.case_id = c.id AND k.id = coalesce(i.complaint_id, l.complaint_id)
            LEFT JOIN dpas kp ON kp.id = k.dpa_id
            -- The answered letter's is its one response deadline, spelled as that unique index's predicate so that it is found
            -- there: read among all of the case's deadlines, the sweep's reminders cost a page per deadline of the case (the only
            -- other kind a letter has is its delivery alarm, due before the letter went out).
            LEFT JOIN LATERAL (
                SELECT y.due_date, y.due_at FROM (
                    SELECT x.due_date, x.due_at, 1 AS rank FROM deadlines x
                    WHERE x.organisation_id = o.id AND x.case_id = c.id AND x.letter_id = l.id AND x.kind IN ('response', 'data_subject_request')
                    UNION ALL
                    (SELECT x.due_date, x.due_at, 2 FROM deadlines x
                     WHERE i.dpa_id IS NOT NULL AND x.organisation_id = o.id AND x.case_id = c.id
                       AND x.kind = 'dpa_progress' AND x.dpa_id = i.dpa_id AND (k.id IS NULL OR x.complaint_id = k.id)
                     ORDER BY x.due_at DESC
                     LIMIT 1)
                ) y
                ORDER BY y.rank
                LIMIT 1
            ) dl ON true
            ORDER BY i.n
            """,
            new
            {
                caseIds = inputs.Select(i => i.CaseId).ToArray(), defendantIds = inputs.Select(i => i.DefendantId).ToArray(),
                dpaIds = inputs.Select(i => i.DpaId).ToArray(), answeredIds = inputs.Select(i => i.AnsweredLetterId).ToArray(),
                complaintIds = inputs.Select(i => i.ComplaintId).ToArray(),
            },
            ct);
        if (rows.Count != inputs.Count)
        {
            throw new NotFoundException("case", inputs.Select(i => i.CaseId).Except(rows.Select(r => inputs[(int)r.N - 1].CaseId)).First());
        }

        return rows.Select(ToModel).ToArray();
    }

    private LetterTemplateModel ToModel(MergeRow row)
    {
        var timeZone = TimeZoneInfo.FindSystemTimeZoneById(row.TimeZone);
        DateOnly LocalDay(DateTimeOffset instant) => DeadlineCalendar.LocalDay(instant, timeZone);
        return new LetterTemplateModel(
            new CaseFields(row.CaseReference, row.CaseTitle),
            row.DefendantLegalName is { } legalName ? new DefendantFields(legalName, row.DefendantAddress) : null,
            row is { DpaEnglishName: { } english, DpaOfficialName: { } official } ? new DpaFields(english, official, row.DpaPostalAddress ?? "") : null,
            row is { AnsweredSubject: { } subject, AnsweredType: { } type } ? new AnsweredLetterFields(subject, row.AnsweredSentAt is { } sentAt ? LocalDay(sentAt) : null, type) : null,
            row is { DeadlineDueDate: { } dueDate, DeadlineDueAt: { } dueAt } ? new DeadlineFields(dueDate, TimeZoneInfo.ConvertTime(dueAt, timeZone)) : null,
            new OrganisationFields(row.OrganisationName),
            LocalDay(clock.GetUtcNow()),
            row is { HasComplaint: true, ComplaintOnBehalfOf: { } onBehalfOf, ComplaintLodgedWith: { } lodgedWith }
                ? new ComplaintFields(row.ComplaintFiledOn, row.ComplaintDpaReference, onBehalfOf, lodgedWith, row.ComplaintTransferred)
                : null);
    }
}
