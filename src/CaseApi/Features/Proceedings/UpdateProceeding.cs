using CaseApi.Features.Events;
using CaseApi.Features.Timeline;
using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Json;
using CaseApi.Infrastructure.Mediation;
using FluentValidation;
using MediatR;

namespace CaseApi.Features.Proceedings;

public static class UpdateProceeding
{
    /// <summary>
    /// The fields to change (JSON Merge Patch): a field left out stays as it is; <c>null</c> clears it. Status and decision
    /// follow from the events and are not changed here.
    /// </summary>
    public sealed record Body
    {
        /// <summary>The court (a referral or a correction).</summary>
        public Optional<Guid> CourtId { get; init; }

        /// <summary>The court's file number.</summary>
        public Optional<string?> FileNumber { get; init; }

        /// <summary>The parties (replaces the list).</summary>
        public Optional<IReadOnlyList<ProceedingParty>?> Parties { get; init; }
    }

    public sealed record Command(Guid Id, int? ExpectedVersion, Body Changes) : ICommand<ProceedingDto>;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            When(c => c.Changes.CourtId.IsSet, () => RuleFor(c => c.Changes.CourtId.Value).NotEmpty());
            RuleFor(c => c.Changes.FileNumber.Value).IsFileNumber();
            RuleFor(c => c.Changes.Parties.Value).AreParties();
        }
    }

    internal sealed class Handler(DbSession db, TimelineWriter timeline, EventWriter events, TimeProvider clock) : IRequestHandler<Command, ProceedingDto>
    {
        public async Task<ProceedingDto> Handle(Command cmd, CancellationToken ct)
        {
            var current = await ProceedingReader.LoadAsync(db, cmd.Id, ct, forUpdate: true) ?? throw new NotFoundException("proceeding", cmd.Id);
            EntityTags.Require(cmd.ExpectedVersion, current.Version, "proceeding", cmd.Id);

            var changes = cmd.Changes;
            var now = clock.GetUtcNow();
            await db.ExecuteAsync("""
                UPDATE proceedings SET court_id = @courtId, file_number = @fileNumber, version = version + 1, updated_at = @now
                WHERE id = @id AND organisation_id = current_organisation_id()
                """, new { id = cmd.Id, courtId = changes.CourtId.Or(current.CourtId), fileNumber = changes.FileNumber.Or(current.FileNumber), now }, ct);
            if (changes.Parties.IsSet)
            {
                await ProceedingReader.WritePartiesAsync(db, cmd.Id, changes.Parties.Value ?? [], now, ct);
            }

            var updated = (await ProceedingReader.LoadAsync(db, cmd.Id, ct))!;
            await timeline.AppendAsync(updated.CaseId, "proceeding.updated", "Court proceeding changed.", "proceeding", updated.Id,
                details: new { courtId = updated.CourtId, fileNumber = updated.FileNumber }, ct: ct);
            await events.AppendAsync("proceeding.updated", "proceeding", updated.Id, updated, ct);
            return updated;
        }
    }

    internal static void Map(RouteGroupBuilder proceedings) => proceedings.MapVersionedChange(HttpMethods.Patch, "{id}", (Guid id, int? version, Body body) => new Command(id, version, body))
        .RequireAuthorization(Policies.Write)
        .WithName("UpdateProceeding")
        .WithSummary("Change a proceeding")
        .WithDescription("JSON Merge Patch of the court, the file number and the parties (a list given replaces the parties). Status and decision follow from the events. Requires `If-Match` with the ETag of your last read (428 without it, 412 when someone changed it since).")
        .Produces<ProceedingDto>();
}
