using CaseApi.Features.Deadlines;
using CaseApi.Features.Events;
using CaseApi.Features.LetterTemplates;
using CaseApi.Features.Obligations;
using CaseApi.Features.Timeline;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Json;
using FluentValidation;

namespace CaseApi.Features.Correspondence;

/// <summary>
/// Records a letter the one way there is: as <c>POST /v1/cases/{caseId}/letters</c> does, and as an imported e-mail does (issue 15), so
/// that a reply meets its letter's deadline by the same rules however it arrives.
/// </summary>
public sealed class LetterRecorder(
    DbSession db, DeadlineKeeper deadlines, CeaseAndDesistOutcomes ceaseAndDesist, TimelineWriter timeline, LetterTemplateRenderer templates, EventWriter events, TimeProvider clock)
{
    /// <summary>Writes the letter, its timeline entry and, for a reply, the deadline it meets; returns its id. <see cref="PublishAsync"/> follows.</summary>
    public async Task<Guid> RecordAsync(Guid caseId, RecordLetter.NewLetter letter, string? messageId, CancellationToken ct)
    {
        await RequireSameCaseAsync(db, "cases", caseId, caseId, "case", ct);
        if (letter.ComplaintId is { } complaintId)
        {
            await RequireSameCaseAsync(db, "complaints", complaintId, caseId, "complaint", ct);
        }

        if (letter.InReplyTo is { } answered)
        {
            await RequireSameCaseAsync(db, "letters", answered, caseId, "letter", ct);
            if (letter.CeaseAndDesistReply is not null)
            {
                await CeaseAndDesistOutcomes.RequireCeaseAndDesistAsync(db, answered, ct);
            }
        }

        var (subject, body) = await DraftAsync(caseId, letter, ct);
        var now = clock.GetUtcNow();
        var id = Guid.CreateVersion7(now);
        var incoming = letter.Direction == LetterDirection.Incoming;
        var receivedAt = incoming ? letter.ReceivedAt ?? now : (DateTimeOffset?)null;
        await db.ExecuteAsync("""
            INSERT INTO letters (id, organisation_id, case_id, complaint_id, direction, type, defendant_id, dpa_id, channel, subject, body,
                in_reply_to_id, message_id, recipient_address, status, received_at, cease_and_desist_reply, created_at, updated_at)
            VALUES (@id, current_organisation_id(), @caseId, @ComplaintId, @direction, @type, @DefendantId, @DpaId, @channel, @subject, @body,
                @InReplyTo, @messageId, @RecipientAddress, @status, @receivedAt, @reply::jsonb, @now, @now)
            """,
            new
            {
                id, caseId, letter.ComplaintId, direction = SnakeCase.From(letter.Direction), type = SnakeCase.From(letter.Type),
                letter.DefendantId, letter.DpaId, channel = SnakeCase.From(letter.Channel), subject, body, letter.InReplyTo, messageId, letter.RecipientAddress,
                status = incoming ? "received" : "draft", receivedAt, now,
                reply = letter.CeaseAndDesistReply is null ? null : System.Text.Json.JsonSerializer.Serialize(letter.CeaseAndDesistReply, JsonSetup.Api),
            },
            ct);

        if (incoming)
        {
            await timeline.AppendAsync(caseId, "letter.received", $"Letter received: {subject}", "letter", id, occurredAt: receivedAt, ct: ct);
            if (letter.InReplyTo is { } answeredLetter)
            {
                await (letter.CeaseAndDesistReply is { } classified
                    ? ceaseAndDesist.RecordReplyAsync(caseId, answeredLetter, id, classified, receivedAt!.Value, ct)
                    : deadlines.MeetByReplyAsync(answeredLetter, id, receivedAt!.Value, ct));
            }

            if (letter is { ComplaintId: { } complaint, DpaId: { } dpa })
            {
                await deadlines.MeetDpaProgressAsync(caseId, complaint, dpa, id, receivedAt!.Value, ct);
            }
        }
        else
        {
            await timeline.AppendAsync(caseId, "letter.created", $"Draft letter: {subject}", "letter", id,
                details: letter.TemplateId is { } templateId ? new { templateId } : null, ct: ct);
        }

        return id;
    }

    /// <summary>The letter as recorded, with whatever was attached meanwhile, into the change feed (and so to webhooks).</summary>
    public async Task<LetterDto> PublishAsync(Guid id, CancellationToken ct)
    {
        var recorded = (await LetterReader.LoadAsync(db, id, ct))!;
        await events.AppendAsync(recorded.Direction == LetterDirection.Incoming ? "letter.received" : "letter.created", "letter", id, recorded, ct);
        return recorded;
    }

    /// <summary>The subject and text as given, with what is left out drafted from the template, if there is one.</summary>
    private async Task<(string Subject, string? Body)> DraftAsync(Guid caseId, RecordLetter.NewLetter letter, CancellationToken ct)
    {
        if (letter.TemplateId is not { } templateId)
        {
            return (letter.Subject!, letter.Body);
        }

        var drafted = await templates.RenderAsync(templateId, new TemplateInput(caseId, letter.DefendantId, letter.DpaId, letter.InReplyTo, letter.ComplaintId), ct);
        var subject = letter.Subject ?? drafted.Subject;
        return subject.Length is > 0 and <= LetterLimits.MaxSubjectLength
            ? (subject, letter.Body ?? drafted.Body)
            : throw new ValidationException([new("subject", $"The template drafts a subject of {subject.Length} characters (1 to {LetterLimits.MaxSubjectLength} allowed); give a subject.")]);
    }

    /// <summary>
    /// A letter may only refer to its own case's complaint and letters. The composite keys already keep other
    /// organisations' rows out; this keeps the organisation's own cases apart.
    /// </summary>
    private static async Task RequireSameCaseAsync(DbSession db, string table, Guid id, Guid caseId, string resource, CancellationToken ct)
    {
        var column = table == "cases" ? "id" : "case_id";
        var found = await db.QuerySingleOrDefaultAsync<Guid?>(
            $"SELECT {column} FROM {table} WHERE id = @id AND organisation_id = current_organisation_id()", new { id }, ct);
        if (found is null)
        {
            throw table == "cases" ? new NotFoundException(resource, id)
                : new ApiProblemException(StatusCodes.Status422UnprocessableEntity, "unknown_reference", $"No {resource} {id} in this organisation.");
        }

        if (found != caseId)
        {
            throw new ApiProblemException(StatusCodes.Status422UnprocessableEntity, "other_case", $"The {resource} {id} belongs to another case.");
        }
    }
}
