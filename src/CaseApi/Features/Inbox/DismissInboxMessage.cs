using CaseApi.Features.Events;
using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Mediation;
using FluentValidation;
using MediatR;

namespace CaseApi.Features.Inbox;

public static class DismissInboxMessage
{
    /// <summary>Why a message of the inbox belongs to no case.</summary>
    public sealed record Dismissal
    {
        /// <summary>Why, for whoever looks at it later.</summary>
        /// <example>Newsletter, not about any case.</example>
        public string? Reason { get; init; }

        public sealed class Validator : AbstractValidator<Dismissal>
        {
            public Validator()
            {
                RuleFor(d => d.Reason).NotEmpty().MaximumLength(2000).When(d => d.Reason is not null);
            }
        }
    }

    public sealed record Command(Guid Id, int? ExpectedVersion, Dismissal Dismissal) : ICommand<InboxMessageDto>;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator() => RuleFor(c => c.Dismissal).SetValidator(new Dismissal.Validator());
    }

    internal sealed class Handler(DbSession db, EventWriter events, TimeProvider clock) : IRequestHandler<Command, InboxMessageDto>
    {
        public async Task<InboxMessageDto> Handle(Command cmd, CancellationToken ct)
        {
            await InboxTriage.LockNewAsync(db, cmd.Id, cmd.ExpectedVersion, ct);
            await db.ExecuteAsync("""
                UPDATE inbox_messages SET status = 'dismissed', dismissed_reason = @Reason, version = version + 1, updated_at = @now
                WHERE organisation_id = current_organisation_id() AND id = @Id
                """, new { cmd.Dismissal.Reason, now = clock.GetUtcNow(), cmd.Id }, ct);
            var dismissed = (await InboxMessageDto.LoadAsync(db, cmd.Id, ct))!;
            await events.AppendAsync("inbox_message.dismissed", "inbox_message", cmd.Id, dismissed, ct);
            return dismissed;
        }
    }

    internal static void Map(RouteGroupBuilder inbox) => inbox.MapVersionedChange(HttpMethods.Post, "{id}/dismiss", (Guid id, int? version, Dismissal body) => new Command(id, version, body))
        .RequireAuthorization(Policies.Write)
        .WithName("DismissInboxMessage")
        .WithSummary("Set a message of the inbox aside")
        .WithDescription("""
            Marks the message `dismissed`, with an optional reason: it belongs to no case. It stays in the inbox (filter `status=dismissed`) with
            its original. 409 `inbox_message_not_new` when it was assigned or dismissed before. Requires `If-Match`.
            """)
        .Produces<InboxMessageDto>();
}
