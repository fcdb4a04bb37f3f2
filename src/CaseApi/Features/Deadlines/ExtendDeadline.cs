using CaseApi.Features.Events;
using CaseApi.Features.Timeline;
using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Json;
using CaseApi.Infrastructure.Mediation;
using FluentValidation;
using MediatR;

namespace CaseApi.Features.Deadlines;

public static class ExtendDeadline
{
    /// <summary>A later deadline: a new last day, or a further period counted from the current one's end (BGB § 190).</summary>
    public sealed record Body
    {
        /// <summary>The new last day. Like any day set for a reply it moves off a weekend or public holiday (BGB § 193) unless <c>rollOver</c> is false.</summary>
        public DateOnly? DueDate { get; init; }

        /// <summary>
        /// A further ISO 8601 period, counted from the end of the current period as computed, before a weekend or holiday
        /// moved it (BGB § 190); e.g. P2M for the one extension GDPR Art. 12(3) allows.
        /// </summary>
        /// <example>P2M</example>
        public string? Period { get; init; }

        /// <summary>False keeps a <c>dueDate</c> on a weekend or holiday as given, for a day chosen on purpose; the computation says so. Default true.</summary>
        public bool? RollOver { get; init; }

        /// <summary>Why, for the timeline.</summary>
        /// <example>The controller extended the period by two months, citing the number of requests (Art. 12(3) sentence 2).</example>
        public required string Reason { get; init; }
    }

