using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Mediation;
using CaseApi.Infrastructure.Secrets;
using MediatR;

namespace CaseApi.Features.Webhooks;

public static class RotateWebhookSecret
{
    public sealed record Command(Guid Id) : ICommand<WebhookWithSecretDto>, IHasSecretResponse;

    internal sealed class Handler(DbSession db, SecretProtector secrets, TimeProvider clock) : IRequestHandler<Command, WebhookWithSecretDto>
    {
        public async Task<WebhookWithSecretDto> Handle(Command cmd, CancellationToken ct)
        {
            var secret = WebhookSecret.Generate();
            var webhook = await db.QuerySingleOrDefaultAsync<WebhookDto>($"""
                UPDATE webhooks SET secret = @stored, version = version + 1, updated_at = @now
                WHERE id = @id AND organisation_id = current_organisation_id()
                RETURNING {WebhookDto.Columns}
                """, new { id = cmd.Id, stored = secrets.Protect(secret), now = clock.GetUtcNow() }, ct)
                ?? throw new NotFoundException("webhook", cmd.Id);
            return new WebhookWithSecretDto(webhook, secret);
        }
    }

    internal static void Map(RouteGroupBuilder webhooks) => webhooks.MapPost("{id}/rotate-secret", async (Guid id, IMediator mediator, HttpContext http, CancellationToken ct) =>
        {
            var rotated = await mediator.Send(new Command(id), ct);
            http.Response.Headers.ETag = EntityTags.Of(rotated.Webhook.Version);
            return Results.Ok(rotated);
        })
        .WithName("RotateWebhookSecret")
        .WithSummary("Replace a webhook's signing secret")
        .WithDescription("Signs every delivery from now on, retries included, with a new secret, shown this once in the response. The old secret stops at once.")
        .Produces<WebhookWithSecretDto>();
}
