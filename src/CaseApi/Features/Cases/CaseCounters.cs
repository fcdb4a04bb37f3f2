using CaseApi.Infrastructure.Data;

namespace CaseApi.Features.Cases;

/// <summary>
/// A case's counts and next deadline are kept by triggers deferred to the commit (migration 0037, issue 16). A command
/// that reads a case it changed (an event carrying the case as the API returns it) settles them first.
/// </summary>
internal static class CaseCounters
{
    /// <summary>Applies the changes noted so far (SET CONSTRAINTS … IMMEDIATE fires the deferred trigger), then defers it again.</summary>
    public static Task SettleAsync(DbSession db, CancellationToken ct) => db.ExecuteAsync(
        "SET CONSTRAINTS jobs.case_counter_changes_applied IMMEDIATE; SET CONSTRAINTS jobs.case_counter_changes_applied DEFERRED", ct: ct);
}
