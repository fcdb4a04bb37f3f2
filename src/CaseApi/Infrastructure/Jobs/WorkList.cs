using CaseApi.Infrastructure.Data;
using Npgsql;

namespace CaseApi.Infrastructure.Jobs;

/// <summary>
/// A dispatcher's work list in the <c>jobs</c> schema (ids, organisations and due times, outside row-level security, so that one claim finds
/// every organisation's work): the webhook deliveries' and the e-mail letters'. A claim takes the due rows that no other dispatcher holds
/// (<c>FOR UPDATE SKIP LOCKED</c>) and leases them, moving <c>next_attempt_at</c> to the end of the lease, so that the work that follows holds no
/// lock; a dispatcher that dies leaves its lease to run out, and the row is claimed again.
/// </summary>
internal static class WorkList
{
    public sealed record Claim
    {
        public Guid Id { get; init; }

        public Guid OrganisationId { get; init; }
    }

    /// <param name="db">The claiming transaction.</param>
    /// <param name="table">The work list, e.g. <c>jobs.webhook_dispatch</c>: a constant of the caller's, never input.</param>
    /// <param name="idColumn">Its key column.</param>
    /// <param name="now">Rows due by then are claimed.</param>
    /// <param name="batchSize">At most this many.</param>
    /// <param name="leaseUntil">Until when the claimed rows are reserved.</param>
    /// <param name="ct">Cancels the claim.</param>
    public static Task<IReadOnlyList<Claim>> ClaimAsync(DbSession db, string table, string idColumn, DateTimeOffset now, int batchSize, DateTimeOffset leaseUntil,
        CancellationToken ct) =>
        db.QueryAsync<Claim>($"""
            WITH due AS (
                SELECT {idColumn} FROM {table}
                WHERE next_attempt_at <= @now
                ORDER BY next_attempt_at
                LIMIT @batchSize
                FOR UPDATE SKIP LOCKED
            )
            UPDATE {table} d SET next_attempt_at = @leaseUntil
            FROM due WHERE d.{idColumn} = due.{idColumn}
            RETURNING d.{idColumn} AS id, d.organisation_id
            """, new { now, batchSize, leaseUntil }, ct);

    /// <summary>
    /// Runs <paramref name="work"/> for each organisation's claims (its id and the claimed ids) in a savepoint of the claiming transaction, with
    /// row-level security set to that organisation. Issue 11: one organisation's failing row must not hold back the others'; its claims keep
    /// their lease (taken outside the savepoint) and are tried again when it runs out, and <paramref name="refused"/> hears of it.
    /// </summary>
    public static async Task ForEachOrganisationAsync(DbSession db, IReadOnlyList<Claim> claims, Func<Guid, Guid[], Task> work,
        Action<PostgresException, Guid, int> refused, CancellationToken ct)
    {
        foreach (var organisation in claims.GroupBy(c => c.OrganisationId))
        {
            var ids = organisation.Select(c => c.Id).ToArray();
            var failure = await db.TryInSavepointAsync(async () =>
            {
                await db.EnterOrganisationAsync(organisation.Key, ct);
                await work(organisation.Key, ids);
            }, ct);
            if (failure is not null)
            {
                refused(failure, organisation.Key, ids.Length);
            }
        }
    }
}
