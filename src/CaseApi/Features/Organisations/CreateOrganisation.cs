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

    public sealed record Command(string Name) : ICommand<Result>;

    public sealed record Result(OrganisationDto Organisation, ApiKeyDto AdminKey, string AdminKeySecret);

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator() => RuleFor(c => c.Name).NotEmpty().MaximumLength(200);
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
                $"INSERT INTO organisations (id, name, created_at) VALUES (@id, @name, @now) RETURNING {OrganisationDto.Columns}",
                new { id, name = cmd.Name, now }, ct);
            var (key, secret) = await IssueApiKey.InsertAsync(db, id, FirstKeyName, ApiKeyRole.Admin, expiresAt: null, now, ct);
            return new Result(organisation, key, secret);
        }
    }
}
