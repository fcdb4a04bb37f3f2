using CaseApi.Features.Events;
using CaseApi.Features.Timeline;
using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Mediation;
using FluentValidation;
using MediatR;

namespace CaseApi.Features.Cases;

public static class OpenCase
{
    /// <summary>A new case.</summary>
    public sealed record Command : ICommand<CaseDto>
    {
        /// <summary>The organisation's own file reference; must be unique within the organisation.</summary>
        /// <example>VZ-2025-0142</example>
        public required string Reference { get; init; }

        /// <summary>Title.</summary>
        /// <example>Meta: training AI on EU users' posts</example>
        public required string Title { get; init; }

        /// <summary>Summary of the matter.</summary>
        /// <example>Meta announced it would train AI on EU users' public Instagram and Facebook posts from 27 May 2025.</example>
        public string? Summary { get; init; }

        /// <summary>The provisions the case relies on.</summary>
        /// <example>["GDPR Art. 6(1)(f)", "GDPR Art. 21"]</example>
        public IReadOnlyList<string>? LegalBases { get; init; }

        /// <summary>Free tags.</summary>
        /// <example>["ai-training"]</example>
        public IReadOnlyList<string>? Tags { get; init; }

        /// <summary>The defendants the case is against (ids from <c>/v1/defendants</c>).</summary>
        public IReadOnlyList<Guid>? DefendantIds { get; init; }

        /// <summary>The lawyer responsible, by name.</summary>
        public string? ResponsibleLawyer { get; init; }

        /// <summary>When the case was opened; today when left out.</summary>
        /// <example>2025-04-30</example>
        public DateOnly? OpenedOn { get; init; }
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.Reference).NotEmpty().IsShortText(100);
            RuleFor(c => c.Title).NotEmpty().IsShortText();
            RuleFor(c => c.Summary).IsShortText(20_000);
            RuleFor(c => c.LegalBases).AreShortTexts();
            RuleFor(c => c.Tags).AreShortTexts(maxLength: 50);
            RuleFor(c => c.DefendantIds).Must(ids => ids is null || (ids.Count <= 100 && ids.Distinct().Count() == ids.Count))
                .WithMessage("At most 100 defendants, each once.");
            RuleFor(c => c.ResponsibleLawyer).IsShortText(200);
        }
    }

    internal sealed class Handler(DbSession db, TimelineWriter timeline, EventWriter events, TimeProvider clock) : IRequestHandler<Command, CaseDto>
    {
        public async Task<CaseDto> Handle(Command cmd, CancellationToken ct)
        {
            var now = clock.GetUtcNow();
            var id = Guid.CreateVersion7(now);
            await db.ExecuteAsync("""
                INSERT INTO cases (id, organisation_id, reference, title, summary, legal_bases, tags, responsible_lawyer, opened_on, created_at, updated_at)
                VALUES (@id, current_organisation_id(), @Reference, @Title, @Summary, @legalBases, @tags, @ResponsibleLawyer, coalesce(@openedOn, local_day(@now)), @now, @now)
                """,
                new
                {
                    id, cmd.Reference, cmd.Title, cmd.Summary, legalBases = (cmd.LegalBases ?? []).ToArray(), tags = (cmd.Tags ?? []).ToArray(),
                    cmd.ResponsibleLawyer, openedOn = cmd.OpenedOn, now,
                },
                ct);
            await CaseDefendants.ReplaceAsync(db, id, cmd.DefendantIds ?? [], ct);
            await timeline.AppendAsync(id, "case.opened", $"Case {cmd.Reference} opened: {cmd.Title}.", "case", id, ct: ct);
            var created = (await CaseReader.LoadAsync(db, id, ct))!;
            await events.AppendAsync("case.created", "case", id, created, ct);
            return created;
        }
    }

    internal static void Map(RouteGroupBuilder cases) => cases.MapPost("", async (Command cmd, IMediator mediator, HttpContext http, CancellationToken ct) =>
        {
            var created = await mediator.Send(cmd, ct);
            return EntityTags.Created(http, $"/v1/cases/{created.Id}", created);
        })
        .RequireAuthorization(Policies.Write)
        .WithName("OpenCase")
        .WithSummary("Open a case")
        .WithDescription("Opens a case against one or more defendants. The reference must be unique in the organisation (409 otherwise); unknown defendant ids get 422.")
        .Produces<CaseDto>(StatusCodes.Status201Created);
}

internal static class CaseDefendants
{
    /// <summary>
    /// Sets a case's defendants. The composite foreign key (organisation, defendant) rejects another
    /// organisation's defendant even though foreign-key checks ignore row-level security.
    /// </summary>
    public static async Task ReplaceAsync(DbSession db, Guid caseId, IReadOnlyList<Guid> defendantIds, CancellationToken ct)
    {
        await db.ExecuteAsync("DELETE FROM case_defendants WHERE organisation_id = current_organisation_id() AND case_id = @caseId AND NOT (defendant_id = ANY (@ids))",
            new { caseId, ids = defendantIds.ToArray() }, ct);
        await db.ExecuteAsync("""
            INSERT INTO case_defendants (organisation_id, case_id, defendant_id)
            SELECT current_organisation_id(), @caseId, unnest(@ids)
            ON CONFLICT DO NOTHING
            """, new { caseId, ids = defendantIds.ToArray() }, ct);
    }
}
