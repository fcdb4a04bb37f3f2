using CaseApi.Features.Organisations;
using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Mediation;
using MediatR;

namespace CaseApi.Features.Inbox;

/// <summary>Why the last poll stopped short.</summary>
public sealed record MailboxPollErrorDto
{
    /// <summary>Where: a stage of the connection (<c>dns</c>, <c>connect</c>, <c>tls</c>, <c>protocol</c>, <c>auth</c>, <c>folder</c>) or <c>import</c>.</summary>
    /// <example>auth</example>
    public required string Stage { get; init; }

    /// <summary>What happened, without the password.</summary>
    /// <example>The server refused the user name or password.</example>
    public required string Detail { get; init; }

    public DateTimeOffset At { get; init; }
}

/// <summary>How the poll of the organisation's mailbox is doing: a mailbox that cannot be read loses no reply, but delays every one.</summary>
public sealed record MailboxStatusDto
{
    /// <summary>When a poll last ended (null: never).</summary>
    public DateTimeOffset? LastPolledAt { get; init; }

    /// <summary>When the poller moved past a message last (null: never).</summary>
    public DateTimeOffset? LastImportedAt { get; init; }

    /// <summary>When the next poll is due (the past: now).</summary>
    public DateTimeOffset? NextPollAt { get; init; }

    /// <summary>Why the last poll failed; null when it did not.</summary>
    public MailboxPollErrorDto? LastError { get; init; }

    /// <summary>Polls in a row that failed to import the same message; at <c>Jobs:MailPollMaxFailures</c> (3) it is set aside in the inbox.</summary>
    public int FailedImports { get; init; }

    /// <summary>Messages set aside in the inbox (reason <c>refused</c>) because their import failed again and again.</summary>
    public int SetAside { get; init; }
}

public static class GetMailboxStatus
{
    public sealed record Query : IQuery<MailboxStatusDto>;

    private sealed record Row
    {
        public DateTimeOffset? LastPolledAt { get; init; }

        public DateTimeOffset? LastImportedAt { get; init; }

        public DateTimeOffset? NextPollAt { get; init; }

        public string? LastErrorStage { get; init; }

        public string? LastErrorDetail { get; init; }

        public DateTimeOffset? LastErrorAt { get; init; }

        public int Failures { get; init; }

        public int SetAside { get; init; }
    }

    internal sealed class Handler(DbSession db, TimeProvider clock) : IRequestHandler<Query, MailboxStatusDto>
    {
        public async Task<MailboxStatusDto> Handle(Query query, CancellationToken ct)
        {
            if (await MailSettings.LoadAsync(db, ct) is null)
            {
                throw MailSettings.NotSet();
            }

            // '-infinity' (due at once) is shown as now; the watch table holds no tenant column of its own but the organisation's id.
            var row = await db.QuerySingleAsync<Row>("""
                SELECT s.last_polled_at, c.updated_at AS last_imported_at, greatest(w.next_poll_at, @now) AS next_poll_at,
                       s.last_error_stage, s.last_error_detail, s.last_error_at, coalesce(s.failures, 0) AS failures, coalesce(s.set_aside, 0) AS set_aside
                FROM (SELECT current_organisation_id() AS organisation_id) o
                LEFT JOIN mailbox_poll_status s ON s.organisation_id = o.organisation_id
                LEFT JOIN mailbox_cursors c ON c.organisation_id = o.organisation_id AND c.last_uid > 0
                LEFT JOIN jobs.mailbox_watch w ON w.organisation_id = o.organisation_id
                """, new { now = clock.GetUtcNow() }, ct);
            return new MailboxStatusDto
            {
                LastPolledAt = row.LastPolledAt, LastImportedAt = row.LastImportedAt, NextPollAt = row.NextPollAt, FailedImports = row.Failures, SetAside = row.SetAside,
                LastError = row.LastErrorStage is { } stage ? new MailboxPollErrorDto { Stage = stage, Detail = row.LastErrorDetail!, At = row.LastErrorAt!.Value } : null,
            };
        }
    }

    // Admins only, as the settings it reports on.
    internal static void Map(RouteGroupBuilder mail) => mail.MapGet("status", async (IMediator mediator, CancellationToken ct) =>
            Results.Ok(await mediator.Send(new Query(), ct)))
        .RequireAuthorization(Policies.Admin)
        .WithName("GetMailboxStatus")
        .WithSummary("How the mailbox poll is doing")
        .WithDescription("""
            When the organisation's mailbox was last read and a message last imported, when the next poll is due, and why the last poll
            failed (a connection stage such as `auth`, or `import`). A message whose import fails on `Jobs:MailPollMaxFailures` polls in a
            row (3) is set aside in the inbox with reason `refused`, so that the replies behind it are imported. A 404 until mail settings exist.
            """)
        .Produces<MailboxStatusDto>()
        .ProducesProblem(StatusCodes.Status404NotFound);
}
