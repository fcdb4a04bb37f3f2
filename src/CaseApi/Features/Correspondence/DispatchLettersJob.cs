using CaseApi.Infrastructure.Auth;
using MediatR;
using Npgsql;

namespace CaseApi.Features.Correspondence;

/// <summary>
/// The recurring mail dispatcher (issue 15 point 2): claims due letters (<see cref="DispatchLetters.Command"/>, committed with each attempt
/// marked as started), talks to the organisation's servers outside any transaction — sends the message, or looks for the copy of an attempt
/// whose outcome is unknown — and records each result (<see cref="RecordLetterAttempt.Command"/>) in a scope and transaction of its own;
/// batch after batch until nothing is due. Several workers at once, or a run repeated, change nothing twice: the claim skips locked rows and
/// leases them, and the record is keyed by the attempt.
/// </summary>
public sealed class DispatchLettersJob(IServiceScopeFactory scopes, LetterMailer mailer, TimeProvider clock, IConfiguration configuration, ILogger<DispatchLettersJob> logger)
{
    public const string RecurringJobId = "mail-dispatch";

    public async Task RunAsync(CancellationToken ct)
    {
        var batchSize = configuration.GetValue("Jobs:MailBatchSize", DispatchLetters.DefaultBatchSize);
        while (!ct.IsCancellationRequested)
        {
            IReadOnlyList<DispatchLetters.Claimed> claimed;
            await using (var scope = scopes.CreateAsyncScope())
            {
                claimed = await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new DispatchLetters.Command(batchSize), ct);
            }

            if (claimed.Count == 0)
            {
                return;
            }

            // One at a time: an organisation's letters are few, and each conversation is bounded by the step timeouts, well within the lease.
            foreach (var letter in claimed)
            {
                var result = await TryAsync(letter, ct);
                try
                {
                    var status = await SendAsync(letter.OrganisationId, new RecordLetterAttempt.Command(letter.LetterId, letter.Attempt, result), ct);
                    logger.LogInformation("Letter {LetterId}, attempt {Attempt} ({Step}): {Outcome}, now {Status}",
                        letter.LetterId, letter.Attempt, letter.Step, result.Outcome, status?.ToString() ?? "unchanged");
                }
                catch (PostgresException refused)
                {
                    // The attempt stays started: when the lease runs out, it is resolved from the mailbox like one whose dispatcher died.
                    logger.LogError(refused, "Letter dispatch: PostgreSQL refused to record attempt {Attempt} of letter {LetterId} ({Outcome}); it is resolved when its lease runs out",
                        letter.Attempt, letter.LetterId, result.Outcome);
                }
            }
        }
    }

    private async Task<AttemptResult> TryAsync(DispatchLetters.Claimed letter, CancellationToken ct)
    {
        var send = letter.Step == DispatchLetters.Step.Send;
        var mail = await SendAsync(letter.OrganisationId, new ComposeLetterMail.Query(letter.LetterId, WithMessage: send), ct);
        if (mail is null)
        {
            return new AttemptResult(send ? AttemptOutcome.Refused : AttemptOutcome.WitnessUnavailable, clock.GetUtcNow(),
                "The organisation's mail settings were removed.");
        }

        if (!send)
        {
            return await mailer.FindCopyAsync(mail.Imap, mail.ImapFolder, mail.MessageId, ct);
        }

        if (mail.AttachDocument)
        {
            var document = await SendAsync(letter.OrganisationId, new RenderLetterDocument.Query(letter.LetterId, null), ct);
            ((MimeKit.Multipart)mail.Message!.Body!).Add(ComposeLetterMail.Part(document.FileName, "application/pdf", document.Content));
        }

        return await mailer.SendAsync(mail.Smtp, mail.Message!, ct);
    }

    private async Task<T> SendAsync<T>(Guid organisationId, IRequest<T> request, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CallerContext>().ActFor(organisationId);
        return await scope.ServiceProvider.GetRequiredService<IMediator>().Send(request, ct);
    }
}

public static class LetterMailSetup
{
    public static IServiceCollection AddLetterMail(this IServiceCollection services) =>
        services.AddSingleton(provider => MailTimings.From(provider.GetRequiredService<IConfiguration>()))
            .AddSingleton<LetterMailer>()
            .AddTransient<DispatchLettersJob>();
}
