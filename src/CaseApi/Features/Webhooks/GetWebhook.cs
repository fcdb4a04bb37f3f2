using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Mediation;
using MediatR;

namespace CaseApi.Features.Webhooks;

public static class GetWebhook
{
    public sealed record Query(Guid Id) : IQuery<WebhookDto>;

    internal sealed class Handler(DbSession db) : IRequestHandler<Query, WebhookDto>
    {
        public async Task<WebhookDto> Handle(Query query, CancellationToken ct) =>
            await db.QuerySingleOrDefaultAsync<WebhookDto>($"SELECT {WebhookDto.Columns} FROM webhooks WHERE id = @Id AND organisation_id = current_organisation_id()", query, ct)
            ?? throw new NotFoundException("webhook", query.Id);
    }

    internal static void Map(RouteGroupBuilder webhooks) => webhooks.MapGet("{id}", async (Guid id, IMediator mediator, HttpContext http, CancellationToken ct) =>
            EntityTags.Ok(http, await mediator.Send(new Query(id), ct)))
        .WithName("GetWebhook")
        .WithSummary("Get a webhook")
        .WithDescription("One webhook, without its secret, with its `ETag` for a later PATCH.")
        .Produces<WebhookDto>();
}
