using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Mediation;
using FluentValidation;
using MediatR;

namespace CaseApi.Features.Organisations;

public static class SetUrgencyWindow
{
    /// <summary>The organisation's own urgency window for a court.</summary>
    public sealed record Body
    {
        /// <summary>ISO 8601, at least two weeks and at most three months.</summary>
        /// <example>P6W</example>
        public string? Period { get; init; }

        /// <summary>Why, with its source: the decisions or experience the organisation relies on. Quoted in every window it opens.</summary>
        /// <example>Senate 6 accepted six weeks in our last three cases (6 W 12/26).</example>
        public string? Reason { get; init; }
    }

    public sealed record Command(string CourtCode, int? ExpectedVersion, Body Window) : ICommand<UrgencyWindowDto>;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.Window.Period).IsUrgencyWindow();
            RuleFor(c => c.Window.Reason).NotEmpty().IsShortText(2000);
        }
    }

    internal sealed class Handler(DbSession db, TimeProvider clock) : IRequestHandler<Command, UrgencyWindowDto>
    {
        public async Task<UrgencyWindowDto> Handle(Command cmd, CancellationToken ct)
        {
            await UrgencyWindows.RequirePracticeAsync(db, cmd.CourtCode, ct);
            // If-Match "0" creates the window; the version of the one set replaces it; "*" (RFC 9110 § 13.1.1) sets it whatever is in
            // effect. Either way one statement checks and writes, so of two admins racing with versions only one wins: the other's
            // insert finds the row there, or its update no row of its version (both 412).
            var window = new { cmd.CourtCode, cmd.ExpectedVersion, period = cmd.Window.Period, reason = cmd.Window.Reason, now = clock.GetUtcNow() };
            var written = cmd.ExpectedVersion switch
            {
                null => await db.ExecuteAsync("""
                    INSERT INTO organisation_urgency_windows (organisation_id, court_code, period, reason, version, updated_at)
                    VALUES (current_organisation_id(), @CourtCode, @period, @reason, 1, @now)
                    ON CONFLICT (organisation_id, court_code) DO UPDATE
                    SET period = EXCLUDED.period, reason = EXCLUDED.reason, version = organisation_urgency_windows.version + 1, updated_at = EXCLUDED.updated_at
                    """, window, ct),
                0 => await db.ExecuteAsync("""
                    INSERT INTO organisation_urgency_windows (organisation_id, court_code, period, reason, version, updated_at)
                    VALUES (current_organisation_id(), @CourtCode, @period, @reason, 1, @now)
                    ON CONFLICT (organisation_id, court_code) DO NOTHING
                    """, window, ct),
                _ => await db.ExecuteAsync("""
                    UPDATE organisation_urgency_windows SET period = @period, reason = @reason, version = version + 1, updated_at = @now
                    WHERE organisation_id = current_organisation_id() AND court_code = @CourtCode AND version = @ExpectedVersion
                    """, window, ct),
            };
            if (written == 0)
            {
                throw new PreconditionFailedException(
                    $"The urgency window for '{cmd.CourtCode}' has changed since you read it: read it again and send its version in If-Match.");
            }

            return (await UrgencyWindows.ForCourtAsync(db, cmd.CourtCode, ct))!;
        }
    }

    internal static void Map(RouteGroupBuilder windows) => windows.MapVersionedChange(HttpMethods.Put, "{courtCode}", (string courtCode, int? version, Body body) => new Command(courtCode, version, body))
        .RequireAuthorization(Policies.Admin)
        .WithName("SetUrgencyWindow")
        .WithSummary("Set the organisation's urgency window for a court")
        .WithDescription("""
            Admins set the organisation's own window for an Oberlandesgericht (`courtCode` from `GET /v1/organisation/urgency-windows`),
            with the reason or source it relies on: from then on `infringement_known` naming the court opens a window of this `period`
            (ISO 8601, two weeks to three months), and its `computation` quotes the reason beside the court's published practice. Deadlines
            already open keep their dates. Requires `If-Match`: "0" while the default applies, else the window's version (412 when stale), or `*` to set it whatever is in effect.
            An unknown court is a 404; so is a Landgericht, whose windows are those of the Oberlandesgericht above it (the 404 names it).
            """)
        .Produces<UrgencyWindowDto>();
}
