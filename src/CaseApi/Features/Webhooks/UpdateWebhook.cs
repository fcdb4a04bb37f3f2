using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Json;
using CaseApi.Infrastructure.Mediation;
using FluentValidation;
using MediatR;

namespace CaseApi.Features.Webhooks;

public static class UpdateWebhook
{
    /// <summary>The fields to change (JSON Merge Patch): a field left out stays as it is.</summary>
    public sealed record Body
    {
        /// <summary>Where to post.</summary>
        public Optional<string> Url { get; init; }

        /// <summary>The event types to deliver (replaces the list); empty or <c>null</c> for all.</summary>
        public Optional<IReadOnlyList<string>?> EventTypes { get; init; }

        /// <summary>Whether to deliver. Turning a webhook on again clears why CaseApi turned it off.</summary>
        public Optional<bool> Enabled { get; init; }
    }

    public sealed record Command(Guid Id, int? ExpectedVersion, Body Changes) : ICommand<WebhookDto>;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator(WebhookAddresses addresses)
        {
            When(c => c.Changes.Url.IsSet, () => RuleFor(c => c.Changes.Url.Value).NotEmpty().MaximumLength(2000).IsWebhookUrl(addresses));
            RuleFor(c => c.Changes.EventTypes.Value).AreEventTypes();
        }
    }

    internal sealed class Handler(DbSession db, TimeProvider clock) : IRequestHandler<Command, WebhookDto>
    {
        public async Task<WebhookDto> Handle(Command cmd, CancellationToken ct)
        {
            var current = await db.QuerySingleOrDefaultAsync<WebhookDto>(
                $"SELECT {WebhookDto.Columns} FROM webhooks WHERE id = @Id AND organisation_id = current_organisation_id() FOR UPDATE", new { cmd.Id }, ct)
                ?? throw new NotFoundException("webhook", cmd.Id);
            EntityTags.Require(cmd.ExpectedVersion, current.Version, "webhook", cmd.Id);

            var changes = cmd.Changes;
            var enabled = changes.Enabled.Or(current.Enabled);
            return await db.QuerySingleAsync<WebhookDto>($"""
                UPDATE webhooks SET
                    url = @url, event_types = @eventTypes, enabled = @enabled,
                    disabled_reason = CASE WHEN @enabled THEN NULL ELSE disabled_reason END,
                    failing_since = CASE WHEN @enabled AND NOT enabled THEN NULL ELSE failing_since END,
                    version = version + 1, updated_at = @now
                WHERE id = @id AND organisation_id = current_organisation_id()
                RETURNING {WebhookDto.Columns}
                """,
                new
                {
                    id = cmd.Id, url = changes.Url.Or(current.Url),
                    eventTypes = (changes.EventTypes.IsSet ? changes.EventTypes.Value ?? [] : current.EventTypes).Distinct().ToArray(),
                    enabled, now = clock.GetUtcNow(),
                },
                ct);
        }
    }

    internal static void Map(RouteGroupBuilder webhooks) => webhooks.MapVersionedChange(HttpMethods.Patch, "{id}", (Guid id, int? version, Body body) => new Command(id, version, body))
        .WithName("UpdateWebhook")
        .WithSummary("Change a webhook")
        .WithDescription("JSON Merge Patch of `url`, `eventTypes` and `enabled`. Requires `If-Match` with the ETag of your last read (428 without it, 412 when someone changed it since). Events that happen while a webhook is off are not delivered later.")
        .Produces<WebhookDto>();
}
