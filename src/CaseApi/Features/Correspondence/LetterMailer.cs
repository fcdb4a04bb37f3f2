using CaseApi.Features.Organisations;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Smtp;
using MailKit.Search;
using MimeKit;
using MimeKit.Utils;

namespace CaseApi.Features.Correspondence;

/// <summary>
/// The delivery's timings: the pauses after failed attempts (<c>Mail:RetrySeconds</c>, 60, 300, 1800, 7200, 21600: six attempts over about
/// eight and a half hours), how long a claimed delivery is reserved for its dispatcher (<c>Mail:LeaseSeconds</c>, 300, longer than any SMTP
/// conversation with its step timeouts), how long a copy of an attempt of unknown outcome may take to reach the mailbox before the attempt counts
/// as lost (<c>Mail:WitnessGraceSeconds</c>, 600), and how often the mailbox is looked into meanwhile (<c>Mail:WitnessCheckSeconds</c>, 60).
/// </summary>
public sealed record MailTimings(IReadOnlyList<TimeSpan> Retries, TimeSpan Lease, TimeSpan WitnessGrace, TimeSpan WitnessCheck)
{
    public static MailTimings From(IConfiguration configuration)
    {
        var retries = (configuration.GetSection("Mail:RetrySeconds").Get<int[]>() ?? [60, 300, 1800, 7200, 21600]).Select(s => TimeSpan.FromSeconds(s)).ToArray();
        var lease = TimeSpan.FromSeconds(configuration.GetValue("Mail:LeaseSeconds", 300));
        var grace = TimeSpan.FromSeconds(configuration.GetValue("Mail:WitnessGraceSeconds", 600));
        var check = TimeSpan.FromSeconds(configuration.GetValue("Mail:WitnessCheckSeconds", 60));
        // A lease shorter than a send could hand an attempt still under way to a second dispatcher, which would take it for one that died.
        return retries.All(r => r > TimeSpan.Zero) && lease > 6 * MailConnector.StepTimeout && grace > TimeSpan.Zero && check > TimeSpan.Zero
            ? new MailTimings(retries, lease, grace, check)
            : throw new InvalidOperationException(
                $"Mail:RetrySeconds must be positive, Mail:LeaseSeconds longer than {6 * MailConnector.StepTimeout.TotalSeconds} s, Mail:WitnessGraceSeconds and Mail:WitnessCheckSeconds positive.");
    }
}

/// <summary>How an attempt, or a look for its copy, went.</summary>
public enum AttemptOutcome
{
    /// <summary>The server answered 250 to the message: it has it.</summary>
    Accepted,

    /// <summary>Nothing was accepted, and trying again may help (no connection, a 4xx answer).</summary>
    Deferred,

    /// <summary>Nothing was accepted, and trying again will not help (a 5xx answer, TLS or login refused).</summary>
    Refused,

    /// <summary>The conversation broke off after the message may have been handed over: the server may have accepted it.</summary>
    Unknown,

    /// <summary>The copy of an attempt of unknown outcome is in the mailbox: the server accepted it.</summary>
    WitnessFound,

    /// <summary>No copy in the mailbox (yet).</summary>
    WitnessMissing,

    /// <summary>The mailbox could not be searched.</summary>
    WitnessUnavailable,
}

/// <summary>An outcome with the moment it refers to (the acceptance, for <c>accepted</c> and <c>witness_found</c>) and CaseApi's words for a failure.</summary>
public sealed record AttemptResult(AttemptOutcome Outcome, DateTimeOffset At, string? Reason = null);

