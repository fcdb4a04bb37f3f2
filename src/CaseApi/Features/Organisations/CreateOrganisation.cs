using CaseApi.Features.ApiKeys;
using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Mediation;
using FluentValidation;
using MediatR;

namespace CaseApi.Features.Organisations;

/// <summary>
/// Sets up a new organisation with its first admin key. Operators run it from the command line
/// (<c>create-organisation --name …</c>); there is deliberately no HTTP route, since no API key exists before it.
/// </summary>
public static class CreateOrganisation
{
    public const string FirstKeyName = "First admin key";

    public sealed record Command(string Name, string Jurisdiction = OrganisationSettings.DefaultJurisdiction, string TimeZone = OrganisationSettings.DefaultTimeZone)
        : ICommand<Result>;

    public sealed record Result(OrganisationDto Organisation, ApiKeyDto AdminKey, string AdminKeySecret);

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.Name).NotEmpty().IsShortText(200);
            RuleFor(c => c.Jurisdiction).NotEmpty().IsJurisdiction();
            RuleFor(c => c.TimeZone).NotEmpty().IsTimeZone();
        }
    }

    internal sealed class Handler(DbSession db, TimeProvider clock) : IRequestHandler<Command, Result>
    {
        public async Task<Result> Handle(Command cmd, CancellationToken ct)
        {
            var now = clock.GetUtcNow();
            var id = Guid.CreateVersion7(now);
            // Row-level security admits only rows of the transaction's organisation, the new one included.
            await db.EnterOrganisationAsync(id, ct);
            var organisation = await db.QuerySingleAsync<OrganisationDto>(
                $"""
                INSERT INTO organisations (id, name, jurisdiction, time_zone, created_at) VALUES (@id, @Name, @Jurisdiction, @TimeZone, @now)
                RETURNING {OrganisationDto.Columns}
                """,
                new { id, cmd.Name, cmd.Jurisdiction, cmd.TimeZone, now }, ct);
            var (key, secret) = await IssueApiKey.InsertAsync(db, id, FirstKeyName, ApiKeyRole.Admin, expiresAt: null, now, ct);
            return new Result(organisation, key, secret);
        }
    }
}
