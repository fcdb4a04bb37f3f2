using System.Text.Json.Nodes;
using CaseApi.Features.ApiKeys;
using CaseApi.Features.CalendarFeeds;
using CaseApi.Features.Cases;
using CaseApi.Features.Complaints;
using CaseApi.Features.Correspondence;
using CaseApi.Features.Deadlines;
using CaseApi.Features.Defendants;
using CaseApi.Features.Inbox;
using CaseApi.Features.LetterTemplates;
using CaseApi.Features.Obligations;
using CaseApi.Features.Organisations;
using CaseApi.Features.Proceedings;
using CaseApi.Features.Webhooks;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace CaseApi.Infrastructure.OpenApi;

/// <summary>
/// One example for every request body, from the Meta case (Verbraucherzentrale NRW against Meta Platforms Ireland
/// Limited over training AI on EU users' posts: the cease-and-desist letter of 30 April 2025, the application to the
/// Oberlandesgericht Köln, 15 UKl 2/25, rejected on 23 May 2025, and the complaints that reached the Irish DPC), which
/// Swagger UI puts in the editor and the API accepts as it is (issue 14 point 8; <c>RequestExampleTests</c> sends each).
/// Ids of authorities and courts are the real ones, the same in every database; a defendant's id is this organisation's
/// own, so the one shown stands for the id of your Meta defendant.
/// </summary>
public static class Examples
{
    /// <summary>Stands for the id <c>POST /v1/defendants</c> gave Meta Platforms Ireland Limited.</summary>
    public const string MetaDefendantId = "01966b3e-7c4a-7d2e-9a10-4d6574610001";

    /// <summary>The Irish Data Protection Commission (<c>ie-dpc</c>), Meta's lead supervisory authority (GDPR Art. 56).</summary>
    public const string DpcIrelandId = "f5bdda9f-07f1-c1df-d9d7-68274782c186";

    /// <summary>The Oberlandesgericht Köln (<c>de-olg-koeln</c>), first instance for injunctions under UKlaG § 6.</summary>
    public const string OlgKoelnId = "f0aa8688-5832-8c3a-7245-f3bd01555889";

