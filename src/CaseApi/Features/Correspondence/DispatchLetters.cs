using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Jobs;
using CaseApi.Infrastructure.Mediation;
using MediatR;

namespace CaseApi.Features.Correspondence;

/// <summary>
/// Claims the e-mail letters whose delivery is due, across organisations, as <c>DispatchWebhooks</c> claims webhook deliveries (a
/// <see cref="WorkList"/> leased for <see cref="MailTimings.Lease"/>); the claim commits before any mail server is spoken to.
/// </summary>
/// <remarks>
/// Why a claim also starts the attempt (issue 15 point 2, exactly once): SMTP commits at the server's 250 after DATA, and a process killed after
/// that reply and before recording it cannot know by itself that it sent. So an attempt is committed before it is made — the attempt number
/// and <c>attempt_started_at</c>, with the Message-ID fixed since /send — and cleared only when its outcome is recorded. A claim that finds
/// an attempt still started (its dispatcher died, or the connection broke off after the message was handed over) does not send: it asks
/// for the attempt to be resolved from a witness, the copy every delivery carries (Bcc to the case's reply address) into the organisation's
/// own mailbox. Found: the letter was sent, at the copy's acceptance time. Not found within <see cref="MailTimings.WitnessGrace"/>: the
/// attempt was lost, and the next one goes out with the same Message-ID. The mailbox cannot be searched: no resend ever; after the retries
/// the letter fails with "outcome unknown" for a person to check. So a send is never repeated while it may have been accepted, and
/// never lost once it was.
/// </remarks>
public static class DispatchLetters
{
    public const int DefaultBatchSize = 20;

    public sealed record Command(int BatchSize = DefaultBatchSize) : ICommand<IReadOnlyList<Claimed>>;

    /// <summary>What the dispatcher does with a claimed letter.</summary>
    public enum Step
    {
        /// <summary>Make attempt <c>Attempt</c>, committed as started.</summary>
        Send,

        /// <summary>Attempt <c>Attempt</c> has no recorded outcome: look for its copy in the mailbox.</summary>
        Resolve,
    }

    public sealed record Claimed(Guid OrganisationId, Guid LetterId, int Attempt, Step Step);

    private sealed record Delivery
    {
        public Guid LetterId { get; init; }

        public required string Status { get; init; }

        public int Attempts { get; init; }

        public DateTimeOffset? AttemptStartedAt { get; init; }
    }

    internal sealed class Handler(DbSession db, MailTimings timings, TimeProvider clock, ILogger<Handler> logger) : IRequestHandler<Command, IReadOnlyList<Claimed>>
    {
        public async Task<IReadOnlyList<Claimed>> Handle(Command cmd, CancellationToken ct)
        {
            var now = clock.GetUtcNow();
            var leases = await WorkList.ClaimAsync(db, "jobs.letter_dispatch", "letter_id", now, cmd.BatchSize, now + timings.Lease, ct);
            var claimed = new List<Claimed>(leases.Count);
            await WorkList.ForEachOrganisationAsync(db, leases, async (organisationId, ids) =>
            {
                var deliveries = await db.QueryAsync<Delivery>("""
                    SELECT d.letter_id, l.status, d.attempts, d.attempt_started_at
                    FROM letter_deliveries d JOIN letters l ON l.organisation_id = d.organisation_id AND l.id = d.letter_id
                    WHERE d.organisation_id = current_organisation_id() AND d.letter_id = ANY (@ids)
                    FOR UPDATE OF d
                    """, new { ids }, ct);
                var sending = deliveries.Where(d => d.Status == "sending").ToArray();
                var start = sending.Where(d => d.AttemptStartedAt is null).Select(d => d.LetterId).ToArray();
                // A letter no longer sending (or gone) leaves the work list; each new attempt is committed as started before it is made.
                await db.ExecuteAsync("""
                    WITH started AS (
                        UPDATE letter_deliveries SET attempts = attempts + 1, attempt_started_at = @now
                        WHERE organisation_id = current_organisation_id() AND letter_id = ANY (@start)
                    )
                    DELETE FROM jobs.letter_dispatch WHERE letter_id = ANY (@done)
                    """, new { start, now, done = ids.Except(sending.Select(d => d.LetterId)).ToArray() }, ct);
                claimed.AddRange(sending.Select(d => d.AttemptStartedAt is null
                    ? new Claimed(organisationId, d.LetterId, d.Attempts + 1, Step.Send)
                    : new Claimed(organisationId, d.LetterId, d.Attempts, Step.Resolve)));
            },
            (refused, organisationId, count) => logger.LogError(refused,
                "Letter dispatch: PostgreSQL refused the claim of organisation {OrganisationId}'s {Count} letters; they are tried again when their lease runs out",
                organisationId, count),
            ct);

            return claimed;
        }
    }
}
