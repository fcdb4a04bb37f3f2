using CaseApi.Features.Cases;
using CaseApi.Features.Complaints;
using CaseApi.Features.Correspondence;
using CaseApi.Features.Deadlines;
using CaseApi.Features.Inbox;
using CaseApi.Features.Obligations;
using CaseApi.Features.Proceedings;
using CaseApi.Features.Webhooks;

namespace CaseApi.Features.Events;

/// <summary>
/// Every type of event the API writes and the resource its <c>data</c> carries. Webhook subscriptions are checked
/// against it, so that a misspelt type is refused instead of silently never delivered, and the OpenAPI document's
/// <c>webhooks</c> section is generated from it.
/// </summary>
public static class EventTypes
{
    /// <param name="Name">The event's <c>type</c>.</param>
    /// <param name="Resource">The DTO its <c>data</c> is, as the API returns that resource.</param>
    /// <param name="Summary">When it happens.</param>
    public sealed record EventType(string Name, Type Resource, string Summary);

    public static readonly IReadOnlyList<EventType> All =
    [
        new("case.created", typeof(CaseDto), "A case was opened."),
        new("case.updated", typeof(CaseDto), "A case's details or status changed."),
        new("case.closed", typeof(CaseDto), "A case was closed."),
        new("case.escalated", typeof(CaseDto), "A reminder went unanswered too (escalation level 2); the case carries the recommended next step."),
        new("complaint.created", typeof(ComplaintDto), "A complaint to a data protection authority was recorded. Complainants' personal data is left out (`complainants` is null)."),
        new("complaint.status_changed", typeof(ComplaintDto), "A complaint moved to another status. Complainants' personal data is left out (`complainants` is null)."),
        new("proceeding.created", typeof(ProceedingDto), "A court proceeding was recorded in a case."),
        new("proceeding.updated", typeof(ProceedingDto), "A proceeding's court, file number or parties changed."),
        new("proceeding.event_recorded", typeof(ProceedingEventDto), "Something happened in a proceeding (filed, served, hearing scheduled or held, decision pronounced or served, final); `data` is the event, with `proceedingId`."),
        new("proceeding.representative_updated", typeof(RepresentativeActionDto), "The representative side of a redress or model declaratory action changed (qualified entity, register entry, implementation stage)."),
        new("proceeding.registrations_counted", typeof(RegistrationCountDto), "A count of consumers registered in the Verbandsklageregister was recorded; `data` is the count, with `proceedingId`."),
        new("proceeding.settlement_recorded", typeof(SettlementDto), "A court settlement in a representative action was recorded (VDuG § 9), with its opt-out deadline (§ 10)."),
        new("letter.created", typeof(LetterDto), "A draft letter was written, by a user or by the escalation job (a reminder)."),
        new("letter.sending", typeof(LetterDto), "An e-mail letter was handed to CaseApi's delivery (status sending); letter.sent follows when the organisation's SMTP server accepts it, or letter.delivery_failed."),
        new("letter.delivery_failed", typeof(LetterDto), "CaseApi's delivery of an e-mail letter gave up (status failed, deliveryFailure says why); an alarm deadline (rule caseapi.letter_delivery) follows as deadline.created."),
        new("letter.sent", typeof(LetterDto), "A letter was sent; its response deadline, if any, follows as deadline.created."),
        new("letter.delivered", typeof(LetterDto), "A delivery receipt was recorded for a sent letter; a data subject request's deadline computed anew from it follows as deadline.recomputed."),
        new("letter.received", typeof(LetterDto), "An incoming letter was recorded."),
        new("deadline.created", typeof(DeadlineDto), "A response deadline started running."),
        new("deadline.due_soon", typeof(DeadlineDto), "A deadline is about to expire."),
        new("deadline.missed", typeof(DeadlineDto), "A deadline expired without an answer."),
        new("deadline.escalated", typeof(DeadlineDto), "A missed deadline was escalated."),
        new("deadline.met", typeof(DeadlineDto), "An answer arrived in time."),
        new("deadline.extended", typeof(DeadlineDto), "A deadline was moved later."),
        new("deadline.recomputed", typeof(DeadlineDto), "A deadline was computed anew from a fact recorded later: a data subject request's month from the day of receipt (GDPR Art. 12(3))."),
        new("deadline.waived", typeof(DeadlineDto), "A deadline no longer applies."),
        new("deadline.refused", typeof(DeadlineDto), "A cease-and-desist letter was answered with a refusal or an inadequate or partial declaration; case.escalated follows with the next step."),
        new("deadline.urgency_window_at_risk", typeof(UrgencyWarningDto),
            "A cease-and-desist letter's deadline and the reminder after it end after the case's urgency window (UWG § 12(1)) closes: written once per deadline."),
        new("obligation.created", typeof(ObligationDto), "A declaration to cease and desist was accepted as adequate and is kept as the defendant's obligation."),
        new("obligation.breached", typeof(ObligationDto), "A breach of the defendant's obligation was recorded; the penalty claim's limitation follows as deadline.created."),
        new("inbox_message.received", typeof(InboxMessageDto), "A message from the organisation's mailbox could not be filed in a case by itself and waits in the inbox."),
        new("inbox_message.assigned", typeof(InboxMessageDto), "A message of the inbox was filed in a case; the letter it became follows as letter.received."),
        new("inbox_message.dismissed", typeof(InboxMessageDto), "A message of the inbox was set aside as belonging to no case."),
        new("webhook.disabled", typeof(WebhookDto), "A webhook was turned off: its receiver answered 410, or every delivery failed for three days."),
    ];

    public static bool IsKnown(string name) => All.Any(type => type.Name == name);
}
