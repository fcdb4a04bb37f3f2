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

public static class UpdateRepresentativeAction
{
    /// <summary>The representative side as it is now (replaces what was recorded).</summary>
    public sealed record Body
    {
        /// <summary>Who brings the action (VDuG § 2(1)).</summary>
        public QualifiedEntity? QualifiedEntity { get; init; }

        /// <summary>The day the action was published in the Verbandsklageregister (VDuG § 44).</summary>
        /// <example>2025-06-02</example>
        public DateOnly? RegisterEntryOn { get; init; }

        /// <summary>Where implementation stands (<c>none</c> before any).</summary>
        /// <example>none</example>
        public required ImplementationStage ImplementationStage { get; init; }
    }

    public sealed record Command(Guid ProceedingId, int? ExpectedVersion, Body Representative) : ICommand<RepresentativeActionDto>;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.Representative.QualifiedEntity!.Name).NotEmpty().IsShortText().When(c => c.Representative.QualifiedEntity is not null);
            RuleFor(c => c.Representative.QualifiedEntity!.List).IsInEnum().When(c => c.Representative.QualifiedEntity is not null);
            RuleFor(c => c.Representative.ImplementationStage).IsInEnum();
        }
    }

    internal sealed class Handler(DbSession db, TimelineWriter timeline, EventWriter events, TimeProvider clock) : IRequestHandler<Command, RepresentativeActionDto>
    {
        public async Task<RepresentativeActionDto> Handle(Command cmd, CancellationToken ct)
        {
            var proceeding = await RepresentativeReader.ProceedingAsync(db, cmd.ProceedingId, ct, forUpdate: true);
            var current = await RepresentativeReader.LoadAsync(db, proceeding, ct);
            EntityTags.Require(cmd.ExpectedVersion, current.Version, "representative action", cmd.ProceedingId);

            var body = cmd.Representative;
            // The implementation procedure follows a judgment in a redress action only (VDuG §§ 18, 22): a model declaratory action has none.
            if (proceeding.Kind == ProceedingKind.ModelDeclaratoryAction && body.ImplementationStage == ImplementationStage.Implementation)
            {
                throw new ConflictException("no_implementation_procedure",
                    "A model declaratory action ends with a declaratory judgment; only a redress action has an implementation procedure (VDuG §§ 18, 22).");
            }

            var now = clock.GetUtcNow();
            // The proceeding's row lock (forUpdate) serialises writers, so the version check above and this write are one step.
            await db.ExecuteAsync("""
                INSERT INTO representative_actions (proceeding_id, organisation_id, qualified_entity_name, qualified_entity_list, register_entry_on,
                                                    implementation_stage, created_at, updated_at)
                VALUES (@ProceedingId, current_organisation_id(), @name, @list, @RegisterEntryOn, @stage, @now, @now)
                ON CONFLICT (proceeding_id) DO UPDATE SET qualified_entity_name = excluded.qualified_entity_name, qualified_entity_list = excluded.qualified_entity_list,
                    register_entry_on = excluded.register_entry_on, implementation_stage = excluded.implementation_stage,
                    version = representative_actions.version + 1, updated_at = excluded.updated_at
                """,
                new
                {
                    cmd.ProceedingId, name = body.QualifiedEntity?.Name, list = body.QualifiedEntity is { } entity ? SnakeCase.From(entity.List) : null,
                    body.RegisterEntryOn, stage = SnakeCase.From(body.ImplementationStage), now,
                },
                ct);
            var updated = await RepresentativeReader.LoadAsync(db, proceeding, ct);
            await timeline.AppendAsync(proceeding.CaseId, "proceeding.representative_updated",
                $"Representative action: implementation stage {SnakeCase.From(updated.ImplementationStage).Replace('_', ' ')}.", "proceeding", proceeding.Id,
                details: new { qualifiedEntity = updated.QualifiedEntity?.Name, updated.RegisterEntryOn, updated.ImplementationStage }, ct: ct);
            await events.AppendAsync("proceeding.representative_updated", "proceeding", proceeding.Id, updated, ct);
            return updated;
        }
    }

    internal static void Map(RouteGroupBuilder proceedings) => proceedings.MapVersionedChange(HttpMethods.Put, "{id}/representative", (Guid id, int? version, Body body) => new Command(id, version, body))
        .RequireAuthorization(Policies.Write)
        .WithName("UpdateRepresentativeAction")
        .WithSummary("Record the representative side of a redress or model declaratory action")
        .WithDescription("""
            Replaces the qualified entity (its name and the list it is on: `uklag`, the Federal Office of Justice's list under UKlaG § 4, VDuG
            § 2(1) no. 1; `eu_directive`, the Commission's list under Directive (EU) 2020/1828 Art. 5, § 2(1) no. 2), the day of publication in
            the Verbandsklageregister, and the implementation stage (`judgment_on_merits`: Abhilfegrundurteil, § 16; `settlement`: §§ 9, 10;
            `implementation`: Umsetzungsverfahren, §§ 22 ff., redress actions only, else 409 `no_implementation_procedure`; `closed`). The
            register's closing day and the threshold are read-only. Requires `If-Match` with the ETag of your last read (\"0\" the first time;
            428 without it, 412 when someone changed it since).
            """)
        .Produces<RepresentativeActionDto>();
}
