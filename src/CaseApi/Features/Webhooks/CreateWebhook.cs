using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Mediation;
using CaseApi.Infrastructure.Secrets;
using FluentValidation;
using MediatR;

namespace CaseApi.Features.Webhooks;

public static class CreateWebhook
{
    /// <summary>A URL to post the organisation's events to.</summary>
    public sealed record Command : ICommand<WebhookWithSecretDto>, IHasSecretResponse
    {
        /// <summary>Where to post: https, on a public address.</summary>
        /// <example>https://cases.example.org/caseapi-webhook</example>
        public required string Url { get; init; }

        /// <summary>The event types to deliver; leave it out or empty for all.</summary>
        /// <example>["letter.sent", "deadline.missed"]</example>
        public IReadOnlyList<string>? EventTypes { get; init; }

        /// <summary>Whether to deliver at once; true when left out.</summary>
        public bool? Enabled { get; init; }
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator(WebhookAddresses addresses)
        {
            RuleFor(c => c.Url).NotEmpty().MaximumLength(2000).IsWebhookUrl(addresses);
            RuleFor(c => c.EventTypes).AreEventTypes();
        }
    }

    internal sealed class Handler(DbSession db, CallerContext caller, SecretProtector secrets, TimeProvider clock) : IRequestHandler<Command, WebhookWithSecretDto>
    {
        public async Task<WebhookWithSecretDto> Handle(Command cmd, CancellationToken ct)
        {
            var now = clock.GetUtcNow();
            var secret = WebhookSecret.Generate();
            var webhook = await db.QuerySingleAsync<WebhookDto>($"""
                INSERT INTO webhooks (id, organisation_id, url, event_types, enabled, secret, created_at, updated_at)
                VALUES (@id, @organisationId, @Url, @eventTypes, @enabled, @stored, @now, @now)
                RETURNING {WebhookDto.Columns}
                """,
                new
                {
                    id = Guid.CreateVersion7(now), organisationId = caller.RequiredOrganisationId, cmd.Url,
                    eventTypes = (cmd.EventTypes ?? []).Distinct().ToArray(), enabled = cmd.Enabled ?? true, stored = secrets.Protect(secret), now,
                },
                ct);
            return new WebhookWithSecretDto(webhook, secret);
        }
    }

    internal static void Map(RouteGroupBuilder webhooks) => webhooks.MapPost("", async (Command cmd, IMediator mediator, HttpContext http, CancellationToken ct) =>
        {
            var created = await mediator.Send(cmd, ct);
            http.Response.Headers.ETag = Infrastructure.Http.EntityTags.Of(created.Webhook.Version);
            return Results.Created($"/v1/webhooks/{created.Webhook.Id}", created);
        })
        .WithName("CreateWebhook")
        .WithSummary("Create a webhook")
        .WithDescription("""
            Posts the organisation's events to `url` as they happen: a JSON body `{ "id", "type", "timestamp", "data" }`
            (`data` is the resource as the API returned it), signed as [Standard Webhooks](https://www.standardwebhooks.com)
            specifies (`webhook-id`, `webhook-timestamp`, `webhook-signature`) with the `secret` in the response, which is
            shown this once. Only a 2xx answer within 15 seconds counts as delivered; otherwise CaseApi retries with the same
            `webhook-id` after 5 seconds, 5 and 30 minutes, 2, 5, 10, 14, 20 and 24 hours (or when `Retry-After` says), then
            gives up. A 410 answer turns the webhook off, and so do three days of failures. `url` must be https on a public
            address.
            """)
        .Produces<WebhookWithSecretDto>(StatusCodes.Status201Created);
}