    public static readonly IReadOnlyDictionary<Type, string> RequestBodies = new Dictionary<Type, string>
    {
        [typeof(CreateApiKey.Command)] = """{ "name": "Case system sync", "role": "integration" }""",
        [typeof(CreateCalendarFeed.Command)] = """{ "name": "Meta case deadlines" }""",
        [typeof(OpenCase.Command)] = """
            {
              "reference": "VZ-2025-0142",
              "title": "Meta: training AI on EU users' Instagram and Facebook posts",
              "summary": "Meta announced that from 27 May 2025 it would train AI on the public posts of EU users, on legitimate interest with only an objection. Cease-and-desist letter of 30 April 2025.",
              "legalBases": ["GDPR Art. 6(1)(f)", "GDPR Art. 21", "UKlaG § 2"],
              "tags": ["ai-training", "meta"],
              "responsibleLawyer": "Team Digitales und Verbraucherrecht",
              "openedOn": "2025-04-14"
            }
            """,
        [typeof(UpdateCase.Body)] = """
            {
              "status": "closed",
              "outcome": "OLG Köln rejected the application for a preliminary injunction on 23 May 2025 (15 UKl 2/25).",
              "closedOn": "2025-05-23"
            }
            """,
        [typeof(FileComplaint.Body)] = $$"""
            {
              "defendantId": "{{MetaDefendantId}}",
              "dpaId": "{{DpcIrelandId}}",
              "onBehalfOf": "complainants",
              "mandateDocument": "Mandate Jane Doe (GDPR Art. 80(1)), signed 2024-05-30.pdf",
              "mandateSignedOn": "2024-05-30",
              "filedOn": "2024-06-06",
              "provisions": ["GDPR Art. 5(1)", "GDPR Art. 6(1)", "GDPR Art. 21(1)", "GDPR Art. 25"],
              "complainants": [{ "name": "Jane Doe", "email": "jane@example.org" }]
            }
            """,
        [typeof(TransitionComplaint.Body)] = """
            {
              "to": "acknowledged",
              "at": "2024-06-20T09:00:00+02:00",
              "dpaReference": "C-24-6-123",
              "note": "The DPC confirmed receipt and assigned its reference."
            }
            """,
        [typeof(RecordLetter.NewLetter)] = $$"""
            {
              "direction": "outgoing",
              "type": "cease_and_desist",
              "defendantId": "{{MetaDefendantId}}",
              "channel": "email",
              "subject": "Unterlassungsaufforderung: KI-Training mit Nutzerdaten",
              "body": "Wir fordern Sie auf, es zu unterlassen, personenbezogene Daten von Nutzern in der EU ohne deren Einwilligung zum Training von KI-Modellen zu verwenden, und die beigefügte strafbewehrte Unterlassungserklärung abzugeben."
            }
            """,
        [typeof(UpdateDraftLetter.Changes)] = """
            {
              "subject": "Unterlassungsaufforderung: KI-Training mit Daten von Instagram- und Facebook-Nutzern",
              "channel": "registered_post"
            }
            """,
        [typeof(SendLetter.Body)] = """{ "sentAt": "2025-04-30T10:00:00+02:00", "responsePeriod": "P14D" }""",
        [typeof(RecordDelivery.Body)] = """{ "deliveredOn": "2025-04-30" }""",
        [typeof(ExtendDeadline.Body)] = """
            {
              "dueDate": "2025-05-21",
              "reason": "Illustrative: one more week granted at the defendant's request."
            }
            """,
        [typeof(WaiveDeadline.Body)] = """{ "reason": "Moot: the court rejected the application on 23 May 2025." }""",
        [typeof(RecordDeadlineTrigger.Body)] = """{ "kind": "infringement_known", "occurredOn": "2025-04-14" }""",
        [typeof(CreateDefendant.Command)] = """
            {
              "legalName": "Meta Platforms Ireland Limited",
              "otherNames": ["Facebook Ireland Limited", "Instagram", "Facebook"],
              "legalForm": "Private company limited by shares",
              "registerNumber": "462932",
              "country": "IE",
              "address": "Merrion Road, Dublin 4, D04 X2K5, Ireland",
              "website": "https://about.meta.com",
              "parentCompany": "Meta Platforms, Inc.",
              "mainEstablishmentCountry": "IE",
              "language": "en"
            }
            """,
        [typeof(UpdateDefendant.Body)] = """{ "dpoContact": "Data Protection Officer, Meta Platforms Ireland Limited, Merrion Road, Dublin 4, D04 X2K5, Ireland" }""",
        [typeof(PutEscalationPolicy.Body)] = """
            {
              "dueSoonWorkingDays": 3,
              "reminderPeriod": "P7D",
              "rules": {
                "cease_and_desist": { "remind": false, "escalate": true, "recommendation": "Apply to the Oberlandesgericht for a preliminary injunction (UKlaG § 6) within the urgency window." },
                "default": { "remind": true, "escalate": true, "recommendation": "Call the counterparty, then decide on the next step." }
              }
            }
            """,
        [typeof(SetUrgencyWindow.Body)] = """
            { "period": "P6W", "reason": "Senate 6 of OLG Köln accepted six weeks in our last three cases." }
            """,
        [typeof(MailSettingsFields)] = """
            {
              "fromAddress": "cases@ngo.example",
              "fromName": "Verbraucherzentrale NRW – Rechtsabteilung",
              "replyAddressPattern": "cases+{token}@ngo.example",
              "smtp": { "host": "mail.ngo.example", "port": 587, "tls": "starttls", "user": "cases@ngo.example", "password": "correct horse battery staple" },
              "imap": { "host": "mail.ngo.example", "port": 993, "tls": "tls", "user": "cases@ngo.example", "password": "correct horse battery staple", "folder": "INBOX" },
              "pollIntervalMinutes": 5
            }
            """,
        [typeof(LetterTemplateFields)] = """
            {
              "name": "Abmahnung KI-Training",
              "letterType": "cease_and_desist",
              "language": "de",
              "subject": "Unterlassungsaufforderung – Unser Zeichen {{ case.reference }}",
              "body": "Sehr geehrte Damen und Herren,\n\nwir fordern Sie auf, es zu unterlassen, Daten von Nutzern in der EU ohne Einwilligung zum Training von KI zu verwenden.\n\nMit freundlichen Grüßen\n\n{{ organisation.name }}"
            }
            """,
        [typeof(RecordBreach.Body)] = """
            {
              "occurredOn": "2025-06-03",
              "knownOn": "2025-06-10",
              "description": "Illustrative: the conduct the undertaking covers was resumed."
            }
            """,
        [typeof(UpdateOrganisation.Body)] = """{ "jurisdiction": "DE-NW", "timeZone": "Europe/Berlin", "postalAddress": "Helmholtzstraße 19\n40215 Düsseldorf" }""",
        [typeof(OpenProceeding.Body)] = $$"""
            {
              "kind": "preliminary_injunction",
              "courtId": "{{OlgKoelnId}}",
              "fileNumber": "15 UKl 2/25",
              "parties": [
                { "name": "Verbraucherzentrale Nordrhein-Westfalen e.V.", "role": "applicant" },
                { "name": "Meta Platforms Ireland Limited", "role": "respondent" }
              ]
            }
            """,
        [typeof(UpdateProceeding.Body)] = """{ "fileNumber": "15 UKl 2/25" }""",
        [typeof(RecordProceedingEvent.Body)] = """
            {
              "kind": "decision_pronounced",
              "occurredOn": "2025-05-23",
              "outcome": "rejected",
              "appealable": false,
              "note": "Urgent application rejected; no appeal on points of law lies in injunction proceedings (ZPO § 542(2))."
            }
            """,
        [typeof(UpdateRepresentativeAction.Body)] = """
            {
              "qualifiedEntity": { "name": "Verbraucherzentrale Nordrhein-Westfalen e.V.", "list": "uklag" },
              "registerEntryOn": "2025-06-02",
              "implementationStage": "none"
            }
            """,
        [typeof(RecordRegistrationCount.Body)] = """
            { "countedOn": "2025-07-01", "registered": 1234, "source": "Bundesamt für Justiz, Verbandsklageregister" }
            """,
        [typeof(RecordSettlement.Body)] = """
            {
              "approvedOn": "2025-08-28",
              "servedOn": "2025-09-01",
              "publishedOn": "2025-09-04",
              "summary": "EUR 120 per registered consumer, paid within three months."
            }
            """,
        [typeof(AddRepresentedConsumer.Body)] = """{ "name": "Jane Doe", "email": "jane@example.org", "registeredOn": "2025-06-16" }""",
        [typeof(CreateWebhook.Command)] = """
            { "url": "https://cases.example.org/caseapi-webhook", "eventTypes": ["letter.sent", "deadline.missed"] }
            """,
        [typeof(UpdateWebhook.Body)] = """{ "enabled": false }""",
        [typeof(AssignInboxMessage.Assignment)] = $$"""{ "caseId": "{{CaseId}}" }""",
        [typeof(DismissInboxMessage.Dismissal)] = """{ "reason": "Newsletter, not about any case." }""",
    };

