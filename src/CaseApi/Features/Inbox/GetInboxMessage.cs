using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Mediation;
using MediatR;

namespace CaseApi.Features.Inbox;

public static class GetInboxMessage
{
    public sealed record Query(Guid Id) : IQuery<InboxMessageDto>;

    internal sealed class Handler(DbSession db) : IRequestHandler<Query, InboxMessageDto>
    {
        public async Task<InboxMessageDto> Handle(Query query, CancellationToken ct) =>
            await InboxMessageDto.LoadAsync(db, query.Id, ct) ?? throw new NotFoundException("inbox message", query.Id);
    }

    internal static void Map(RouteGroupBuilder inbox) => inbox.MapGet("{id}", async (Guid id, IMediator mediator, HttpContext http, CancellationToken ct) =>
            EntityTags.Ok(http, await mediator.Send(new Query(id), ct)))
        .WithName("GetInboxMessage")
        .WithSummary("Get a message of the inbox")
        .WithDescription("One message, with its ETag for assigning or dismissing it. The message itself is at `GET /v1/inbox/{id}/original`.")
        .Produces<InboxMessageDto>();
}
