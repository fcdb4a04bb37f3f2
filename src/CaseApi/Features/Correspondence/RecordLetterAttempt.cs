using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Mediation;
using MediatR;

namespace CaseApi.Features.Correspondence;

/// <summary>
/// Writes what an attempt to deliver an e-mail letter, or a look for its copy, came to, in a transaction of its own after it (see
/// <see cref="DispatchLetters"/> for why an attempt's start is committed before it and its outcome after). Accepted: the letter is sent at
/// that moment and its deadline runs from it. Turned away for now: the next attempt after the next pause of <see cref="MailTimings.Retries"/>,
/// and after the last one the letter fails. Refused: it fails. Unknown: the attempt stays started and the mailbox is looked into. A copy found:
/// sent, at the copy's acceptance time; none within the grace period: the attempt counts as lost and the next one is made; the mailbox
/// unreachable past the retries: failed, "outcome unknown", never sent again on its own.
/// </summary>
public static class RecordLetterAttempt
{
    /// <param name="LetterId">The letter.</param>
    /// <param name="Attempt">The attempt it is about (from the claim): recording it twice, or for a letter no longer sending, changes nothing.</param>
    /// <param name="Result">What happened.</param>
    public sealed record Command(Guid LetterId, int Attempt, AttemptResult Result) : ICommand<LetterStatus?>;

    private sealed record Delivery
    {
        public required string MessageId { get; init; }

        public DateOnly? ResponseDue { get; init; }

        public string? ResponsePeriod { get; init; }

        public bool? RollOver { get; init; }

        public int Attempts { get; init; }

        public DateTimeOffset? AttemptStartedAt { get; init; }

        public int WitnessChecks { get; init; }
    }

    internal sealed class Handler(DbSession db, LetterSending sending, MailTimings timings) : IRequestHandler<Command, LetterStatus?>
    {
        /// <returns>The letter's status after this, or null when nothing was recorded (already recorded, or no longer sending).</returns>
        public async Task<LetterStatus?> Handle(Command cmd, CancellationToken ct)
        {
            var delivery = await db.QuerySingleOrDefaultAsync<Delivery>("""
                SELECT d.message_id, d.response_due, d.response_period, d.roll_over, d.attempts, d.attempt_started_at, d.witness_checks
                FROM letter_deliveries d JOIN letters l ON l.organisation_id = d.organisation_id AND l.id = d.letter_id
                WHERE d.organisation_id = current_organisation_id() AND d.letter_id = @LetterId AND l.status = 'sending'
                  AND d.attempts = @Attempt AND d.attempt_started_at IS NOT NULL
                FOR UPDATE OF d, l
                """, new { cmd.LetterId, cmd.Attempt }, ct);
            if (delivery is null)
            {
                return null;
            }

            var (outcome, at, reason) = cmd.Result;
            switch (outcome)
            {
                case AttemptOutcome.Accepted or AttemptOutcome.WitnessFound:
                    await db.ExecuteAsync("""
                        WITH unqueued AS (DELETE FROM jobs.letter_dispatch WHERE letter_id = @LetterId)
                        UPDATE letter_deliveries SET attempt_started_at = NULL, accepted_at = @at, last_error = NULL
                        WHERE organisation_id = current_organisation_id() AND letter_id = @LetterId
                        """, new { cmd.LetterId, at }, ct);
                    var letter = (await LetterReader.LoadAsync(db, cmd.LetterId, ct))!;
                    await sending.MarkSentAsync(letter, new SendingTerms(delivery.ResponseDue, delivery.ResponsePeriod, delivery.RollOver, null), at,
                        delivery.MessageId, checkDueDay: false, ct);
                    return LetterStatus.Sent;

                case AttemptOutcome.Unknown:
                    await KeepStartedAsync(cmd.LetterId, reason, at + timings.WitnessCheck, witnessChecks: delivery.WitnessChecks, ct);
                    return LetterStatus.Sending;

                case AttemptOutcome.WitnessMissing when at < delivery.AttemptStartedAt + timings.WitnessGrace:
                    await KeepStartedAsync(cmd.LetterId, null, at + timings.WitnessCheck, witnessChecks: delivery.WitnessChecks, ct);
                    return LetterStatus.Sending;

                case AttemptOutcome.WitnessMissing:
                    return await RetryOrFailAsync(cmd.LetterId, delivery.Attempts,
                        $"Attempt {delivery.Attempts} was not confirmed by the server, and no copy reached the mailbox: it was lost.", at, ct);

                case AttemptOutcome.WitnessUnavailable when delivery.WitnessChecks < timings.Retries.Count:
                    await KeepStartedAsync(cmd.LetterId, reason, at + timings.Retries[delivery.WitnessChecks], witnessChecks: delivery.WitnessChecks + 1, ct);
                    return LetterStatus.Sending;

                case AttemptOutcome.WitnessUnavailable:
                    await sending.MarkFailedAsync((await LetterReader.LoadAsync(db, cmd.LetterId, ct))!,
                        $"Outcome unknown: the connection broke off before the server confirmed attempt {delivery.Attempts}, and the mailbox could not be searched "
                        + $"for its copy ({reason}). Not sent again automatically: check the mailbox's sent messages before sending it again.", ct);
                    return LetterStatus.Failed;

                case AttemptOutcome.Deferred:
                    return await RetryOrFailAsync(cmd.LetterId, delivery.Attempts, reason!, at, ct);

                default:
                    await db.ExecuteAsync("""
                        UPDATE letter_deliveries SET attempt_started_at = NULL, last_error = @reason
                        WHERE organisation_id = current_organisation_id() AND letter_id = @LetterId
                        """, new { cmd.LetterId, reason }, ct);
                    await sending.MarkFailedAsync((await LetterReader.LoadAsync(db, cmd.LetterId, ct))!, reason!, ct);
                    return LetterStatus.Failed;
            }
        }

