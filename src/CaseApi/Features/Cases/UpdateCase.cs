using CaseApi.Features.Events;
using CaseApi.Features.Timeline;
using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Json;
using CaseApi.Infrastructure.Mediation;
using FluentValidation;
using MediatR;

namespace CaseApi.Features.Cases;

public static class UpdateCase
{
    /// <summary>The fields to change (JSON Merge Patch): a field left out stays as it is; <c>null</c> clears it.</summary>
    public sealed record Body
    {
        /// <summary>The file reference.</summary>
        public Optional<string> Reference { get; init; }

        /// <summary>Title.</summary>
        public Optional<string> Title { get; init; }

        /// <summary>Summary.</summary>
        public Optional<string?> Summary { get; init; }

        /// <summary>New status. Closing needs an <c>outcome</c> (here or already set); reopening keeps the old outcome for the record.</summary>
        /// <example>closed</example>
        public Optional<CaseStatus> Status { get; init; }

        /// <summary>How the case ended.</summary>
        /// <example>Meta paused the training in the EU; the injunction application was withdrawn.</example>
        public Optional<string?> Outcome { get; init; }

        /// <summary>The provisions the case relies on (replaces the list).</summary>
        public Optional<IReadOnlyList<string>?> LegalBases { get; init; }

        /// <summary>Tags (replaces the list).</summary>
        public Optional<IReadOnlyList<string>?> Tags { get; init; }

        /// <summary>The defendants (replaces the list).</summary>
        public Optional<IReadOnlyList<Guid>?> DefendantIds { get; init; }

        /// <summary>The lawyer responsible.</summary>
        public Optional<string?> ResponsibleLawyer { get; init; }

        /// <summary>When the case was opened.</summary>
        public Optional<DateOnly> OpenedOn { get; init; }

        /// <summary>When it was closed; today when closing without one.</summary>
        public Optional<DateOnly?> ClosedOn { get; init; }
    }

    public sealed record Command(Guid Id, int? ExpectedVersion, Body Changes) : ICommand<CaseDto>;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            When(c => c.Changes.Reference.IsSet, () => RuleFor(c => c.Changes.Reference.Value).NotEmpty().IsShortText(100));
            When(c => c.Changes.Title.IsSet, () => RuleFor(c => c.Changes.Title.Value).NotEmpty().IsShortText());
            RuleFor(c => c.Changes.Summary.Value).IsShortText(20_000);
            RuleFor(c => c.Changes.Status.Value).IsInEnum();
            RuleFor(c => c.Changes.Outcome.Value).IsShortText(5_000);
            RuleFor(c => c.Changes.LegalBases.Value).AreShortTexts();
            RuleFor(c => c.Changes.Tags.Value).AreShortTexts(maxLength: 50);
            RuleFor(c => c.Changes.DefendantIds.Value).Must(ids => ids is null || (ids.Count <= 100 && ids.Distinct().Count() == ids.Count))
                .WithMessage("At most 100 defendants, each once.");
            RuleFor(c => c.Changes.ResponsibleLawyer.Value).IsShortText(200);
        }
    }

    internal sealed class Handler(DbSession db, TimelineWriter timeline, EventWriter events, TimeProvider clock) : IRequestHandler<Command, CaseDto>
    {
        public async Task<CaseDto> Handle(Command cmd, CancellationToken ct)
        {
            var current = await CaseReader.LoadAsync(db, cmd.Id, ct, forUpdate: true)
                ?? throw new NotFoundException("case", cmd.Id);
            EntityTags.Require(cmd.ExpectedVersion, current.Version, "case", cmd.Id);

            var now = clock.GetUtcNow();
            var changes = cmd.Changes;
            var status = changes.Status.Or(current.Status);
            var outcome = changes.Outcome.Or(current.Outcome);
            if (status == CaseStatus.Closed && string.IsNullOrWhiteSpace(outcome))
            {
                throw new FluentValidation.ValidationException([new FluentValidation.Results.ValidationFailure("outcome", "A closed case needs an outcome.")]);
            }

            // Closed today unless told otherwise: today where the organisation is (local_day), not in UTC.
            DateOnly? closedOn = status == CaseStatus.Closed ? changes.ClosedOn.Or(current.ClosedOn) : null;
            await db.ExecuteAsync("""
                UPDATE cases SET reference = @reference, title = @title, summary = @summary, status = @status, outcome = @outcome,
                    legal_bases = @legalBases, tags = @tags, responsible_lawyer = @responsibleLawyer, opened_on = @openedOn,
                    closed_on = CASE WHEN @status = 'closed' THEN coalesce(@closedOn, local_day(@now)) END,
                    version = version + 1, updated_at = @now
                WHERE id = @id AND organisation_id = current_organisation_id()
                """,
                new
                {
                    id = cmd.Id, reference = changes.Reference.Or(current.Reference), title = changes.Title.Or(current.Title),
                    summary = changes.Summary.Or(current.Summary), status = SnakeCase.From(status), outcome,
                    legalBases = (changes.LegalBases.IsSet ? changes.LegalBases.Value ?? [] : current.LegalBases).ToArray(),
                    tags = (changes.Tags.IsSet ? changes.Tags.Value ?? [] : current.Tags).ToArray(),
                    responsibleLawyer = changes.ResponsibleLawyer.Or(current.ResponsibleLawyer), openedOn = changes.OpenedOn.Or(current.OpenedOn),
                    closedOn, now,
                },
                ct);
            if (changes.DefendantIds.IsSet)
            {
                await CaseDefendants.ReplaceAsync(db, cmd.Id, changes.DefendantIds.Value ?? [], ct);
            }

            if (status != current.Status)
            {
                await timeline.AppendAsync(cmd.Id, status == CaseStatus.Closed ? "case.closed" : "case.status_changed",
                    $"Case status changed from {SnakeCase.From(current.Status)} to {SnakeCase.From(status)}.", "case", cmd.Id,
                    details: new { from = SnakeCase.From(current.Status), to = SnakeCase.From(status), outcome }, ct: ct);
            }
            else
            {
                await timeline.AppendAsync(cmd.Id, "case.updated", "Case details changed.", "case", cmd.Id, ct: ct);
            }

            var updated = (await CaseReader.LoadAsync(db, cmd.Id, ct))!;
            await events.AppendAsync(status == CaseStatus.Closed && current.Status != CaseStatus.Closed ? "case.closed" : "case.updated", "case", cmd.Id, updated, ct);
            return updated;
        }
    }

    internal static void Map(RouteGroupBuilder cases) => cases.MapVersionedChange(HttpMethods.Patch, "{id}", (Guid id, int? version, Body body) => new Command(id, version, body))
        .RequireAuthorization(Policies.Write)
        .WithName("UpdateCase")
        .WithSummary("Change a case")
        .WithDescription("JSON Merge Patch: fields left out stay as they are, `null` clears a field; lists are replaced whole. Closing (`status: closed`) needs an outcome. Requires `If-Match` with the ETag of your last read (428 without it, 412 when someone changed the case since).")
        .Produces<CaseDto>();
}
