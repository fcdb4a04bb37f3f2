using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Mediation;
using CaseApi.Infrastructure.Secrets;
using MediatR;

namespace CaseApi.Features.Webhooks;

/// <summary>
/// Encrypts the webhook secrets stored in plain text before secrets were encrypted (issue 11): migration 0015 listed
/// them, ids only, in <c>jobs.plaintext_webhook_secrets</c>. Every process runs it at start; once the list is empty it
/// costs one query. A secret encrypted in the meantime (rotated, or by another process) is left as it is.
/// </summary>
public static class EncryptPlaintextWebhookSecrets
{
    public sealed record Command : ICommand<int>;

    private sealed record Listed(Guid WebhookId, Guid OrganisationId);

    private sealed record Stored(Guid Id, string Secret);

    internal sealed class Handler(DbSession db, SecretProtector secrets) : IRequestHandler<Command, int>
    {
        public async Task<int> Handle(Command cmd, CancellationToken ct)
        {
            var listed = await db.QueryAsync<Listed>(
                "DELETE FROM jobs.plaintext_webhook_secrets RETURNING webhook_id, organisation_id", ct: ct);
            var encrypted = 0;
            foreach (var organisation in listed.GroupBy(l => l.OrganisationId))
            {
                await db.EnterOrganisationAsync(organisation.Key, ct);
                var plain = (await db.QueryAsync<Stored>(
                        "SELECT id, secret FROM webhooks WHERE organisation_id = current_organisation_id() AND id = ANY (@ids) FOR UPDATE",
                        new { ids = organisation.Select(l => l.WebhookId).ToArray() }, ct))
                    .Where(w => !SecretProtector.IsProtected(w.Secret));
                foreach (var webhook in plain)
                {
                    encrypted += await db.ExecuteAsync(
                        "UPDATE webhooks SET secret = @stored WHERE organisation_id = current_organisation_id() AND id = @Id",
                        new { webhook.Id, stored = secrets.Protect(webhook.Secret) }, ct);
                }
            }

            return encrypted;
        }
    }

    /// <summary>Runs the command once the database is migrated, before the process takes requests or sends deliveries.</summary>
    internal sealed class AtStart(DatabaseRuntime database, IServiceScopeFactory scopes) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            await database.InitialiseAsync(cancellationToken);
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new Command(), cancellationToken);
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
