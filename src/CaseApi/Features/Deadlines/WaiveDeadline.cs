using CaseApi.Features.Events;
using CaseApi.Features.Timeline;
using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Mediation;
using FluentValidation;
using MediatR;

namespace CaseApi.Features.Deadlines;

public static class WaiveDeadline
{
    /// <summary>Why the deadline no longer matters.</summary>
    public sealed record Body
    {
        /// <summary>The reason, for the timeline.</summary>
        /// <example>Settled by telephone on 12 May 2025.</example>
        public required string Reason { get; init; }
    }

    public sealed record Command(Guid Id, int? ExpectedVersion, Body Waiver) : ICommand<DeadlineDto>;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator() => RuleFor(c => c.Waiver.Reason).NotEmpty().IsShortText(2000);
    }

    internal sealed class Handler(DbSession db, TimelineWriter timeline, EventWriter events, TimeProvider clock) : IRequestHandler<Command, DeadlineDto>
    {
        public async Task<DeadlineDto> Handle(Command cmd, CancellationToken ct)
        {
            var current = await DeadlineReader.LoadAsync(db, cmd.Id, ct, forUpdate: true) ?? throw new NotFoundException("deadline", cmd.Id);
            DeadlineTransitions.Require(current, cmd.ExpectedVersion, "waived");
            var row = await db.QuerySingleAsync<DeadlineRow>($"""
                UPDATE deadlines SET status = 'waived', waived_reason = @Reason, version = version + 1, updated_at = @now
                WHERE id = @id AND organisation_id = current_organisation_id()
                RETURNING {DeadlineRow.Columns}
                """, new { id = cmd.Id, cmd.Waiver.Reason, now = clock.GetUtcNow() }, ct);
            await timeline.AppendAsync(current.CaseId, "deadline.waived", $"Deadline of {current.DueDate:yyyy-MM-dd} waived.", "deadline", cmd.Id,
                details: new { cmd.Waiver.Reason }, ct: ct);
            var dto = row.ToDto();
            await events.AppendAsync("deadline.waived", "deadline", cmd.Id, dto, ct);
            return dto;
        }
    }

    internal static void Map(RouteGroupBuilder deadlines) => deadlines.MapVersionedChange(HttpMethods.Post, "{id}/waive", (Guid id, int? version, Body body) => new Command(id, version, body))
        .RequireAuthorization(Policies.Write)
        .WithName("WaiveDeadline")
        .WithSummary("Waive a deadline")
        .WithDescription("Marks an open, missed or escalated deadline as no longer needed, with the reason; escalation stops. Requires `If-Match`.")
        .Produces<DeadlineDto>();
}
