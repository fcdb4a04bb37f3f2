using System.Text.Json;
using CaseApi.Features.Correspondence;
using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Json;
using CaseApi.Infrastructure.Mediation;
using FluentValidation;
using MediatR;

namespace CaseApi.Features.Deadlines;

/// <summary>What happens when a deadline of one kind of letter passes.</summary>
public sealed record EscalationRule
{
    /// <summary>Draft a reminder to the same counterparty when the deadline is missed (level 1).</summary>
    /// <example>true</example>
    public required bool Remind { get; init; }

    /// <summary>Escalate the case when the reminder's own deadline is missed too (level 2).</summary>
    /// <example>true</example>
    public required bool Escalate { get; init; }

    /// <summary>The next step the case is escalated with.</summary>
    /// <example>Apply to court for an injunction.</example>
    public required string Recommendation { get; init; }
}

/// <summary>An organisation's escalation policy: when to warn, how long reminders give, and what each kind of letter escalates to.</summary>
public sealed record EscalationPolicyDto : IVersioned
{
    /// <summary>Warn this many working days before a deadline expires (0: no warning). Counted with the last day, so 3 means "from the start of the third-last working day".</summary>
    /// <example>3</example>
    public int DueSoonWorkingDays { get; init; } = 3;

    /// <summary>The response period a reminder sets when sent without one (ISO 8601).</summary>
    /// <example>P7D</example>
    public string ReminderPeriod { get; init; } = "P7D";

    /// <summary>Per kind of letter (<c>cease_and_desist</c>, <c>data_subject_request</c>, …) or <c>dpa_progress</c> for an authority's GDPR Art. 78(2) period; <c>default</c> for the rest.</summary>
    public required IReadOnlyDictionary<string, EscalationRule> Rules { get; init; }

    /// <summary>Changes with every update; send it back as <c>If-Match</c>.</summary>
    public int Version { get; init; }

    public static EscalationPolicyDto Default { get; } = new()
    {
        Rules = new Dictionary<string, EscalationRule>
        {
            ["cease_and_desist"] = RemindThenEscalate("Apply to court for an injunction (UKlaG § 2, UWG § 8): the defendant did not answer the cease-and-desist letter or the reminder."),
            ["dpa_progress"] = RemindThenEscalate("Bring an action against the supervisory authority for failing to inform the complainant within three months (GDPR Art. 78(2)), or complain about its inaction."),
            ["data_subject_request"] = RemindThenEscalate("Lodge a complaint with the supervisory authority (GDPR Art. 77) or sue the controller (GDPR Art. 79): the request was not answered within the Art. 12(3) period."),
            ["request_for_information"] = RemindThenEscalate("Decide whether to complain to the supervisory authority or to sue for the information."),
            ["default"] = RemindThenEscalate("Review the case: the counterparty let the deadline and the reminder pass. Decide on legal action."),
        },
    };

    private static EscalationRule RemindThenEscalate(string recommendation) => new() { Remind = true, Escalate = true, Recommendation = recommendation };

    public EscalationRule RuleFor(string key) => Rules.TryGetValue(key, out var rule) ? rule : Rules.GetValueOrDefault("default") ?? Default.Rules["default"];

    internal static readonly string[] RuleKeys = [.. Enum.GetValues<LetterType>().Select(SnakeCase.From), "dpa_progress", "default"];
}

internal static class EscalationPolicies
{
    private sealed record Row(string Policy, int Version);

    /// <summary>The current organisation's policy, or the default where it has set none.</summary>
    public static async Task<EscalationPolicyDto> LoadAsync(DbSession db, CancellationToken ct)
    {
        var row = await db.QuerySingleOrDefaultAsync<Row>(
            "SELECT policy::text AS policy, version FROM escalation_policies WHERE organisation_id = current_organisation_id()", ct: ct);
        return row is null
            ? EscalationPolicyDto.Default
            : JsonSerializer.Deserialize<EscalationPolicyDto>(row.Policy, JsonSerializerOptions.Web)! with { Version = row.Version };
    }
}

public static class GetEscalationPolicy
{
    public sealed record Query : IQuery<EscalationPolicyDto>;

    internal sealed class Handler(DbSession db) : IRequestHandler<Query, EscalationPolicyDto>
    {
        public Task<EscalationPolicyDto> Handle(Query query, CancellationToken ct) => EscalationPolicies.LoadAsync(db, ct);
    }

