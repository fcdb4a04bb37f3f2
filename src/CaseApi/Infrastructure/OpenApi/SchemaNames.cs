using CaseApi.Features.ApiKeys;
using CaseApi.Features.CalendarFeeds;
using CaseApi.Features.Cases;
using CaseApi.Features.Complaints;
using CaseApi.Features.Correspondence;
using CaseApi.Features.Courts;
using CaseApi.Features.Deadlines;
using CaseApi.Features.Defendants;
using CaseApi.Features.Dpas;
using CaseApi.Features.Events;
using CaseApi.Features.Inbox;
using CaseApi.Features.LetterTemplates;
using CaseApi.Features.Obligations;
using CaseApi.Features.Organisations;
using CaseApi.Features.Proceedings;
using CaseApi.Features.Stats;
using CaseApi.Features.Timeline;
using CaseApi.Features.Webhooks;
using CaseApi.Infrastructure.Json;
using Microsoft.AspNetCore.Mvc;

namespace CaseApi.Infrastructure.OpenApi;

/// <summary>
/// The schema names of the document, which generated clients turn into their class names (issue 14 point 7): a
/// resource is its name (<c>Case</c>, not <c>CaseDto</c>); what a POST creates is <c>New…</c>; a PATCH body is
/// <c>…Changes</c>; a PUT body that replaces a part is <c>…Fields</c>; any other command body is the noun of its verb
/// (<c>ComplaintTransition</c>); a list is <c>…Page</c>; a webhook body is <c>…WebhookPayload</c>. A type not listed
/// keeps its own name (enums and value types already read as the API's words); a test refuses any name that still
/// says Dto, Body, Command, Query, Result or Of, so a new DTO gets its line here.
/// </summary>
public static class SchemaNames
{
    public static readonly IReadOnlyDictionary<Type, string> Listed = new Dictionary<Type, string>
    {
        [typeof(ApiKeyDto)] = "ApiKey",
        [typeof(CreateApiKey.Command)] = "NewApiKey",
        [typeof(CreateApiKey.CreatedApiKeyDto)] = "ApiKeyWithSecret",

        [typeof(CalendarFeedDto)] = "CalendarFeed",
        [typeof(CreateCalendarFeed.Command)] = "NewCalendarFeed",
        [typeof(CreateCalendarFeed.CreatedCalendarFeedDto)] = "CalendarFeedWithToken",

        [typeof(CaseDto)] = "Case",
        [typeof(CaseDefendantDto)] = "CaseDefendant",
        [typeof(OpenCase.Command)] = "NewCase",
        [typeof(UpdateCase.Body)] = "CaseChanges",
        [typeof(GetCaseTimeline.TimelineEntryDto)] = "TimelineEntry",

        [typeof(ComplaintDto)] = "Complaint",
        [typeof(ComplainantDto)] = "Complainant",
        [typeof(FileComplaint.Body)] = "NewComplaint",
        [typeof(FileComplaint.NewComplainant)] = "NewComplainant",
        [typeof(TransitionComplaint.Body)] = "ComplaintTransition",

        [typeof(LetterDto)] = "Letter",
        [typeof(AttachmentDto)] = "Attachment",
        [typeof(RecordLetter.NewLetter)] = "NewLetter",
        [typeof(UpdateDraftLetter.Changes)] = "LetterChanges",
        [typeof(SendLetter.Body)] = "LetterSending",
        [typeof(RecordDelivery.Body)] = "LetterDelivery",

        [typeof(CourtDto)] = "Court",
        [typeof(DpaDto)] = "Dpa",

        [typeof(DeadlineDto)] = "Deadline",
        [typeof(ListDeadlineRules.Catalogue)] = "DeadlineRuleCatalogue",
        [typeof(GetDeadlinesOverview.OverviewDto)] = "DeadlinesOverview",
        [typeof(ExtendDeadline.Body)] = "DeadlineExtension",
        [typeof(WaiveDeadline.Body)] = "DeadlineWaiver",
        [typeof(RecordDeadlineTrigger.Body)] = "NewDeadlineTrigger",
        [typeof(ChainResult)] = "TriggeredDeadlines",
        [typeof(UrgencyWarningDto)] = "UrgencyWarning",
        [typeof(EscalationPolicyDto)] = "EscalationPolicy",
        [typeof(PutEscalationPolicy.Body)] = "EscalationPolicyFields",

        [typeof(DefendantDto)] = "Defendant",
        [typeof(CreateDefendant.Command)] = "NewDefendant",
        [typeof(UpdateDefendant.Body)] = "DefendantChanges",

        [typeof(ListEvents.EventDto)] = "Event",

        [typeof(LetterTemplateDto)] = "LetterTemplate",

        [typeof(InboxMessageDto)] = "InboxMessage",
        [typeof(MailboxStatusDto)] = "MailboxStatus",
        [typeof(MailboxPollErrorDto)] = "MailboxPollError",
        [typeof(AssignInboxMessage.Assignment)] = "InboxAssignment",
        [typeof(DismissInboxMessage.Dismissal)] = "InboxDismissal",

        [typeof(ObligationDto)] = "Obligation",
        [typeof(BreachDto)] = "Breach",
        [typeof(RecordBreach.Body)] = "NewBreach",

        [typeof(OrganisationDto)] = "Organisation",
        [typeof(UpdateOrganisation.Body)] = "OrganisationChanges",
        [typeof(UrgencyWindowDto)] = "UrgencyWindow",
        [typeof(SetUrgencyWindow.Body)] = "UrgencyWindowFields",
        [typeof(MailSettingsDto)] = "MailSettings",
        [typeof(MailServerDto)] = "MailServer",
        [typeof(MailboxDto)] = "Mailbox",
        [typeof(MailSettingsTestDto)] = "MailSettingsTest",
        [typeof(MailServerTestDto)] = "MailServerTest",

        [typeof(ProceedingDto)] = "Proceeding",
        [typeof(OpenProceeding.Body)] = "NewProceeding",
        [typeof(UpdateProceeding.Body)] = "ProceedingChanges",
        [typeof(ProceedingEventDto)] = "ProceedingEvent",
        [typeof(RecordProceedingEvent.Body)] = "NewProceedingEvent",
        [typeof(RecordProceedingEvent.Result)] = "RecordedProceedingEvent",
        [typeof(RepresentativeActionDto)] = "RepresentativeAction",
        [typeof(UpdateRepresentativeAction.Body)] = "RepresentativeActionFields",
        [typeof(RegistrationCountDto)] = "RegistrationCount",
        [typeof(RecordRegistrationCount.Body)] = "NewRegistrationCount",
        [typeof(SettlementDto)] = "Settlement",
        [typeof(RecordSettlement.Body)] = "NewSettlement",
        [typeof(RecordSettlement.Result)] = "RecordedSettlement",
        [typeof(RepresentedConsumerDto)] = "RepresentedConsumer",
        [typeof(AddRepresentedConsumer.Body)] = "NewRepresentedConsumer",

        [typeof(GetResponseTimes.ResponseTimeDto)] = "ResponseTime",
        [typeof(GetResponseTimes.ResponseTimesDto)] = "ResponseTimes",

        [typeof(WebhookDto)] = "Webhook",
        [typeof(WebhookWithSecretDto)] = "WebhookWithSecret",
        [typeof(CreateWebhook.Command)] = "NewWebhook",
        [typeof(UpdateWebhook.Body)] = "WebhookChanges",
        [typeof(WebhookDeliveryDto)] = "WebhookDelivery",
        [typeof(WebhookAttemptDto)] = "WebhookAttempt",

        [typeof(ProblemDetails)] = "Problem",
        [typeof(HttpValidationProblemDetails)] = "ValidationProblem",
    };

    public static string For(Type type)
    {
        if (Listed.TryGetValue(type, out var name))
        {
            return name;
        }

        if (type.IsGenericType)
        {
            var definition = type.GetGenericTypeDefinition();
            var arguments = string.Concat(type.GetGenericArguments().Select(For));
            if (definition == typeof(Page<>))
            {
                return $"{arguments}Page";
            }

            if (definition == typeof(WebhookPayload<>))
            {
                return $"{arguments}WebhookPayload";
            }

            return $"{type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)]}Of{arguments}";
        }

        // Nested request types are all called Command or Body: without their use case they would collide.
        return type.DeclaringType is { } outer ? $"{outer.Name}{type.Name}" : type.Name;
    }
}
