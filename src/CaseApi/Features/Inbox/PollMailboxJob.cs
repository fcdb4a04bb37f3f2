using CaseApi.Features.Correspondence;
using CaseApi.Features.Organisations;
using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Json;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MediatR;
using Npgsql;

namespace CaseApi.Features.Inbox;

/// <summary>
/// The recurring mailbox poll (issue 15 point 3): leases the organisations whose mailbox is due (<see cref="PollMailbox.Claim"/>), and
/// for each reads the messages after the last UID imported, oldest first, each imported in a transaction of its own that also moves the
/// cursor past it (<see cref="PollMailbox.Import"/>). No transaction is held while the IMAP server is waited on. Killed half-way, a poll
/// leaves every message either imported with the cursor past it or not at all; the next poll, once the lease has run out, goes on from
/// there. Two pollers of one mailbox (a lease outlived) take each message in turn under the cursor's lock: the second finds it read.
/// </summary>
public sealed class PollMailboxJob(IServiceScopeFactory scopes, MailConnector connector, TimeProvider clock, IConfiguration configuration, ILogger<PollMailboxJob> logger)
{
    public const string RecurringJobId = "mailbox-poll";

    /// <summary>Mailboxes one run claims.</summary>
    private const int MailboxesPerRun = 20;

    private const int MaxHeaderBytes = 1024 * 1024;

    public async Task RunAsync(CancellationToken ct)
    {
        // Longer than a poll of a full batch takes (each IMAP step times out after 10 s), so that a live poller is not joined by another.
        var lease = TimeSpan.FromSeconds(configuration.GetValue("Jobs:MailPollLeaseSeconds", 600));
        var batchSize = configuration.GetValue("Jobs:MailPollBatchSize", 50);
        var maxFailures = configuration.GetValue("Jobs:MailPollMaxFailures", 3);
        var claimed = await SendAsync(null, new PollMailbox.Claim(lease, MailboxesPerRun), ct);
        foreach (var organisationId in claimed)
        {
            await PollAsync(organisationId, batchSize, maxFailures, ct);
        }
    }

    private async Task PollAsync(Guid organisationId, int batchSize, int maxFailures, CancellationToken ct)
    {
        var mailbox = await SendAsync(organisationId, new PollMailbox.Start(), ct);
        if (mailbox is null)
        {
            return;
        }

        var left = false;
        var counts = new Dictionary<PollMailbox.Outcome, int>();
        var setAside = 0;
        PollMailbox.PollError? error = null;
        try
        {
            using var imap = new ImapClient();
            await connector.ConnectAsync(imap, mailbox.Server, ct);
            await MailConnector.AuthenticateAsync(imap, mailbox.Server, ct);
            var folder = await MailConnector.OpenAsync(imap, mailbox.Folder, ct);
            var uidValidity = (long)folder.UidValidity;
            // Another UIDVALIDITY: the folder's UIDs were given anew (RFC 9051 § 2.3.1.1), and it is read from its start.
            var after = mailbox.UidValidity == uidValidity ? mailbox.LastUid : 0;
            // "n:*" always includes the folder's last message, even one below n (RFC 9051 § 6.4.8): the filter drops it.
            var uids = (await folder.SearchAsync(SearchQuery.Uids(new UniqueIdRange(new UniqueId((uint)after + 1), UniqueId.MaxValue)), ct))
                .Where(uid => uid.Id > after).OrderBy(uid => uid.Id).ToList();
            left = uids.Count > batchSize;
            var sizes = (await folder.FetchAsync(uids.Take(batchSize).ToList(), MessageSummaryItems.UniqueId | MessageSummaryItems.Size, ct))
                .ToDictionary(summary => summary.UniqueId, summary => (long?)summary.Size);
            foreach (var uid in uids.Take(batchSize))
            {
                var size = sizes.GetValueOrDefault(uid) ?? 0;
                var tooLarge = size > MailMessageContent.MaxMessageBytes;
                // A message beyond the limit reaches the inbox with its header only (itself cut at a megabyte); it stays whole in the mailbox.
                await using var stream = await folder.GetStreamAsync(uid, tooLarge ? "HEADER" : "", ct);
                var message = await ReadAsync(stream, tooLarge ? MaxHeaderBytes : MailMessageContent.MaxMessageBytes, ct);
                try
                {
                    var outcome = await SendAsync(organisationId, new PollMailbox.Import(mailbox.Identity, uidValidity, uid.Id, message, tooLarge ? size : null), ct);
                    counts[outcome] = counts.GetValueOrDefault(outcome) + 1;
                }
                catch (Exception failed) when (!IsPassing(failed))
                {
                    if (!await SendAsync(organisationId, new PollMailbox.CountFailure(mailbox.Identity, uidValidity, uid.Id, message, Describe(failed), maxFailures), ct))
                    {
                        throw;
                    }

                    logger.LogError(failed, "Mailbox poll of organisation {OrganisationId}: message UID {Uid} failed to import {MaxFailures} times and was set aside in the inbox",
                        organisationId, uid.Id, maxFailures);
                    setAside++;
                }
            }

            await imap.DisconnectAsync(quit: true, ct);
        }
        catch (MailConnectionException failed)
        {
            logger.LogWarning("Mailbox poll of organisation {OrganisationId} stopped at {Stage}: {Detail}", organisationId, failed.Stage, failed.Message);
            error = new(SnakeCase.From(failed.Stage), failed.Message);
        }
        catch (Exception failed) when (failed is not OperationCanceledException)
        {
            // The messages imported so far stay imported; the rest are read again once the lease runs out.
            logger.LogError(failed, "Mailbox poll of organisation {OrganisationId} failed after {Counts}; it is tried again when its lease runs out", organisationId, counts);
            if (!IsPassing(failed))
            {
                await SendAsync(organisationId, new PollMailbox.Finish(null, new("import", $"{Describe(failed)} Tried again when the lease runs out.")), ct);
            }

            return;
        }

        logger.LogInformation("Mailbox poll of organisation {OrganisationId}: {Counts}, {SetAside} set aside{Left}", organisationId, counts, setAside,
            left ? ", more left for the next run" : "");
        var now = clock.GetUtcNow();
        await SendAsync(organisationId, new PollMailbox.Finish(left ? now : now + mailbox.Interval, error), ct);
    }

    private static string Describe(Exception failed) => $"{failed.GetType().Name}: {failed.Message}".TrimEnd('.') + ".";

    /// <summary>A failure of the database or the connection to it that the next poll may not meet: not the message's fault.</summary>
    private static bool IsPassing(Exception failed) =>
        failed is OperationCanceledException or TimeoutException or NpgsqlException { IsTransient: true } or MailConnectionException or IOException;

    /// <summary>At most <paramref name="limit"/> bytes: the size the server announced is its word, the stream is what arrives.</summary>
    private static async Task<byte[]> ReadAsync(Stream stream, long limit, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while (buffer.Length < limit && (read = await stream.ReadAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, limit - buffer.Length)), ct)) > 0)
        {
            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private async Task<T> SendAsync<T>(Guid? organisationId, IRequest<T> request, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        if (organisationId is { } id)
        {
            scope.ServiceProvider.GetRequiredService<CallerContext>().ActFor(id);
        }

        return await scope.ServiceProvider.GetRequiredService<IMediator>().Send(request, ct);
    }
}
