using CaseApi.Features.Inbox;
using CaseApi.Features.Organisations;

namespace CaseApi.Tests.Support;

/// <summary>Messages put into the inbox as the mailbox poller files them (<see cref="PollMailbox.Import"/>), without an IMAP server.</summary>
public static class InboxMessages
{
    /// <summary>Files <paramref name="raw"/> as the next message of the organisation's mailbox; returns it as the inbox lists it.</summary>
    public static async Task<InboxMessageDto> FileAsync(CaseApiFactory api, Letters.World world, byte[] raw, long? tooLargeSize = null)
    {
        var organisationId = (await world.Client.GetAsync<OrganisationDto>("/v1/organisation")).Id;
        var before = (await world.Client.ItemsAsync<InboxMessageDto>("/v1/inbox")).Select(i => i.Id).ToList();
        // Ids are version-7, ordered by the clock's millisecond: a later message, a later id.
        api.Clock.Advance(TimeSpan.FromSeconds(1));
        var import = new PollMailbox.Import("imap://cases@127.0.0.1:993/INBOX", 1, before.Count + 1, raw, tooLargeSize);
        Assert.Equal(PollMailbox.Outcome.Inbox, await api.SendAsync(import, organisationId));
        return (await world.Client.ItemsAsync<InboxMessageDto>("/v1/inbox")).Single(i => !before.Contains(i.Id));
    }
}
