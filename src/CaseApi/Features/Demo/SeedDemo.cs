using CaseApi.Features.ApiKeys;
using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Mediation;
using MediatR;

namespace CaseApi.Features.Demo;

/// <summary>
/// Demo mode (the embedded database): a demo organisation, and a fresh admin key printed at every start.
/// Only a key's hash is stored, so the key printed last time cannot be shown again; the previous
/// start's key is revoked rather than left working unseen.
/// </summary>
public static class SeedDemo
{
    public static readonly Guid OrganisationId = Guid.Parse("0192f1d0-0000-7000-8000-00000000de40");
    public const string OrganisationName = "Demo consumer organisation";
    /// <summary>Verbraucherzentrale NRW's address: the demo case is its case against Meta.</summary>
    public const string PostalAddress = "Helmholtzstraße 19\n40215 Düsseldorf";
    public const string KeyName = "Demo admin key (printed at start)";

    public sealed record Command : ICommand<string>;

    internal sealed class Handler(DbSession db, TimeProvider clock) : IRequestHandler<Command, string>
    {
        public async Task<string> Handle(Command cmd, CancellationToken ct)
        {
            var now = clock.GetUtcNow();
            await db.EnterOrganisationAsync(OrganisationId, ct);
            await db.ExecuteAsync("""
                INSERT INTO organisations (id, name, postal_address, jurisdiction, time_zone, created_at)
                VALUES (@OrganisationId, @OrganisationName, @PostalAddress, 'DE-NW', 'Europe/Berlin', @now)
                ON CONFLICT (id) DO NOTHING
                """, new { OrganisationId, OrganisationName, PostalAddress, now }, ct);
            await db.ExecuteAsync(
                "UPDATE api_keys SET revoked_at = @now WHERE organisation_id = @OrganisationId AND name = @KeyName AND revoked_at IS NULL",
                new { OrganisationId, KeyName, now }, ct);
            var (_, secret) = await IssueApiKey.InsertAsync(db, OrganisationId, KeyName, ApiKeyRole.Admin, expiresAt: null, now, ct);
            return secret;
        }
    }
}
