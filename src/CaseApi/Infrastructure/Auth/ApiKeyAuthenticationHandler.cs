using System.Security.Claims;
using System.Text.Encodings.Web;
using CaseApi.Infrastructure.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CaseApi.Infrastructure.Auth;

/// <summary>Authenticates <c>Authorization: Bearer cak_…</c> against the stored hashes.</summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    NpgsqlDataSource dataSource,
    CallerContext caller,
    TimeProvider clock)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    private sealed record KeyRow
    {
        public Guid Id { get; init; }

        public Guid OrganisationId { get; init; }

        public required string Role { get; init; }

        public required byte[] SecretHash { get; init; }

        public DateTimeOffset? ExpiresAt { get; init; }

        public DateTimeOffset? RevokedAt { get; init; }
    }

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header))
        {
            return AuthenticateResult.NoResult();
        }

        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.Fail("The Authorization header is not 'Bearer <API key>'.");
        }

        var key = await PrefixedSecret.FindAsync<KeyRow>(dataSource, header["Bearer ".Length..].Trim(), PrefixedSecret.ApiKeyScheme,
            "caseapi.api_key_prefix",
            "SELECT id, organisation_id, role, secret_hash, expires_at, revoked_at FROM api_keys WHERE prefix = @prefix",
            row => row.SecretHash, Context.RequestAborted);
        if (key is null)
        {
            return AuthenticateResult.Fail("Unknown API key.");
        }

        if (key.RevokedAt is not null)
        {
            return AuthenticateResult.Fail("This API key was revoked.");
        }

        if (key.ExpiresAt <= clock.GetUtcNow())
        {
            return AuthenticateResult.Fail("This API key has expired.");
        }

        var role = SnakeCase.ToEnum<ApiKeyRole>(key.Role);
        caller.Authenticate(key.OrganisationId, key.Id, role);
        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, key.Id.ToString()),
                new Claim("organisation_id", key.OrganisationId.ToString()),
                new Claim(ClaimTypes.Role, key.Role),
            ],
            SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer realm=\"CaseApi\"";
        return base.HandleChallengeAsync(properties);
    }
}