    /// <summary>Stands for the id of the organisation's Meta case.</summary>
    public const string CaseId = "01970b9b-0c00-7415-adc6-6611c89bd8c5";
    private const string LetterId = "01970b9b-0c00-7490-b5e7-a6f4ab942c4d";
    private const string DeadlineId = "01970b9b-0c00-7289-a63a-6dec2cf8f604";

    private const string Deadline = $$"""
        {
          "id": "{{DeadlineId}}",
          "caseId": "{{CaseId}}",
          "kind": "response",
          "rule": "bgb.letter_response",
          "proceedingId": null,
          "letterId": "{{LetterId}}",
          "complaintId": null,
          "defendantId": "{{MetaDefendantId}}",
          "dpaId": null,
          "startsOn": "2025-04-30",
          "period": "P14D",
          "dueDate": "2025-05-14",
          "dueAt": "2025-05-14T22:00:00+00:00",
          "computation": "P14D from 2025-04-30: 2025-05-14, a Wednesday. Holidays: DE-NW, the organisation's (Reg. 1182/71 Art. 2(1); BGB §193).",
          "status": "open",
          "metAt": null,
          "metByLetterId": null,
          "waivedReason": null,
          "version": 1,
          "createdAt": "2025-04-30T08:00:00+00:00",
          "updatedAt": "2025-04-30T08:00:00+00:00"
        }
        """;

