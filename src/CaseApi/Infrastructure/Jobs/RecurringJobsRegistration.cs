using CaseApi.Features.Correspondence;
using CaseApi.Features.Deadlines;
using CaseApi.Features.Inbox;
using CaseApi.Features.Webhooks;
using CaseApi.Infrastructure.Mediation;
using Hangfire;

namespace CaseApi.Infrastructure.Jobs;

/// <summary>
/// Registers the recurring jobs, by id and idempotently, in every process that runs jobs: at start, and again every
/// <c>Jobs:RegistrationMinutes</c> (5), so that a job removed from the dashboard or lost with Hangfire's schema comes
/// back on its own (issue 11) rather than leave every organisation without its sweep or webhooks until a restart.
/// </summary>
public sealed class RecurringJobsRegistration(IRecurringJobManager jobs, IConfiguration configuration, TimeProvider clock, ILogger<RecurringJobsRegistration> logger)
    : BackgroundService
{
    /// <summary>Every recurring job this registration keeps in place.</summary>
    public static IReadOnlyList<string> JobIds { get; } =
        [
            SweepDeadlinesJob.RecurringJobId, DispatchWebhooksJob.RecurringJobId, PurgeIdempotencyKeysJob.RecurringJobId,
            DispatchLettersJob.RecurringJobId, PollMailboxJob.RecurringJobId,
        ];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(configuration.GetValue("Jobs:RegistrationMinutes", 5)), clock);
        do
        {
            try
            {
                Register();
            }
            catch (Exception failure) when (failure is not OperationCanceledException)
            {
                // The database may be down for a while; the next tick tries again, and the jobs already registered still run.
                logger.LogWarning(failure, "Registering the recurring jobs failed; trying again at the next tick");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private void Register()
    {
        jobs.AddOrUpdate<SweepDeadlinesJob>(SweepDeadlinesJob.RecurringJobId, job => job.RunAsync(CancellationToken.None),
            configuration["Jobs:SweepCron"] ?? Cron.Minutely());
        jobs.AddOrUpdate<DispatchWebhooksJob>(DispatchWebhooksJob.RecurringJobId, job => job.RunAsync(CancellationToken.None),
            // Every 5 seconds: the specification's first attempt is "immediately", and its first retry comes after 5 s.
            configuration["Jobs:WebhookCron"] ?? "*/5 * * * * *");
        jobs.AddOrUpdate<DispatchLettersJob>(DispatchLettersJob.RecurringJobId, job => job.RunAsync(CancellationToken.None),
            // Every 5 seconds: a letter sent by e-mail goes out at once, and the first pause after a failure is counted from then.
            configuration["Jobs:MailCron"] ?? "*/5 * * * * *");
        jobs.AddOrUpdate<PurgeIdempotencyKeysJob>(PurgeIdempotencyKeysJob.RecurringJobId, job => job.RunAsync(CancellationToken.None),
            configuration["Jobs:IdempotencyPurgeCron"] ?? Cron.Hourly());
        // Every 30 seconds: each organisation's own interval (1 to 60 minutes) decides when its mailbox is due.
        jobs.AddOrUpdate<PollMailboxJob>(PollMailboxJob.RecurringJobId, job => job.RunAsync(CancellationToken.None),
            configuration["Jobs:MailPollCron"] ?? "*/30 * * * * *");
    }
}
