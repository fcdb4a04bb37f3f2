using CaseApi.Infrastructure.Telemetry;
using MediatR;

namespace CaseApi.Features.Deadlines;

/// <summary>
/// The recurring deadline sweep: sends <see cref="SweepDeadlines.Command"/> batch after batch, each in a scope and
/// transaction of its own, until nothing is due. Hangfire may run it twice or on several workers at once: the
/// sweep's SQL makes that harmless.
/// </summary>
public sealed class SweepDeadlinesJob(IServiceScopeFactory scopes, CaseApiMetrics metrics, IConfiguration configuration, ILogger<SweepDeadlinesJob> logger)
{
    public const string RecurringJobId = "deadline-sweep";

    public async Task RunAsync(CancellationToken ct)
    {
        var batchSize = configuration.GetValue("Jobs:SweepBatchSize", SweepDeadlines.DefaultBatchSize);
        while (!ct.IsCancellationRequested)
        {
            await using var scope = scopes.CreateAsyncScope();
            var result = await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new SweepDeadlines.Command(batchSize), ct);
            if (result.Claimed == 0)
            {
                return;
            }

            // Counted once the batch has committed: a batch rolled back is claimed and counted again.
            metrics.DeadlinesMissed(result.Missed);

            logger.LogInformation("Deadline sweep: {Claimed} looked at, {DueSoon} due soon, {Missed} missed, {Reminders} reminders drafted, {Escalated} cases escalated",
                result.Claimed, result.DueSoon, result.Missed, result.RemindersDrafted, result.CasesEscalated);
        }
    }
}
