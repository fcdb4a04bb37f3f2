using CaseApi.Infrastructure.Auth;
using MediatR;

namespace CaseApi.Features.Webhooks;

/// <summary>
/// The recurring webhook dispatcher: claims a batch (<see cref="DispatchWebhooks.Command"/>, committed), sends each
/// delivery outside any transaction, and records each answer (<see cref="RecordWebhookAttempt.Command"/>) in a scope
/// and transaction of its own; batch after batch until nothing is due. Running it twice, or on several workers at
/// once, is harmless: the claim skips locked rows and the record counts each attempt once.
/// </summary>
public sealed class DispatchWebhooksJob(IServiceScopeFactory scopes, WebhookSender sender, IConfiguration configuration, ILogger<DispatchWebhooksJob> logger)
{
    public const string RecurringJobId = "webhook-dispatch";

    public async Task RunAsync(CancellationToken ct)
    {
        var batchSize = configuration.GetValue("Jobs:WebhookBatchSize", DispatchWebhooks.DefaultBatchSize);
        var parallelism = configuration.GetValue("Jobs:WebhookParallelism", 8);
        while (!ct.IsCancellationRequested)
        {
            IReadOnlyList<DispatchWebhooks.Outgoing> claimed;
            await using (var scope = scopes.CreateAsyncScope())
            {
                claimed = await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new DispatchWebhooks.Command(batchSize), ct);
            }

            if (claimed.Count == 0)
            {
                return;
            }

            var outcomes = new System.Collections.Concurrent.ConcurrentBag<RecordWebhookAttempt.Outcome>();
            await Parallel.ForEachAsync(claimed, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = ct }, async (delivery, token) =>
            {
                var attempt = await sender.SendAsync(delivery, token);
                await using var scope = scopes.CreateAsyncScope();
                scope.ServiceProvider.GetRequiredService<CallerContext>().ActFor(delivery.OrganisationId);
                outcomes.Add(await scope.ServiceProvider.GetRequiredService<IMediator>().Send(attempt, token));
            });
            logger.LogInformation("Webhooks: {Claimed} attempted, {Delivered} delivered, {Retrying} to retry, {Abandoned} abandoned, {Disabled} webhooks turned off",
                claimed.Count, outcomes.Count(o => o == RecordWebhookAttempt.Outcome.Delivered), outcomes.Count(o => o == RecordWebhookAttempt.Outcome.Retrying),
                outcomes.Count(o => o == RecordWebhookAttempt.Outcome.Abandoned), outcomes.Count(o => o == RecordWebhookAttempt.Outcome.WebhookDisabled));
        }
    }
}