    /// <summary>
    /// The main resources as the API returns them in the Meta case, shown for every operation that answers with one
    /// (<c>OpenApiExampleTests</c> checks each against its schema).
    /// </summary>
    public static readonly IReadOnlyDictionary<Type, string> Responses = new Dictionary<Type, string>
    {
        [typeof(CaseDto)] = $$"""
            {
              "id": "{{CaseId}}",
              "reference": "VZ-2025-0142",
              "mailToken": "3f9c2a7e5b1d08c46a92",
              "title": "Meta: training AI on EU users' Instagram and Facebook posts",
              "summary": "Meta announced that from 27 May 2025 it would train AI on the public posts of EU users, on legitimate interest with only an objection. Cease-and-desist letter of 30 April 2025.",
              "status": "open",
              "outcome": null,
              "legalBases": ["GDPR Art. 6(1)(f)", "GDPR Art. 21", "UKlaG § 2"],
              "tags": ["ai-training", "meta"],
              "defendantIds": ["{{MetaDefendantId}}"],
              "responsibleLawyer": "Team Digitales und Verbraucherrecht",
              "openedOn": "2025-04-14",
              "closedOn": null,
              "complaintCount": 1,
              "letterCount": 1,
              "openDeadlineCount": 1,
              "nextDeadlineId": "{{DeadlineId}}",
              "nextDeadlineDueAt": "2025-05-14T22:00:00+00:00",
              "version": 3,
              "createdAt": "2025-04-14T09:12:00+00:00",
              "updatedAt": "2025-04-30T08:00:00+00:00"
            }
            """,
        [typeof(LetterDto)] = $$"""
            {
              "id": "{{LetterId}}",
              "caseId": "{{CaseId}}",
              "complaintId": null,
              "direction": "outgoing",
              "type": "cease_and_desist",
              "defendantId": "{{MetaDefendantId}}",
              "dpaId": null,
              "channel": "email",
              "subject": "Unterlassungsaufforderung: KI-Training mit Nutzerdaten",
              "body": "Wir fordern Sie auf, es zu unterlassen, personenbezogene Daten von Nutzern in der EU ohne deren Einwilligung zum Training von KI-Modellen zu verwenden, und die beigefügte strafbewehrte Unterlassungserklärung abzugeben.",
              "inReplyToId": null,
              "messageId": "{{LetterId}}@caseapi.invalid",
              "recipientAddress": "legal@meta.example",
              "status": "sent",
              "deliveryFailure": null,
              "sentAt": "2025-04-30T08:00:00+00:00",
              "receivedAt": null,
              "deliveredOn": "2025-04-30",
              "ceaseAndDesistReply": null,
              "deadline": {{Deadline}},
              "attachments": [
                {
                  "id": "01970b9b-0c00-719d-b924-87f3487ffc65",
                  "fileName": "Unterlassungserklärung.pdf",
                  "contentType": "application/pdf",
                  "size": 48213,
                  "sha256": "b5bffdcffe3865f6b1397a790a9a3fe63d934319b84e3a594741c7825d763d1f"
                }
              ],
              "version": 2,
              "createdAt": "2025-04-29T15:40:00+00:00",
              "updatedAt": "2025-04-30T08:00:00+00:00"
            }
            """,
        [typeof(DeadlineDto)] = Deadline,
        [typeof(ComplaintDto)] = $$"""
            {
              "id": "01970b9b-0c00-7b18-877d-6a56fbf0b6af",
              "caseId": "{{CaseId}}",
              "defendantId": "{{MetaDefendantId}}",
              "dpaId": "{{DpcIrelandId}}",
              "onBehalfOf": "complainants",
              "mandateDocument": "Mandate Jane Doe (GDPR Art. 80(1)), signed 2024-05-30.pdf",
              "mandateSignedOn": "2024-05-30",
              "dpaReference": null,
              "filedOn": "2024-06-06",
              "provisions": ["GDPR Art. 5(1)", "GDPR Art. 6(1)", "GDPR Art. 21(1)", "GDPR Art. 25"],
              "status": "filed",
              "transferredToDpaId": null,
              "decisionOutcome": null,
              "decidedByDpaId": null,
              "decidedOn": null,
              "fineAmount": null,
              "fineCurrency": null,
              "appealedBy": null,
              "appealCourt": null,
              "complainants": null,
              "version": 1,
              "createdAt": "2024-06-06T10:05:00+00:00",
              "updatedAt": "2024-06-06T10:05:00+00:00"
            }
            """,
        [typeof(DefendantDto)] = $$"""
            {
              "id": "{{MetaDefendantId}}",
              "legalName": "Meta Platforms Ireland Limited",
              "otherNames": ["Facebook Ireland Limited", "Instagram", "Facebook"],
              "legalForm": "Private company limited by shares",
              "registerNumber": "462932",
              "country": "IE",
              "address": "Merrion Road, Dublin 4, D04 X2K5, Ireland",
              "email": null,
              "website": "https://about.meta.com",
              "dpoContact": null,
              "parentCompany": "Meta Platforms, Inc.",
              "mainEstablishmentCountry": "IE",
              "mainEstablishmentRegion": null,
              "language": "en",
              "leadDpaId": "{{DpcIrelandId}}",
              "leadDpaProposed": true,
              "leadAuthorityNote": null,
              "version": 1,
              "createdAt": "2025-04-14T09:05:00+00:00",
              "updatedAt": "2025-04-14T09:05:00+00:00"
            }
            """,
        [typeof(ProceedingDto)] = $$"""
            {
              "id": "01970b9b-0c00-7771-99f3-8ce3700cd87d",
              "caseId": "{{CaseId}}",
              "kind": "preliminary_injunction",
              "courtId": "{{OlgKoelnId}}",
              "fileNumber": "15 UKl 2/25",
              "status": "final",
              "parties": [
                { "name": "Verbraucherzentrale Nordrhein-Westfalen e.V.", "role": "applicant", "defendantId": null },
                { "name": "Meta Platforms Ireland Limited", "role": "respondent", "defendantId": "{{MetaDefendantId}}" }
              ],
              "decision": { "outcome": "rejected", "decidedOn": "2025-05-23", "ecli": null, "appealable": false },
              "version": 4,
              "createdAt": "2025-05-16T11:30:00+00:00",
              "updatedAt": "2025-05-23T14:00:00+00:00"
            }
            """,
    };

