using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Mediation;
using MediatR;

namespace CaseApi.Features.Organisations;

public static class ResetUrgencyWindow
{
    public sealed record Command(string CourtCode, int? ExpectedVersion) : ICommand<UrgencyWindowDto>;

    internal sealed class Handler(DbSession db) : IRequestHandler<Command, UrgencyWindowDto>
    {
        public async Task<UrgencyWindowDto> Handle(Command cmd, CancellationToken ct)
        {
            await UrgencyWindows.RequirePracticeAsync(db, cmd.CourtCode, ct);
            // If-Match "*" matches whatever is in effect, the default too (RFC 9110 § 13.1.1): nothing to remove is then no conflict.
            var deleted = await db.ExecuteAsync("""
                DELETE FROM organisation_urgency_windows
                WHERE organisation_id = current_organisation_id() AND court_code = @CourtCode AND (@ExpectedVersion IS NULL OR version = @ExpectedVersion)
                """, cmd, ct);
            if (deleted == 0 && cmd.ExpectedVersion is not null)
            {
                throw new PreconditionFailedException(
                    $"The organisation has no urgency window of this version for '{cmd.CourtCode}': read it again and send its version in If-Match.");
            }

            return (await UrgencyWindows.ForCourtAsync(db, cmd.CourtCode, ct))!;
        }
    }

    internal static void Map(RouteGroupBuilder windows) => windows.MapVersionedChange(HttpMethods.Delete, "{courtCode}", (string courtCode, int? version) => new Command(courtCode, version))
        .RequireAuthorization(Policies.Admin)
        .WithName("ResetUrgencyWindow")
        .WithSummary("Return to the court's default urgency window")
        .WithDescription("""
            Removes the organisation's own window for the court: from then on the court's published practice applies again (the answer
            is the default now in effect, version 0). Deadlines already open keep their dates. Requires `If-Match` with the window's version
            (412 when stale or when none is set), or `*` to remove whatever is set; an unknown court is a 404.
            """)
        .Produces<UrgencyWindowDto>();
}