        /// <summary>The attempt stays started (its outcome still open); the mailbox is looked into again at <paramref name="next"/>.</summary>
        private Task KeepStartedAsync(Guid letterId, string? reason, DateTimeOffset next, int witnessChecks, CancellationToken ct) =>
            db.ExecuteAsync("""
                WITH requeued AS (UPDATE jobs.letter_dispatch SET next_attempt_at = @next WHERE letter_id = @letterId)
                UPDATE letter_deliveries SET last_error = coalesce(@reason, last_error), witness_checks = @witnessChecks
                WHERE organisation_id = current_organisation_id() AND letter_id = @letterId
                """, new { letterId, reason, next, witnessChecks }, ct);

        /// <summary>The attempt is over without a delivery: the next one after its pause, or, past the last pause, the letter fails.</summary>
        private async Task<LetterStatus> RetryOrFailAsync(Guid letterId, int attempts, string reason, DateTimeOffset at, CancellationToken ct)
        {
            var exhausted = attempts > timings.Retries.Count;
            await db.ExecuteAsync("""
                WITH requeued AS (UPDATE jobs.letter_dispatch SET next_attempt_at = @next WHERE letter_id = @letterId AND @next::timestamptz IS NOT NULL)
                UPDATE letter_deliveries SET attempt_started_at = NULL, witness_checks = 0, last_error = @reason
                WHERE organisation_id = current_organisation_id() AND letter_id = @letterId
                """, new { letterId, reason, next = exhausted ? (DateTimeOffset?)null : at + timings.Retries[attempts - 1] }, ct);
            if (!exhausted)
            {
                return LetterStatus.Sending;
            }

            await sending.MarkFailedAsync((await LetterReader.LoadAsync(db, letterId, ct))!, $"{reason} Gave up after {attempts} attempts.", ct);
            return LetterStatus.Failed;
        }
    }
}