    internal static void Map(RouteGroupBuilder policy) => policy.MapGet("", async (IMediator mediator, HttpContext http, CancellationToken ct) =>
        {
            var current = await mediator.Send(new Query(), ct);
            http.Response.Headers.ETag = EntityTags.Of(current.Version);
            return Results.Ok(current);
        })
        .WithName("GetEscalationPolicy")
        .WithSummary("Get the escalation policy")
        .WithDescription("When deadlines warn, how long reminders give, and what each kind of letter escalates to. Version 0 is the built-in default.")
        .Produces<EscalationPolicyDto>();
}

public static class PutEscalationPolicy
{
    /// <summary>
    /// A whole policy: a PUT replaces it, so every setting is given (a setting left out is a 400 naming it, not the default).
    /// The version is not part of it: it goes in <c>If-Match</c>, as for every other versioned write.
    /// </summary>
    public sealed record Body
    {
        /// <summary>Warn this many working days before a deadline expires (0: no warning). Counted with the last day, so 3 means "from the start of the third-last working day".</summary>
        /// <example>3</example>
        public required int DueSoonWorkingDays { get; init; }

        /// <summary>The response period a reminder sets when sent without one (ISO 8601).</summary>
        /// <example>P7D</example>
        public required string ReminderPeriod { get; init; }

        /// <summary>Per kind of letter (<c>cease_and_desist</c>, <c>data_subject_request</c>, …) or <c>dpa_progress</c> for an authority's GDPR Art. 78(2) period; <c>default</c> for the rest.</summary>
        public required IReadOnlyDictionary<string, EscalationRule> Rules { get; init; }
    }

    public sealed record Command(int? ExpectedVersion, Body Policy) : ICommand<EscalationPolicyDto>;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.Policy.DueSoonWorkingDays).InclusiveBetween(0, 30);
            RuleFor(c => c.Policy.ReminderPeriod).Must(p => DeadlinePeriod.TryParse(p, out _))
                .WithMessage("Must be an ISO 8601 period, e.g. P7D.");
            RuleFor(c => c.Policy.Rules).Must(rules => rules.Keys.All(EscalationPolicyDto.RuleKeys.Contains))
                .WithMessage($"Rules are keyed by one of: {string.Join(", ", EscalationPolicyDto.RuleKeys)}.");
            RuleFor(c => c.Policy.Rules).Must(rules => rules.ContainsKey("default"))
                .WithMessage("A policy needs a 'default' rule for the kinds it does not name.");
            RuleForEach(c => c.Policy.Rules.Values).ChildRules(rule => rule.RuleFor(r => r.Recommendation).NotEmpty().IsShortText(2000))
                .OverridePropertyName("rules");
        }
    }

    internal sealed class Handler(DbSession db, TimeProvider clock) : IRequestHandler<Command, EscalationPolicyDto>
    {
        public async Task<EscalationPolicyDto> Handle(Command cmd, CancellationToken ct)
        {
            var current = await EscalationPolicies.LoadAsync(db, ct);
            EntityTags.Require(cmd.ExpectedVersion, current.Version, "escalation policy", id: null);

            var policy = new EscalationPolicyDto { DueSoonWorkingDays = cmd.Policy.DueSoonWorkingDays, ReminderPeriod = cmd.Policy.ReminderPeriod, Rules = cmd.Policy.Rules };

            var version = await db.QuerySingleAsync<int>("""
                INSERT INTO escalation_policies (organisation_id, policy, version, updated_at)
                VALUES (current_organisation_id(), @policy::jsonb, 1, @now)
                ON CONFLICT (organisation_id) DO UPDATE SET policy = excluded.policy, version = escalation_policies.version + 1, updated_at = excluded.updated_at
                RETURNING version
                """, new { policy = JsonSerializer.Serialize(policy, JsonSerializerOptions.Web), now = clock.GetUtcNow() }, ct);
            return policy with { Version = version };
        }
    }

    internal static void Map(RouteGroupBuilder policy) => policy.MapVersionedChange(HttpMethods.Put, "", (int? version, Body body) => new Command(version, body))
        .RequireAuthorization(Policies.Admin)
        .WithName("PutEscalationPolicy")
        .WithSummary("Replace the escalation policy")
        .WithDescription("Admins set the policy; it applies to deadlines opened from then on (warning times) and to every later escalation. Every setting, and `remind` and `escalate` in every rule, must be given: a PUT replaces the whole policy, and a setting left out is a 400 naming it, never a default. Requires `If-Match` (\"0\" to replace the built-in default); the version goes only there, and a `version` in the body is refused as an unknown field.")
        .Produces<EscalationPolicyDto>();
}
