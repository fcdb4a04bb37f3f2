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

public static class OpenProceeding
{
    /// <summary>A proceeding to record in a case. It starts as <c>preparing</c>; record a <c>filed</c> event once it is lodged.</summary>
    public sealed record Body
    {
        /// <summary>What kind of proceeding.</summary>
        /// <example>preliminary_injunction</example>
        public required ProceedingKind Kind { get; init; }

        /// <summary>The court (from <c>/v1/courts</c>).</summary>
        public required Guid CourtId { get; init; }

        /// <summary>The court's file number (Aktenzeichen), once assigned.</summary>
        /// <example>15 UKl 2/25</example>
        public string? FileNumber { get; init; }

        /// <summary>The parties.</summary>
        public IReadOnlyList<ProceedingParty>? Parties { get; init; }
    }

    public sealed record Command(Guid CaseId, Body Proceeding) : ICommand<ProceedingDto>;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.Proceeding.Kind).IsInEnum();
            RuleFor(c => c.Proceeding.CourtId).NotEmpty();
            RuleFor(c => c.Proceeding.FileNumber).IsFileNumber();
            RuleFor(c => c.Proceeding.Parties).AreParties();
        }
    }

    internal sealed class Handler(DbSession db, TimelineWriter timeline, EventWriter events, TimeProvider clock) : IRequestHandler<Command, ProceedingDto>
    {
        public async Task<ProceedingDto> Handle(Command cmd, CancellationToken ct)
        {
            var caseExists = await db.QuerySingleAsync<bool>(
                "SELECT EXISTS (SELECT FROM cases WHERE id = @CaseId AND organisation_id = current_organisation_id())", cmd, ct);
            if (!caseExists)
            {
                throw new NotFoundException("case", cmd.CaseId);
            }

            var now = clock.GetUtcNow();
            var id = Guid.CreateVersion7(now);
            var body = cmd.Proceeding;
            // An unknown court id fails the foreign key: 422, with nothing written.
            await db.ExecuteAsync("""
                INSERT INTO proceedings (id, organisation_id, case_id, kind, court_id, file_number, status, created_at, updated_at)
                VALUES (@id, current_organisation_id(), @caseId, @kind, @CourtId, @FileNumber, 'preparing', @now, @now)
                """, new { id, cmd.CaseId, kind = SnakeCase.From(body.Kind), body.CourtId, body.FileNumber, now }, ct);
            await ProceedingReader.WritePartiesAsync(db, id, body.Parties ?? [], now, ct);
            var created = (await ProceedingReader.LoadAsync(db, id, ct))!;
            await timeline.AppendAsync(cmd.CaseId, "proceeding.created", "Court proceeding recorded.", "proceeding", id,
                details: new { kind = SnakeCase.From(body.Kind), courtId = body.CourtId, fileNumber = body.FileNumber }, ct: ct);
            await events.AppendAsync("proceeding.created", "proceeding", id, created, ct);
            return created;
        }
    }

    internal static void Map(RouteGroupBuilder cases) => cases.MapPost("{caseId}/proceedings", async (Guid caseId, Body body, IMediator mediator, HttpContext http, CancellationToken ct) =>
        {
            var created = await mediator.Send(new Command(caseId, body), ct);
            return EntityTags.Created(http, $"/v1/proceedings/{created.Id}", created);
        })
        .RequireAuthorization(Policies.Write)
        .WithTags("Proceedings")
        .WithName("OpenProceeding")
        .WithSummary("Record a court proceeding in a case")
        .WithDescription("Records a proceeding before a court of the registry (`/v1/courts`), with its kind, file number and parties. It starts as `preparing`; events (`POST /v1/proceedings/{id}/events`) move it on. Unknown court or defendant ids get 422.")
        .Produces<ProceedingDto>(StatusCodes.Status201Created);
}

/// <summary>Rules that the proceeding requests share.</summary>
internal static class ProceedingRules
{
    public static IRuleBuilderOptions<T, string?> IsFileNumber<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(n => n is null || n.Trim().Length > 0).WithMessage("Must not be blank.").IsShortText(100);

    public static IRuleBuilderOptions<T, IReadOnlyList<ProceedingParty>?> AreParties<T>(this IRuleBuilder<T, IReadOnlyList<ProceedingParty>?> rule) =>
        rule.Must(parties => parties is null || (parties.Count <= 100 && parties.All(p => p is not null &&
                !string.IsNullOrWhiteSpace(p.Name) && p.Name.Length <= 300 && !p.Name.Any(char.IsControl) && Enum.IsDefined(p.Role))))
            .WithMessage("At most 100 parties, each with a name of 1 to 300 characters and a role.");
}
