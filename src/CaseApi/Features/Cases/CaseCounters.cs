using CaseApi.Infrastructure.Data;

namespace CaseApi.Features.Cases;

/// <summary>
/// A case's counts and next deadline are kept by triggers deferred to the commit (migration 0037, issue 16). A command
/// that reads a case it changed (an event carrying the case as the API returns it) settles them first.
/// </summary>
internal static class CaseCounters
{
    private const string Triggers =
        "complaints_counted, complaints_counted_moved, letters_counted, letters_counted_moved, deadlines_counted_in, deadlines_counted_out, deadlines_counted_changed";

    /// <summary>Runs the counter triggers for the changes so far (SET CONSTRAINTS … IMMEDIATE does), then defers them again.</summary>
    public static Task SettleAsync(DbSession db, CancellationToken ct) =>
        db.ExecuteAsync($"SET CONSTRAINTS {Triggers} IMMEDIATE; SET CONSTRAINTS {Triggers} DEFERRED", ct: ct);
}
