using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace CaseApi.Infrastructure.OpenApi;

/// <summary>
/// What the document says about itself (issue 14 point 8): whom to ask, under what terms, where the API is, and what
/// each tag groups, which Swagger UI shows above the tag's operations and generators put in the class comments.
/// </summary>
internal sealed class DocumentInfoFilter : IDocumentFilter
{
    public static readonly IReadOnlyDictionary<string, string> TagDescriptions = new Dictionary<string, string>
    {
        ["API keys"] = "Keys for people and systems of your organisation, each with a role (admin, lawyer, viewer, integration). Admins only; the secret is shown once.",
        ["Calendar feeds"] = "iCalendar subscriptions to your deadlines, for Outlook or Google Calendar, opened by a token in the URL.",
        ["Cases"] = "A matter your organisation pursues against one or more defendants (e.g. Meta's training of AI on EU users' posts), with its timeline.",
        ["Complaints"] = "Complaints to data protection authorities (GDPR Art. 77, 80) and their course: filed, acknowledged, transferred, decided, appealed.",
        ["Correspondence"] = "Letters to and from defendants and authorities: drafts, sending with a response deadline, delivery, attachments.",
        ["Courts"] = "The courts proceedings are brought before (reference data, the same ids everywhere).",
        ["Data protection authorities"] = "The EU/EEA supervisory authorities with their contact channels, and which one is competent (reference data, the same ids everywhere).",
        ["Deadlines"] = "Response and procedural deadlines with the provision and computation behind each date; extending, waiving, and the events that start them.",
        ["Defendants"] = "The companies your cases are against, with their main establishment (GDPR Art. 4(16)) and lead authority.",
        ["Inbox"] = "Messages from your organisation's mailbox that the poller could not file in a case by itself, to assign to a case or dismiss.",
        ["Escalation"] = "What happens when a deadline is missed: reminders and escalation, per kind of letter.",
        ["Events"] = "The change feed: every change to your organisation's data, in order, for systems that keep a copy.",
        ["Letter templates"] = "Templates that draft letters from a case's data, built in or your own.",
        ["Obligations"] = "What a defendant undertook in reply to a cease-and-desist letter, and breaches of it.",
        ["Organisation"] = "Your organisation's settings: jurisdiction and time zone (which set the holidays deadlines skip), local holidays.",
        ["Proceedings"] = "Court proceedings of a case (injunctions, actions, appeals, representative actions under the VDuG) and their events.",
        ["Statistics"] = "How long defendants and authorities take to answer.",
        ["Webhooks"] = "Signed HTTP callbacks for events (Standard Webhooks), their deliveries and retries.",
    };

    public void Apply(OpenApiDocument document, DocumentFilterContext context)
    {
        document.Info.Contact = new OpenApiContact { Name = "CaseApi maintainers", Email = "caseapi@example.org" };
        // The repository has no licence file: the API and its document are not licensed to others.
        document.Info.License = new OpenApiLicense { Name = "Proprietary; all rights reserved" };
        document.Servers = [new OpenApiServer { Url = "/", Description = "The host that serves this document." }];
        foreach (var tag in document.Tags ?? new HashSet<OpenApiTag>())
        {
            if (tag.Name is { } name && TagDescriptions.TryGetValue(name, out var description))
            {
                tag.Description = description;
            }
        }
    }
}
