using System.Globalization;
using CaseApi.Infrastructure.Data;
using MediatR;

namespace CaseApi.Infrastructure.Mediation;

/// <summary>
/// Deletes the idempotency keys older than their 24 hours, in every organisation: their stored responses may hold
/// personal data (a complaint's complainants), which must not outlive the purpose it was kept for (GDPR Art. 5(1)(e)).
/// </summary>
public static class PurgeIdempotencyKeys
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);

    public sealed record Command : ICommand<int>;

    internal sealed class Handler(DbSession db, TimeProvider clock) : IRequestHandler<Command, int>
    {
        public async Task<int> Handle(Command cmd, CancellationToken ct)
        {
            // Row-level security picks the rows (migration 0015's purge_expired policy): the ones created before this
            // instant, whichever organisation's. The WHERE names no column, which would need a read policy; it keeps a
            // session that acts for an organisation from deleting that organisation's fresh keys too.
            var expiredBefore = (clock.GetUtcNow() - Lifetime).ToString("O", CultureInfo.InvariantCulture);
            await db.ExecuteAsync("SELECT set_config('caseapi.idempotency_expired_before', @expiredBefore, true)", new { expiredBefore }, ct);
            return await db.ExecuteAsync("DELETE FROM idempotency_keys WHERE current_organisation_id() IS NULL", ct: ct);
        }
    }
}

/// <summary>The recurring purge of expired idempotency keys; running it twice deletes nothing the second time.</summary>
public sealed class PurgeIdempotencyKeysJob(IServiceScopeFactory scopes, ILogger<PurgeIdempotencyKeysJob> logger)
{
    public const string RecurringJobId = "idempotency-key-purge";

    public async Task RunAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var purged = await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new PurgeIdempotencyKeys.Command(), ct);
        logger.LogInformation("Idempotency keys: {Purged} expired keys deleted", purged);
    }
}
