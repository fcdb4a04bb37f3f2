using System.Security.Cryptography;
using System.Text;
using CaseApi.Features.Cases;
using CaseApi.Features.Complaints;
using CaseApi.Features.Correspondence;
using CaseApi.Features.Defendants;
using CaseApi.Features.Inbox;
using CaseApi.Features.LetterTemplates;
using CaseApi.Features.Proceedings;
using CaseApi.Features.Webhooks;
using CaseApi.Infrastructure.Auth;
using MediatR;

namespace CaseApi.Features.Demo;

/// <summary>
/// The demo organisation's case, so that a lawyer opening Swagger UI sees something real: Meta's plan to
/// train AI on EU users' posts, and complaints about it at several authorities. Sent through the same
/// commands the API uses, each in its own transaction, and only once.
/// </summary>
public static class DemoData
{
    public const string CaseReference = "DEMO-2025-001";

    /// <summary>Seeds the demo organisation (once) and returns a fresh admin key for it.</summary>
    public static async Task<string> SeedAsync(IServiceProvider services, CancellationToken ct)
    {
        var key = await SendAsync(services, new SeedDemo.Command(), ct);
        if (await SendAsync(services, new ListCases.Query(1, null, ListCases.DefaultSort, null, null, null, $"\"{CaseReference}\""), ct) is { Items.Count: > 0 })
        {
            return key;
        }

        var meta = await SendAsync(services, new CreateDefendant.Command
        {
            LegalName = "Meta Platforms Ireland Limited",
            OtherNames = ["Facebook Ireland Limited", "Instagram", "Facebook"],
            Country = "IE",
            Address = "Merrion Road, Dublin 4, D04 X2K5, Ireland",
            Website = "https://www.meta.com",
            ParentCompany = "Meta Platforms, Inc.",
            MainEstablishmentCountry = "IE",
        }, ct);
        var @case = await SendAsync(services, new OpenCase.Command
        {
            Reference = CaseReference,
            Title = "Meta: training AI on EU users' Instagram and Facebook posts",
            Summary = "In April 2025 Meta announced that from 27 May 2025 it would train its AI models on the public posts of EU users of " +
                      "Instagram and Facebook, relying on legitimate interest and offering only an objection. Complaints against the same plan " +
                      "were filed with several data protection authorities in June 2024; the Irish DPC, lead authority for Meta, had it paused. " +
                      "A cease-and-desist letter followed on 30 April 2025.",
            LegalBases = ["GDPR Art. 6(1)(f)", "GDPR Art. 21", "GDPR Art. 25"],
            Tags = ["ai-training", "meta"],
            DefendantIds = [meta.Id],
            ResponsibleLawyer = "Demo lawyer",
            OpenedOn = new DateOnly(2024, 6, 6),
        }, ct);

        FileComplaint.NewComplainant[] complainant = [new() { Name = "Demo complainant", Email = "complainant@example.org" }];
        foreach (var dpa in new[] { "ie-dpc", "at-dsb", "de-hh-hmbbfdi", "nl-ap", "no-datatilsynet" })
        {
            var complaint = await SendAsync(services, new FileComplaint.Command(@case.Id, new FileComplaint.Body
            {
                DefendantId = meta.Id,
                DpaId = DpaId(dpa),
                OnBehalfOf = OnBehalfOf.Complainants,
                MandateDocument = "Mandate of the demo complainant (GDPR Art. 80(1)), signed 2024-05-30.pdf",
                MandateSignedOn = new DateOnly(2024, 5, 30),
                FiledOn = new DateOnly(2024, 6, 6),
                Provisions = ["GDPR Art. 5(1)", "GDPR Art. 6(1)", "GDPR Art. 21(1)", "GDPR Art. 25"],
                Complainants = complainant,
            }), ct);
            if (dpa != "ie-dpc")
            {
                // Meta's main establishment is in Ireland: the other authorities hand the complaints to the DPC (GDPR Art. 56).
                await SendAsync(services, new TransitionComplaint.Command(complaint.Id, complaint.Version, new TransitionComplaint.Body
                {
                    To = ComplaintStatus.Transferred,
                    At = new DateTimeOffset(2024, 6, 20, 9, 0, 0, TimeSpan.Zero),
                    TransferredToDpaId = DpaId("ie-dpc"),
                    Note = "Forwarded to the lead supervisory authority.",
                }), ct);
            }
        }

        var letter = await SendAsync(services, new RecordLetter.Command(@case.Id, new RecordLetter.NewLetter
        {
            Direction = LetterDirection.Outgoing,
            Type = LetterType.CeaseAndDesist,
            DefendantId = meta.Id,
            Channel = LetterChannel.Email,
            Subject = "Cease and desist: training AI on EU users' posts",
            // From the salutation to the organisation's name, as the built-in templates write it: the PDF sets the address block,
            // place, date and reference around it, and the e-mail needs none of them.
            Body = $"""
                Dear Sir or Madam,

                On 14 April 2025 you announced that from 27 May 2025 you will use the public posts of adult users of Instagram and Facebook in the European Union to train your AI models, relying on your legitimate interest (Article 6(1)(f) GDPR) and offering users no more than an objection.

                In our view this processing is unlawful:
                - Your interest does not override the interests and fundamental rights of the users, who could not expect posts written over many years to be used to train AI models.
                - An objection under Article 21 GDPR cannot make up for the missing legal basis, and it cannot undo training that has already taken place.
                - Data protection by default (Article 25(2) GDPR) does not allow personal data to be made available for such purposes without the user's intervention.

                We call on you
                1. to refrain from using the personal data of users in the EU to train AI models without their consent, and
                2. to sign the enclosed undertaking with a penalty clause and return it to us by 14 May 2025.

                Should we not receive the signed undertaking in time, we will apply for a preliminary injunction without further notice.

                Yours faithfully,

                {SeedDemo.OrganisationName}
                """,
        }), ct);
        await SendAsync(services, new AddAttachment.Command(letter.Id, "undertaking.txt",
            "Undertaking to cease and desist (demo text).\n"u8.ToArray()), ct);
        var sent = await SendAsync(services, new SendLetter.Command(letter.Id, letter.Version, new SendLetter.Body
        {
            SentAt = new DateTimeOffset(2025, 4, 30, 10, 0, 0, TimeSpan.FromHours(2)),
            ResponsePeriod = "P14D",
        }), ct);
        await SendAsync(services, new ImportLetter.Command(@case.Id, AutomaticAcknowledgement(sent), null, null), ct);
        // A message from the mailbox that names no case, waiting in the inbox for someone to assign or dismiss it.
        await SendAsync(services, new PollMailbox.Import("demo", 1, 1, Unthreaded()), ct);

        // The application for a preliminary injunction against the AI training before the Oberlandesgericht Köln, which has
        // exclusive jurisdiction under UKlaG § 6. It was rejected by judgment of 23 May 2025 (15 UKl 2/25), final at once: no
        // appeal on points of law lies in injunction proceedings (ZPO § 542(2)). No ECLI for it was found in public sources.
        var application = await SendAsync(services, new OpenProceeding.Command(@case.Id, new OpenProceeding.Body
        {
            Kind = ProceedingKind.PreliminaryInjunction,
            CourtId = CourtId("de-olg-koeln"),
            FileNumber = "15 UKl 2/25",
            Parties =
            [
                new() { Name = SeedDemo.OrganisationName, Role = PartyRole.Applicant },
                new() { Name = meta.LegalName, Role = PartyRole.Respondent, DefendantId = meta.Id },
            ],
        }), ct);
        foreach (var happened in new RecordProceedingEvent.Body[]
        {
            // Public reports give May 2025 but not the day: the first of the month stands in for it.
            new() { Kind = ProceedingEventKind.Filed, OccurredOn = new DateOnly(2025, 5, 1), Note = "Filed in May 2025; the day is not in the public reports." },
            new() { Kind = ProceedingEventKind.DecisionPronounced, OccurredOn = new DateOnly(2025, 5, 23), Outcome = CourtOutcome.Rejected, Appealable = false },
            new() { Kind = ProceedingEventKind.Final, OccurredOn = new DateOnly(2025, 5, 23) },
        })
        {
            await SendAsync(services, new RecordProceedingEvent.Command(application.Id, happened), ct);
        }

        // Illustrative, not a real action: a redress action (VDuG § 14) before the Oberlandesgericht Köln (VDuG § 3), to show the
        // representative side, registration counts, a settlement with its opt-out deadline (VDuG § 10(1)) and an advised consumer.
        var redress = await SendAsync(services, new OpenProceeding.Command(@case.Id, new OpenProceeding.Body
        {
            Kind = ProceedingKind.RedressAction,
            CourtId = CourtId("de-olg-koeln"),
            Parties =
            [
                new() { Name = SeedDemo.OrganisationName, Role = PartyRole.Claimant },
                new() { Name = meta.LegalName, Role = PartyRole.Defendant, DefendantId = meta.Id },
            ],
        }), ct);
        await SendAsync(services, new UpdateRepresentativeAction.Command(redress.Id, 0, new UpdateRepresentativeAction.Body
        {
            QualifiedEntity = new QualifiedEntity { Name = SeedDemo.OrganisationName, List = QualifiedEntityList.Uklag },
            RegisterEntryOn = new DateOnly(2024, 11, 4),
            ImplementationStage = ImplementationStage.None,
        }), ct);
        await SendAsync(services, new RecordRegistrationCount.Command(redress.Id, new RecordRegistrationCount.Body
        {
            CountedOn = new DateOnly(2025, 1, 15), Registered = 1234, Source = "Bundesamt für Justiz, Verbandsklageregister (illustrative figure)",
        }), ct);
        foreach (var happened in new RecordProceedingEvent.Body[]
        {
            new() { Kind = ProceedingEventKind.Filed, OccurredOn = new DateOnly(2024, 10, 15) },
            new() { Kind = ProceedingEventKind.HearingHeld, OccurredOn = new DateOnly(2025, 2, 13) },
        })
        {
            await SendAsync(services, new RecordProceedingEvent.Command(redress.Id, happened), ct);
        }

        await SendAsync(services, new RecordSettlement.Command(redress.Id, new RecordSettlement.Body
        {
            ApprovedOn = new DateOnly(2025, 3, 27), PublishedOn = new DateOnly(2025, 4, 3), Summary = "Illustrative settlement: a fixed sum per registered consumer.",
        }), ct);
        await SendAsync(services, new AddRepresentedConsumer.Command(redress.Id, new AddRepresentedConsumer.Body
        {
            Name = "Erika Mustermann", Email = "erika@example.org",
        }), ct);

        // A template of the organisation's own beside the built-in ones, to start from in Swagger UI.
        await SendAsync(services, new CreateLetterTemplate.Command(new LetterTemplateFields
        {
            Name = "Abmahnung (Muster)",
            LetterType = LetterType.CeaseAndDesist,
            Language = "de",
            Subject = "Abmahnung – Unser Zeichen {{ case.reference }}",
            Body = """
                Sehr geehrte Damen und Herren,

                wir fordern Sie auf, das nachstehend beschriebene Verhalten zu unterlassen und bis zum … eine strafbewehrte Unterlassungserklärung abzugeben:

                - …

                Mit freundlichen Grüßen

                {{ organisation.name }}
                """,
        }), ct);

        // Off, so that the demo never posts anywhere; it is there to show the shape in Swagger UI.
        await SendAsync(services, new CreateWebhook.Command
        {
            Url = "https://example.org/caseapi-webhook",
            EventTypes = ["letter.sent", "deadline.missed"],
            Enabled = false,
        }, ct);
        return key;
    }

