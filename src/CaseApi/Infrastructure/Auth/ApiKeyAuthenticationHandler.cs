using System.Security.Claims;
using System.Text.Encodings.Web;
using CaseApi.Infrastructure.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CaseApi.Infrastructure.Auth;

/// <summary>
/// Authenticates <c>Authorization: Bearer cak_…</c> against the stored hashes, or against those of the keys this instance
/// verified lately (<see cref="ApiKeyCache"/>): such a key is confirmed by the request's first statement instead.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    NpgsqlDataSource dataSource,
    CallerContext caller,
    ApiKeyCache verifiedKeys,
    TimeProvider clock)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    /// <summary>The <c>WWW-Authenticate</c> challenge of every 401 (RFC 9110 §11.6.1).</summary>
    public const string Challenge = "Bearer realm=\"CaseApi\"";

    public const string Revoked = "This API key was revoked.";

    /// <summary>
    /// What PostgreSQL raises when a remembered key turns out revoked (migration 0046), answered 401: a class of our own,
    /// since a standard code could come from something else.
    /// </summary>
    public const string RevokedSqlState = "CA401";

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

        var presented = header["Bearer ".Length..].Trim();
        var remembered = verifiedKeys.Find(presented);
        var (key, failure) = remembered is null ? await LookUpAsync(presented) : (remembered, null);
        if (key is null)
        {
            return AuthenticateResult.Fail(failure!);
        }

        if (key.ExpiresAt <= clock.GetUtcNow())
        {
            return AuthenticateResult.Fail("This API key has expired.");
        }

        caller.Authenticate(key.OrganisationId, key.Id, key.Role, confirmed: remembered is null);
        var role = SnakeCase.From(key.Role);
        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, key.Id.ToString()),
                new Claim("organisation_id", key.OrganisationId.ToString()),
                new Claim(ClaimTypes.Role, role),
            ],
            SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    /// <summary>The key <paramref name="presented"/> names as stored, remembered for later requests unless revoked; or why not.</summary>
    private async Task<(ApiKeyCache.VerifiedKey? Key, string? Failure)> LookUpAsync(string presented)
    {
        var row = await PrefixedSecret.FindAsync<KeyRow>(dataSource, presented, PrefixedSecret.ApiKeyScheme,
            "caseapi.api_key_prefix",
            "SELECT id, organisation_id, role, secret_hash, expires_at, revoked_at FROM api_keys WHERE prefix = @prefix",
            row => row.SecretHash, Context.RequestAborted);
        if (row is null)
        {
            return (null, "Unknown API key.");
        }

        if (row.RevokedAt is not null)
        {
            return (null, Revoked);
        }

        var key = new ApiKeyCache.VerifiedKey(row.Id, row.OrganisationId, SnakeCase.ToEnum<ApiKeyRole>(row.Role), row.SecretHash, row.ExpiresAt);
        verifiedKeys.Remember(presented, key);
        return (key, null);
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = Challenge;
        return base.HandleChallengeAsync(properties);
    }
}
