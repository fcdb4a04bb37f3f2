using System.Text;
using CaseApi.Features.ApiKeys;
using CaseApi.Features.Correspondence;
using CaseApi.Features.Deadlines;
using CaseApi.Features.Inbox;
using MimeKit;
using static CaseApi.Tests.Support.MailMessages;

namespace CaseApi.Tests.Features.Inbox;

/// <summary>
/// Issue 15 point 3: triage of the inbox, GET /v1/inbox, assign and dismiss. Messages are put into the inbox as the poller files them
/// (<see cref="PollMailbox.Import"/>), without an IMAP server; <see cref="MailboxPollTests"/> reads a real one.
/// </summary>
public sealed class InboxTests(CaseApiFactory api) : IClassFixture<CaseApiFactory>
{
    [Fact]
    public async Task Assigning_a_message_files_it_as_a_reply_in_the_case_which_meets_the_deadline_and_a_second_assignment_is_409()
    {
        var world = await Letters.WorldAsync(api);
        var sent = await SendEmailAsync(world);
        var raw = Bytes(Reply("Antwort ohne Bezug", "Wir geben die Erklärung nicht ab."));
        var message = await InboxMessageAsync(world, raw);

        using var assigned = await AssignAsync(world, message, new { caseId = world.CaseId, inReplyToId = sent.Id });
        using var again = await AssignAsync(world, message, new { caseId = world.CaseId }, "*");
        using var dismissed = await DismissAsync(world, message, new { reason = "Zu spät." }, "*");

        var inbox = await assigned.ReadAsync<InboxMessageDto>();
        Assert.Equal((InboxStatus.Assigned, world.CaseId, 2), (inbox.Status, inbox.CaseId, inbox.Version));
        Assert.Equal("\"2\"", assigned.Headers.ETag?.Tag);
        var letter = await world.Client.GetAsync<LetterDto>($"/v1/letters/{inbox.LetterId}");
        Assert.Equal((LetterType.Reply, LetterDirection.Incoming, sent.Id, world.DefendantId), (letter.Type, letter.Direction, letter.InReplyToId, letter.DefendantId));
        var deadline = await world.Client.GetAsync<DeadlineDto>($"/v1/deadlines/{sent.Deadline!.Id}");
        Assert.Equal((DeadlineStatus.Met, new DateTimeOffset(2025, 5, 12, 9, 0, 0, TimeSpan.Zero)), (deadline.Status, deadline.MetAt));
        Assert.Equal(raw, await world.Client.GetByteArrayAsync($"/v1/letters/{letter.Id}/original"));
        var conflict = await ProblemAssert.IsProblemAsync(again, HttpStatusCode.Conflict, "inbox_message_not_new");
        Assert.Equal("assigned", conflict.GetProperty("messageStatus").GetString());
        await ProblemAssert.IsProblemAsync(dismissed, HttpStatusCode.Conflict, "inbox_message_not_new");
        var events = (await ChangeFeed.TypesAsync(world.Client, "inbox_message.assigned")).ToList();
        Assert.True(events.IndexOf("letter.received") < events.IndexOf("inbox_message.assigned"));
    }

    [Fact]
    public async Task A_reply_to_a_cease_and_desist_letter_assigned_as_a_refusal_ends_its_deadline_as_refused()
    {
        var world = await Letters.WorldAsync(api);
        var sent = await SendEmailAsync(world);
        var message = await InboxMessageAsync(world, Bytes(Reply("Ihr Schreiben", "Wir lehnen ab.")));

        using var assigned = await AssignAsync(world, message, new { caseId = world.CaseId, inReplyToId = sent.Id, ceaseAndDesistReply = new { kind = "refusal" } });

        Assert.Equal(HttpStatusCode.OK, assigned.StatusCode);
        Assert.Equal(DeadlineStatus.Refused, (await world.Client.GetAsync<DeadlineDto>($"/v1/deadlines/{sent.Deadline!.Id}")).Status);
    }