    public sealed record Command(Guid Id, int? ExpectedVersion, Body Extension) : ICommand<DeadlineDto>;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.Extension.Reason).NotEmpty().IsShortText(2000);
            RuleFor(c => c.Extension.Period).Must(p => p is null || DeadlinePeriod.TryParse(p, out _))
                .WithMessage("Must be an ISO 8601 period, e.g. P14D or P2M.");
            RuleFor(c => c.Extension).Must(e => (e.DueDate is null) != (e.Period is null))
                .WithMessage("Give a new dueDate or a period, one of them.").OverridePropertyName("period");
            RuleFor(c => c.Extension.RollOver).Null().When(c => c.Extension.DueDate is null)
                .WithMessage("Only a dueDate rolls over; a period's end always moves off a weekend or holiday.");
        }
    }

    internal sealed class Handler(DbSession db, DeadlineKeeper keeper, TimelineWriter timeline, EventWriter events, TimeProvider clock) : IRequestHandler<Command, DeadlineDto>
    {
        public async Task<DeadlineDto> Handle(Command cmd, CancellationToken ct)
        {
            var row = await DeadlineReader.LoadRowAsync(db, cmd.Id, ct, forUpdate: true) ?? throw new NotFoundException("deadline", cmd.Id);
            var current = row.ToDto();
            DeadlineTransitions.Require(current, cmd.ExpectedVersion, "extended");
            var rule = DeadlineRuleCatalogue.Get(row.Rule);
            RequireExtendable(rule);
            // An authority's own duty keeps the authority's calendar when extended (Reg. 1182/71 Art. 2(1)).
            var rules = rule.Calendar == RuleCalendar.Authority && current.DpaId is { } dpaId ? await keeper.RulesForDpaAsync(dpaId, ct) : await keeper.RulesAsync(ct);
            DeadlinePeriod.TryParse(cmd.Extension.Period, out var period);
            // A date is checked before computing from it: one before the deadline's start is no date to compute from.
            var extended = cmd.Extension.DueDate is { } date
                ? date > current.DueDate && DeadlineCalendar.IsWithinTenYears(current.DueDate, date)
                    ? rules.FromDate(DeadlineKeeper.InstantOf(current.StartsOn), date, cmd.Extension.RollOver ?? true) : null
                : rules.Extend(row.Computed(), period!, rule.Counting);
            if (extended is null || extended.DueDate <= current.DueDate)
            {
                throw new FluentValidation.ValidationException([new("dueDate", $"An extension ends after the current last day, {current.DueDate:yyyy-MM-dd}, and within ten years of it.")]);
            }

            if (current.Kind == DeadlineKind.DataSubjectRequest)
            {
                DataSubjectRequestDeadline.CheckExtension(row, extended, rules, clock.GetUtcNow());
            }

            RequireWithinMaximum(rule, row, extended, rules);

            var moved = await keeper.MoveAsync(cmd.Id, extended, $"{current.Computation} Extended: {extended.Computation}", extension: true, period?.ToString(), ct);
            await timeline.AppendAsync(current.CaseId, "deadline.extended", $"Deadline extended from {current.DueDate:yyyy-MM-dd} to {extended.DueDate:yyyy-MM-dd}.",
                "deadline", cmd.Id, details: new { from = current.DueDate, to = extended.DueDate, cmd.Extension.Reason }, ct: ct);
            var dto = moved.ToDto();
            await events.AppendAsync("deadline.extended", "deadline", cmd.Id, dto, ct);
            return dto;
        }
    }

    // ZPO § 224(1), (2): a Notfrist is never extended (§ 517 names the appeal period one); periods the law fixes without an
    // extension (VwGO § 74, ZPO § 929(2), VDuG § 46, UWG § 11) cannot be moved by recording one either.
    private static void RequireExtendable(DeadlineRule rule)
    {
        if (!rule.Extendable)
        {
            throw new ConflictException("extension_not_allowed",
                rule.Notfrist
                    ? $"{rule.Basis}: a Notfrist, which cannot be extended (ZPO § 224(1), (2)); only reinstatement (ZPO § 233) helps once it is missed."
                    : $"{rule.Basis}: the period cannot be extended.",
                new Dictionary<string, object?> { ["rule"] = rule.Basis, ["ruleCode"] = rule.Code, ["reason"] = rule.Notfrist ? "notfrist" : "not_extendable" });
        }
    }

    // A rule that allows one extension of at most a given length (Reg. (EU) 2025/2518 Art. 12: once, by up to twelve months): the bound counts
    // from the end as computed before a weekend or holiday moved it, as the extension itself does.
    private static void RequireWithinMaximum(DeadlineRule rule, DeadlineRow current, ComputedDeadline extended, DeadlineRules rules)
    {
        if (!DeadlinePeriod.TryParse(rule.MaxExtension, out var maximum))
        {
            return;
        }

        var longest = rules.Extend(current.Computed(), maximum, rule.Counting);
        var (reason, detail) =
            current.ExtendedAt is not null ? ("second_extension", $"{rule.Basis} allows one extension, and this deadline was already extended.")
            : extended.DueDate > longest.DueDate ? ("longer_than_maximum",
                $"{rule.Basis} allows an extension of at most {rule.MaxExtension}, to {longest.DueDate:yyyy-MM-dd}; the extension asked for ends on {extended.DueDate:yyyy-MM-dd}.")
            : (null, null);
        if (reason is not null)
        {
            throw new ConflictException("extension_not_allowed", detail!,
                new Dictionary<string, object?> { ["rule"] = rule.Basis, ["ruleCode"] = rule.Code, ["reason"] = reason });
        }
    }

    internal static void Map(RouteGroupBuilder deadlines) => deadlines.MapVersionedChange(HttpMethods.Post, "{id}/extend", (Guid id, int? version, Body body) => new Command(id, version, body))
        .RequireAuthorization(Policies.Write)
        .WithName("ExtendDeadline")
        .WithSummary("Extend a deadline")
        .WithDescription("""
            Moves an open, missed or escalated deadline to a later last day: a date (moved off a weekend or public holiday by BGB § 193
            unless `rollOver` is false), or a period counted from the end of the current period as computed, before a weekend or holiday
            moved it (BGB § 190; the new end rolls forward as for any period). A `data_subject_request` deadline takes one extension of at
            most two further months, recorded before its first month ends (GDPR Art. 12(3)); anything else is a 409
            `extension_not_allowed` naming the rule and the `reason` (`second_extension`, `after_deadline`, `longer_than_two_months`). A rule
            of the catalogue that is not extendable is a 409 `extension_not_allowed` too, with `ruleCode` and `reason` `notfrist` (ZPO § 517:
            never extended, ZPO § 224) or `not_extendable`; a rule with a `maxExtension` (Reg. (EU) 2025/2518 Art. 12: once, by at most twelve
            months) answers a second extension or a longer one with `reason` `second_extension` or `longer_than_maximum`.
            On the timeline with the reason. Requires `If-Match`.
            """)
        .Produces<DeadlineDto>();
}

/// <summary>The checks every change of a deadline makes first.</summary>
internal static class DeadlineTransitions
{
    private static readonly DeadlineStatus[] Changeable = [DeadlineStatus.Open, DeadlineStatus.Missed, DeadlineStatus.Escalated];

    public static void Require(DeadlineDto current, int? expectedVersion, string change)
    {
        EntityTags.Require(expectedVersion, current.Version, "deadline", current.Id);

        if (!Changeable.Contains(current.Status))
        {
            throw new ConflictException("deadline_closed", $"A {SnakeCase.From(current.Status)} deadline cannot be {change}.",
                new Dictionary<string, object?> { ["deadlineStatus"] = SnakeCase.From(current.Status) });
        }
    }
}
