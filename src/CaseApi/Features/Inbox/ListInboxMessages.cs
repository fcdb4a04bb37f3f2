using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Json;
using CaseApi.Infrastructure.Mediation;
using FluentValidation;
using MediatR;

namespace CaseApi.Features.Inbox;

public static class ListInboxMessages
{
    public sealed record Query(int Limit, string? Cursor, string? Status) : IQuery<Page<InboxMessageDto>>;

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator()
        {
            RuleFor(q => q.Limit).IsPageSize();
            RuleFor(q => q.Cursor).IsCursorOf<Query, Guid>();
            RuleFor(q => q.Status).IsNameOf<Query, InboxStatus>();
        }
    }

    internal sealed class Handler(DbSession db) : IRequestHandler<Query, Page<InboxMessageDto>>
    {
        public async Task<Page<InboxMessageDto>> Handle(Query query, CancellationToken ct)
        {
            Infrastructure.Json.Cursor.TryDecode<Guid>(query.Cursor, out var after);
            // Version-7 ids grow with the time the poller filed the message: the id alone is a stable keyset.
            var rows = await db.QueryAsync<InboxMessageDto>($"""
                SELECT {InboxMessageDto.Columns} FROM inbox_messages
                WHERE organisation_id = current_organisation_id() AND (@after::uuid IS NULL OR id > @after) AND (@status::text IS NULL OR status = @status)
                ORDER BY id
                LIMIT @take
                """, new { after = string.IsNullOrEmpty(query.Cursor) ? (Guid?)null : after, status = query.Status, take = query.Limit + 1 }, ct);
            return Infrastructure.Json.Cursor.ToPage(rows, query.Limit, r => r.Id);
        }
    }

    internal static void Map(RouteGroupBuilder inbox) => inbox.MapGet("", (IMediator mediator, CancellationToken ct, int? limit, string? cursor, string? status) =>
            mediator.Send(new Query(limit ?? Infrastructure.Json.Cursor.DefaultLimit, cursor, status), ct))
        .WithName("ListInboxMessages")
        .WithSummary("List the messages of the inbox")
        .WithDescription("""
            Messages from the organisation's mailbox that the poller could not file in a case, oldest first: those that name no case of the
            organisation (`unmatched`), those that name a case but not who sent them (`sender_unknown`, with `suggestedCaseId`), and those that
            cannot be recorded as a letter as they are (`refused`). `status` (`new`, `assigned`, `dismissed`) filters; an unknown value is a 400.
            """);
}