    /// <summary>Puts <see cref="RequestBodies"/> in each operation's JSON body, and <see cref="Responses"/> in its JSON answers.</summary>
    internal sealed class ExamplesOperationFilter : IOperationFilter
    {
        public void Apply(OpenApiOperation operation, OperationFilterContext context)
        {
            var body = context.ApiDescription.ParameterDescriptions.FirstOrDefault(p => p.Source.Id == "Body")?.Type;
            if (body is not null && RequestBodies.TryGetValue(body, out var request) && Json(operation.RequestBody?.Content) is { } requestMedia)
            {
                requestMedia.Example = JsonNode.Parse(request);
            }

            foreach (var answer in context.ApiDescription.SupportedResponseTypes)
            {
                if (answer.Type is { } type && Responses.TryGetValue(type, out var response)
                    && operation.Responses?.GetValueOrDefault(answer.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture)) is { } documented
                    && Json(documented.Content) is { } responseMedia)
                {
                    responseMedia.Example = JsonNode.Parse(response);
                }
            }
        }

        private static OpenApiMediaType? Json(IDictionary<string, OpenApiMediaType>? content) =>
            content?.TryGetValue("application/json", out var media) == true ? media : null;
    }

    /// <summary>
    /// Swashbuckle reads an XML <c>&lt;example&gt;</c> of a nullable string as JSON, so that "462932" came out a number,
    /// which the API refuses for a text field; an example of a text field is text.
    /// </summary>
    internal sealed class TextExamplesSchemaFilter : ISchemaFilter
    {
        // Example is the keyword Swashbuckle writes the XML examples to (OpenAPI 3.0's, deprecated in 3.1 for examples).
#pragma warning disable CS0618
        public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
        {
            if (schema is OpenApiSchema { Example: JsonValue value } concrete && concrete.Type is { } type
                && type.HasFlag(JsonSchemaType.String) && value.GetValueKind() is not System.Text.Json.JsonValueKind.String)
            {
                concrete.Example = JsonValue.Create(value.ToJsonString());
            }
        }
#pragma warning restore CS0618
    }
}