    /// <summary>The registry's ids are derived from the authorities' codes (see the DPA registry migration).</summary>
    public static Guid DpaId(string code) => Guid.Parse(Convert.ToHexString(MD5.HashData(Encoding.UTF8.GetBytes($"dpa:{code}"))));

    /// <summary>The court registry's ids are derived from the courts' codes (see the courts migration).</summary>
    public static Guid CourtId(string code) => Guid.Parse(Convert.ToHexString(MD5.HashData(Encoding.UTF8.GetBytes($"court:{code}"))));

    /// <summary>An invented automatic answer to the e-mail, as a mail client saves it: filed in the case by its In-Reply-To, meeting no deadline.</summary>
    private static byte[] AutomaticAcknowledgement(LetterDto sent)
    {
        var message = new MimeKit.MimeMessage
        {
            Subject = $"Automatic reply: {sent.Subject}",
            Date = sent.SentAt!.Value.AddMinutes(2),
            MessageId = "ack-0001@meta.example",
            InReplyTo = sent.MessageId,
            Body = new MimeKit.TextPart("plain") { Text = "Thank you for your message. We have received it and will reply in due course." },
        };
        message.From.Add(new MimeKit.MailboxAddress("Meta Platforms Ireland Ltd.", "noreply@meta.example"));
        message.To.Add(new MimeKit.MailboxAddress(SeedDemo.OrganisationName, "cases@verbraucherzentrale.example"));
        message.Headers.Add(MimeKit.HeaderId.AutoSubmitted, "auto-replied");
        using var saved = new MemoryStream();
        message.WriteTo(saved);
        return saved.ToArray();
    }

    /// <summary>An invented enquiry from a consumer, naming no case: the mailbox poller leaves it in the inbox.</summary>
    private static byte[] Unthreaded()
    {
        var message = new MimeKit.MimeMessage
        {
            Subject = "Instagram uses my photos for AI?",
            Date = new DateTimeOffset(2025, 5, 20, 18, 30, 0, TimeSpan.FromHours(2)),
            MessageId = "enquiry-0001@mail.example",
            Body = new MimeKit.TextPart("plain") { Text = "Hello, I read that Meta will train its AI on my posts from 27 May. Can I still object?" },
        };
        message.From.Add(new MimeKit.MailboxAddress("Jane Doe", "jane@example.org"));
        message.To.Add(new MimeKit.MailboxAddress(SeedDemo.OrganisationName, "cases@verbraucherzentrale.example"));
        using var saved = new MemoryStream();
        message.WriteTo(saved);
        return saved.ToArray();
    }

    private static async Task<T> SendAsync<T>(IServiceProvider services, IRequest<T> request, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CallerContext>().ActFor(SeedDemo.OrganisationId);
        return await scope.ServiceProvider.GetRequiredService<IMediator>().Send(request, ct);
    }
}
