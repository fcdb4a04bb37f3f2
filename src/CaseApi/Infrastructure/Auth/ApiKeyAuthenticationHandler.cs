using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using CaseApi.Infrastructure.Json;
using Dapper;
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

        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            || !ApiKeySecret.TryParsePrefix(header["Bearer ".Length..].Trim(), out var prefix))
        {
            return AuthenticateResult.Fail("The Authorization header is not 'Bearer <API key>'.");
        }

        var presented = header["Bearer ".Length..].Trim();
        await using var connection = await dataSource.OpenConnectionAsync(Context.RequestAborted);
        await using var transaction = await connection.BeginTransactionAsync(Context.RequestAborted);
        // Row-level security shows this transaction exactly one key: the one whose prefix was presented.
        KeyRow? key;
        await using (var results = await connection.QueryMultipleAsync(new CommandDefinition("""
            SELECT set_config('caseapi.api_key_prefix', @prefix, true);
            SELECT id, organisation_id, role, secret_hash, expires_at, revoked_at FROM api_keys WHERE prefix = @prefix;
            """, new { prefix }, transaction, cancellationToken: Context.RequestAborted)))
        {
            await results.ReadAsync<string>();
            key = await results.ReadSingleOrDefaultAsync<KeyRow>();
        }

        await transaction.CommitAsync(Context.RequestAborted);

        if (key is null || !CryptographicOperations.FixedTimeEquals(key.SecretHash, ApiKeySecret.Hash(presented)))
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
