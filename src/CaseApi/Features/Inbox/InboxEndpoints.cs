using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;

namespace CaseApi.Features.Inbox;

public static class InboxEndpoints
{
    public static void MapInbox(this RouteGroupBuilder v1)
    {
        var inbox = v1.MapGroup("/inbox").WithTags("Inbox");
        ListInboxMessages.Map(inbox);
        GetInboxMessage.Map(inbox);
        GetInboxMessageOriginal.Map(inbox);
        AssignInboxMessage.Map(inbox);
        DismissInboxMessage.Map(inbox);
    }
}

/// <summary>Assigning and dismissing alike: only a new message, at the version the client read, under its row's lock.</summary>
internal static class InboxTriage
{
    public sealed record Locked
    {
        public required string Status { get; init; }

        public int Version { get; init; }

        public Guid? CaseId { get; init; }

        public required byte[] Content { get; init; }

        public required byte[] Sha256 { get; init; }
    }

    public static async Task<Locked> LockNewAsync(DbSession db, Guid id, int? expectedVersion, CancellationToken ct)
    {
        var message = await db.QuerySingleOrDefaultAsync<Locked>("""
            SELECT status, version, case_id, content, sha256 FROM inbox_messages WHERE organisation_id = current_organisation_id() AND id = @id FOR UPDATE
            """, new { id }, ct)
            ?? throw new NotFoundException("inbox message", id);
        EntityTags.Require(expectedVersion, message.Version, "inbox message", id);
        return message.Status == "new" ? message : throw new ConflictException("inbox_message_not_new", message.Status == "assigned"
            ? $"The message was assigned to case {message.CaseId} before."
            : "The message was dismissed before.", new Dictionary<string, object?> { ["messageStatus"] = message.Status });
    }
}
