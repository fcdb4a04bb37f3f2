using CaseApi.Features.Events;
using CaseApi.Features.Timeline;
using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Json;
using CaseApi.Infrastructure.Mediation;
using FluentValidation;
using MediatR;
using Microsoft.AspNetCore.Mvc;

namespace CaseApi.Features.Deadlines;

public static class ExtendDeadline
{
    /// <summary>A later deadline: a new last day, or a further period counted from the current last day.</summary>
    public sealed record Body
    {
        /// <summary>The new last day.</summary>
        public DateOnly? DueDate { get; init; }

        /// <summary>A further ISO 8601 period from the current last day; e.g. P2M for the extension GDPR Art. 12(3) allows.</summary>
        /// <example>P2M</example>
        public string? Period { get; init; }

        /// <summary>Why, for the timeline.</summary>
        /// <example>The controller extended the period by two months, citing the number of requests (Art. 12(3) sentence 2).</example>
        public required string Reason { get; init; }
    }

    public sealed record Command(Guid Id, int ExpectedVersion, Body Extension) : ICommand<DeadlineDto>;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.Extension.Reason).NotEmpty().IsShortText(2000).OverridePropertyName("reason");
            RuleFor(c => c.Extension.Period).Must(p => p is null || DeadlinePeriod.TryParse(p, out _))
                .WithMessage("Must be an ISO 8601 period, e.g. P14D or P2M.").OverridePropertyName("period");
            RuleFor(c => c.Extension).Must(e => (e.DueDate is null) != (e.Period is null))
                .WithMessage("Give a new dueDate or a period, one of them.").OverridePropertyName("period");
        }
    }

    internal sealed class Handler(DbSession db, DeadlineKeeper keeper, TimelineWriter timeline, EventWriter events, TimeProvider clock) : IRequestHandler<Command, DeadlineDto>
    {
        public async Task<DeadlineDto> Handle(Command cmd, CancellationToken ct)
        {
            var current = await DeadlineReader.LoadAsync(db, cmd.Id, ct, forUpdate: true) ?? throw new NotFoundException("deadline", cmd.Id);
            DeadlineTransitions.Require(current, cmd.ExpectedVersion, "extended");
            var rules = await keeper.RulesAsync(ct);
            var existing = new ComputedDeadline(current.StartsOn, current.DueDate, current.DueAt, current.Computation);
            DeadlinePeriod.TryParse(cmd.Extension.Period, out var period);
            // A date is checked before computing from it: one before the deadline's start is no date to compute from.
            var extended = cmd.Extension.DueDate is { } date
                ? date > current.DueDate && DeadlineCalendar.IsWithinTenYears(current.DueDate, date) ? rules.FromDate(DeadlineKeeper.InstantOf(current.StartsOn), date) : null
                : rules.Extend(existing, period!);
            if (extended is null || extended.DueDate <= current.DueDate)
            {
                throw new FluentValidation.ValidationException([new("dueDate", $"An extension ends after the current last day, {current.DueDate:yyyy-MM-dd}, and within ten years of it.")]);
            }

            var now = clock.GetUtcNow();
            var row = await db.QuerySingleAsync<DeadlineRow>($"""
                UPDATE deadlines SET due_date = @dueDate, due_at = @dueAt, computation = @computation,
                    status = CASE WHEN @dueAt > @now THEN 'open' ELSE 'missed' END, version = version + 1, updated_at = @now
                WHERE id = @id AND organisation_id = current_organisation_id()
                RETURNING {DeadlineRow.Columns}
                """,
                new { id = cmd.Id, extended.DueDate, extended.DueAt, computation = $"{current.Computation} Extended: {extended.Computation}", now }, ct);
            await timeline.AppendAsync(current.CaseId, "deadline.extended", $"Deadline extended from {current.DueDate:yyyy-MM-dd} to {extended.DueDate:yyyy-MM-dd}.",
                "deadline", cmd.Id, details: new { from = current.DueDate, to = extended.DueDate, cmd.Extension.Reason }, ct: ct);
            var dto = row.ToDto();
            await events.AppendAsync("deadline.extended", "deadline", cmd.Id, dto, ct);
            return dto;
        }
    }

    internal static void Map(RouteGroupBuilder deadlines) => deadlines.MapPost("{id:guid}/extend", async (Guid id, Body body, [FromHeader(Name = "If-Match")] string? ifMatch, IMediator mediator, HttpContext http, CancellationToken ct) =>
            EntityTags.Ok(http, await mediator.Send(new Command(id, EntityTags.RequiredVersion(ifMatch), body), ct)))
        .RequireAuthorization(Policies.Write)
        .WithName("ExtendDeadline")
        .WithSummary("Extend a deadline")
        .WithDescription("Moves an open, missed or escalated deadline to a later last day: a date, or a period from the current last day (weekends and holidays roll forward as for any period). On the timeline with the reason. Requires `If-Match`.")
        .Produces<DeadlineDto>();
}

/// <summary>The checks every change of a deadline makes first.</summary>
internal static class DeadlineTransitions
{
    private static readonly DeadlineStatus[] Changeable = [DeadlineStatus.Open, DeadlineStatus.Missed, DeadlineStatus.Escalated];

    public static void Require(DeadlineDto current, int expectedVersion, string change)
    {
        if (current.Version != expectedVersion)
        {
            throw new PreconditionFailedException("deadline", current.Id);
        }

        if (!Changeable.Contains(current.Status))
        {
            throw new ConflictException("deadline_closed", $"A {SnakeCase.From(current.Status)} deadline cannot be {change}.",
                new Dictionary<string, object?> { ["deadlineStatus"] = SnakeCase.From(current.Status) });
        }
    }
}