/// <summary>
/// Talks SMTP and IMAP for the delivery of letters, through <see cref="MailConnector"/> (address guard, TLS, pinned certificates). Sends a
/// message once per call and classifies what happened; searches the organisation's mailbox for the copy of a message by its Message-ID.
/// </summary>
public sealed class LetterMailer(MailConnector connector, TimeProvider clock)
{
    public async Task<AttemptResult> SendAsync(MailServer server, MimeMessage message, CancellationToken ct)
    {
        using var client = new SmtpClient();
        try
        {
            await connector.ConnectAsync(client, server, ct);
            await MailConnector.AuthenticateAsync(client, server, ct);
        }
        catch (MailConnectionException failed)
        {
            // A certificate or a login the server refuses is the settings' fault: retrying would fail alike until an admin changes them.
            var outcome = failed.Stage is MailStage.Tls or MailStage.Auth ? AttemptOutcome.Refused : AttemptOutcome.Deferred;
            return new AttemptResult(outcome, clock.GetUtcNow(), $"SMTP, {failed.Stage.ToString().ToLowerInvariant()}: {failed.Message}");
        }

        try
        {
            await client.SendAsync(message, ct);
        }
        catch (SmtpCommandException refused)
        {
            // The server answered, so it holds nothing of this transaction. Its own words stay out of the reason, as in the connection test.
            var code = (int)refused.StatusCode;
            var what = refused.ErrorCode switch
            {
                SmtpErrorCode.RecipientNotAccepted => $"the recipient address {refused.Mailbox?.Address}",
                SmtpErrorCode.SenderNotAccepted => "the sender address",
                _ => "the message",
            };
            return new AttemptResult(code >= 500 ? AttemptOutcome.Refused : AttemptOutcome.Deferred, clock.GetUtcNow(),
                $"SMTP: the server {(code >= 500 ? "refused" : "turned away for now")} {what} ({code}).");
        }
        catch (Exception broken) when (!ct.IsCancellationRequested && broken is not OutOfMemoryException)
        {
            // Broken off without an answer: if the message had been handed over, the server may have accepted it (SMTP commits at its reply
            // to the end of DATA, RFC 5321 § 4.1.1.4). Only the mailbox can tell; sending again now could deliver it twice.
            return new AttemptResult(AttemptOutcome.Unknown, clock.GetUtcNow(), "SMTP: the connection broke off before the server confirmed the message.");
        }

        var acceptedAt = clock.GetUtcNow();
        try
        {
            await client.DisconnectAsync(quit: true, ct);
        }
        catch (Exception quit) when (quit is IOException or MailKit.ProtocolException or SmtpCommandException or TimeoutException)
        {
            // Accepted is accepted; a QUIT that goes wrong changes nothing.
        }

        return new AttemptResult(AttemptOutcome.Accepted, acceptedAt);
    }

    /// <summary>
    /// Looks for the copy of the message in the mailbox (INBOX, the watched folder and the <c>\Sent</c> special-use folder), read-only. Its
    /// acceptance time is the date of its oldest <c>Received</c> header (the one the submission server added when it took the message), else
    /// the copy's INTERNALDATE.
    /// </summary>
    public async Task<AttemptResult> FindCopyAsync(MailServer server, string folderName, string messageId, CancellationToken ct)
    {
        using var client = new ImapClient();
        try
        {
            await connector.ConnectAsync(client, server, ct);
            await MailConnector.AuthenticateAsync(client, server, ct);
            var folders = new List<IMailFolder> { client.Inbox };
            if (!folderName.Equals(MailSettings.DefaultFolder, StringComparison.OrdinalIgnoreCase))
            {
                folders.Add(await client.GetFolderAsync(folderName, ct));
            }

            if ((client.Capabilities & (ImapCapabilities.SpecialUse | ImapCapabilities.XList)) != 0 && client.GetFolder(SpecialFolder.Sent) is { } sent)
            {
                folders.Add(sent);
            }

            foreach (var folder in folders)
            {
                await folder.OpenAsync(FolderAccess.ReadOnly, ct);
                var found = await folder.SearchAsync(SearchQuery.HeaderContains("Message-ID", messageId), ct);
                if (found.Count > 0)
                {
                    var summary = (await folder.FetchAsync([found[0]], MessageSummaryItems.InternalDate | MessageSummaryItems.Headers, ct)).Single();
                    var received = (summary.Headers ?? []).Where(h => h.Id == HeaderId.Received).Select(h => h.Value).LastOrDefault();
                    var at = received is not null && received.LastIndexOf(';') is var semicolon and >= 0
                             && DateUtils.TryParse(received[(semicolon + 1)..].Trim(), out var stamped)
                        ? stamped
                        : summary.InternalDate ?? clock.GetUtcNow();
                    await client.DisconnectAsync(quit: true, ct);
                    return new AttemptResult(AttemptOutcome.WitnessFound, at.ToUniversalTime());
                }
            }

            await client.DisconnectAsync(quit: true, ct);
            return new AttemptResult(AttemptOutcome.WitnessMissing, clock.GetUtcNow());
        }
        catch (MailConnectionException failed)
        {
            return new AttemptResult(AttemptOutcome.WitnessUnavailable, clock.GetUtcNow(),
                $"IMAP, {failed.Stage.ToString().ToLowerInvariant()}: {failed.Message}");
        }
        catch (Exception broken) when (!ct.IsCancellationRequested && broken is IOException or MailKit.ProtocolException or MailKit.CommandException
                                           or FolderNotFoundException or TimeoutException or OperationCanceledException)
        {
            return new AttemptResult(AttemptOutcome.WitnessUnavailable, clock.GetUtcNow(), "IMAP: the mailbox could not be searched.");
        }
    }
}