    [Fact]
    public async Task Dismissing_keeps_the_message_with_its_reason_and_the_status_filter_finds_it()
    {
        var world = await Letters.WorldAsync(api);
        var kept = await InboxMessageAsync(world, Bytes(Reply("Newsletter", "Neuigkeiten.")));
        var other = await InboxMessageAsync(world, Bytes(Reply("Anfrage", "Bitte um Rückruf.")));

        using var dismissed = await DismissAsync(world, kept, new { reason = "Newsletter, not about any case." });

        var message = await dismissed.ReadAsync<InboxMessageDto>();
        Assert.Equal((InboxStatus.Dismissed, "Newsletter, not about any case."), (message.Status, message.DismissedReason));
        Assert.Equal([kept.Id], await IdsAsync(world, "?status=dismissed"));
        Assert.Equal([other.Id], await IdsAsync(world, "?status=new"));
        Assert.Equal([kept.Id, other.Id], await IdsAsync(world, ""));
        Assert.Equal([kept.Id], await IdsAsync(world, "?limit=1"));
        await ProblemAssert.IsProblemAsync(await world.Client.GetAsync("/v1/inbox?status=read"), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Assigning_needs_the_current_version_an_existing_case_and_a_sender_that_can_be_told()
    {
        var world = await Letters.WorldAsync(api);
        var second = await world.Client.DefendantAsync("Meta Platforms, Inc.", "US");
        var twoDefendants = await world.Client.CaseAsync(null, world.DefendantId, second.Id());
        var message = await InboxMessageAsync(world, Bytes(Reply("Antwort", "Text.")));

        using var withoutIfMatch = await world.Client.PostAsJsonAsync($"/v1/inbox/{message.Id}/assign", new { caseId = world.CaseId });
        using var stale = await AssignAsync(world, message, new { caseId = world.CaseId }, "\"7\"");
        using var unknownCase = await AssignAsync(world, message, new { caseId = Guid.NewGuid() });
        using var noSender = await AssignAsync(world, message, new { caseId = twoDefendants.Id() });
        using var bothSenders = await AssignAsync(world, message, new { caseId = world.CaseId, defendantId = world.DefendantId, dpaId = Guid.NewGuid() });
        using var named = await AssignAsync(world, message, new { caseId = twoDefendants.Id(), defendantId = second.Id() });

        await ProblemAssert.IsProblemAsync(withoutIfMatch, (HttpStatusCode)428, "precondition_required");
        await ProblemAssert.IsProblemAsync(stale, HttpStatusCode.PreconditionFailed, "precondition_failed");
        await ProblemAssert.IsProblemAsync(unknownCase, HttpStatusCode.UnprocessableEntity, "unknown_reference");
        Assert.Contains("defendantId", (await ProblemAssert.IsProblemAsync(noSender, HttpStatusCode.BadRequest)).GetProperty("errors").ToString());
        Assert.Contains("dpaId", (await ProblemAssert.IsProblemAsync(bothSenders, HttpStatusCode.BadRequest)).GetProperty("errors").ToString());
        var letter = await world.Client.GetAsync<LetterDto>($"/v1/letters/{(await named.ReadAsync<InboxMessageDto>()).LetterId}");
        Assert.Equal((LetterType.Other, second.Id()), (letter.Type, letter.DefendantId));
    }

    [Fact]
    public async Task A_viewer_reads_the_inbox_but_cannot_assign_and_another_organisation_sees_none_of_it()
    {
        var world = await Letters.WorldAsync(api);
        var message = await InboxMessageAsync(world, Bytes(Reply("Anfrage", "Text.")));
        var viewerKey = (await world.Client.CreatedAsync<CreateApiKey.CreatedApiKeyDto>("/v1/api-keys", new { name = "Viewer", role = "viewer" })).Secret;
        var stranger = await Letters.WorldAsync(api);

        using var viewer = api.ClientFor(viewerKey);
        using var read = await viewer.GetAsync($"/v1/inbox/{message.Id}");
        using var assign = await viewer.SendWithIfMatchAsync(HttpMethod.Post, $"/v1/inbox/{message.Id}/assign", new { caseId = world.CaseId }, 1);

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal("\"1\"", read.Headers.ETag?.Tag);
        Assert.Equal(HttpStatusCode.Forbidden, assign.StatusCode);
        await ProblemAssert.IsProblemAsync(await stranger.Client.GetAsync($"/v1/inbox/{message.Id}"), HttpStatusCode.NotFound, "not_found");
        await ProblemAssert.IsProblemAsync(await stranger.Client.GetAsync($"/v1/inbox/{message.Id}/original"), HttpStatusCode.NotFound, "not_found");
        Assert.Empty(await stranger.Client.ItemsAsync<InboxMessageDto>("/v1/inbox"));
    }

    [Fact]
    public async Task A_threaded_message_that_cannot_be_recorded_as_it_is_waits_in_the_inbox_as_refused_and_is_no_letter()
    {
        var world = await Letters.WorldAsync(api);
        var sent = await SendEmailAsync(world);
        var withProgram = Reply("Re: Unterlassungsaufforderung", "Anbei unsere Stellungnahme.");
        withProgram.InReplyTo = sent.MessageId;
        withProgram.Body = new Multipart("mixed")
        {
            new TextPart("plain") { Text = "Anbei unsere Stellungnahme." },
            new MimePart("application", "octet-stream") { FileName = "stellungnahme.exe", Content = new MimeContent(new MemoryStream("MZ\u0090\0"u8.ToArray())) },
        };
        var tooLarge = Reply("Re: Unterlassungsaufforderung", "Sehr große Anlage.");
        tooLarge.InReplyTo = sent.MessageId;
        var header = Encoding.UTF8.GetBytes(tooLarge.Headers.ToString()!);

        var refused = await InboxMessageAsync(world, Bytes(withProgram));
        var headerOnly = await InboxMessageAsync(world, header, tooLargeSize: 50_000_000);
        var notAMessage = await InboxMessageAsync(world, "\u0001\u0002 not a message"u8.ToArray());

        Assert.Equal((InboxReason.Refused, InboxStatus.New), (refused.Reason, refused.Status));
        Assert.Contains("'stellungnahme.exe'", refused.Detail, StringComparison.Ordinal);
        Assert.Equal(InboxReason.Refused, headerOnly.Reason);
        Assert.StartsWith("The message has 50000000 bytes; messages are limited to 40 MB.", headerOnly.Detail, StringComparison.Ordinal);
        Assert.Equal(header, await world.Client.GetByteArrayAsync($"/v1/inbox/{headerOnly.Id}/original"));
        Assert.Equal((InboxReason.Refused, "(not a readable message)"), (notAMessage.Reason, notAMessage.Subject));
        Assert.Equal([sent.Id], (await world.Client.ItemsAsync<LetterDto>($"/v1/cases/{world.CaseId}/letters")).Select(l => l.Id));
        Assert.Equal(DeadlineStatus.Open, (await world.Client.GetAsync<DeadlineDto>($"/v1/deadlines/{sent.Deadline!.Id}")).Status);
        using var assigned = await AssignAsync(world, refused, new { caseId = world.CaseId, inReplyToId = sent.Id });
        await ProblemAssert.IsProblemAsync(assigned, HttpStatusCode.UnsupportedMediaType, "unsupported_attachment_type");
        using var unreadable = await AssignAsync(world, notAMessage, new { caseId = world.CaseId });
        await ProblemAssert.IsProblemAsync(unreadable, HttpStatusCode.Conflict, "message_unreadable");
    }

    /// <summary>A message filed in the inbox as the poller files one that threads to no case.</summary>
    private Task<InboxMessageDto> InboxMessageAsync(Letters.World world, byte[] raw, long? tooLargeSize = null) =>
        InboxMessages.FileAsync(api, world, raw, tooLargeSize);

    private static async Task<List<Guid>> IdsAsync(Letters.World world, string query) =>
        (await world.Client.ItemsAsync<InboxMessageDto>($"/v1/inbox{query}")).Select(i => i.Id).ToList();

    private static Task<HttpResponseMessage> AssignAsync(Letters.World world, InboxMessageDto message, object body, string ifMatch = "\"1\"") =>
        PostAsync(world, $"/v1/inbox/{message.Id}/assign", body, ifMatch);

    private static Task<HttpResponseMessage> DismissAsync(Letters.World world, InboxMessageDto message, object body, string ifMatch = "\"1\"") =>
        PostAsync(world, $"/v1/inbox/{message.Id}/dismiss", body, ifMatch);

    private static async Task<HttpResponseMessage> PostAsync(Letters.World world, string path, object body, string ifMatch)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return await world.Client.SendAsync(request);
    }
}
