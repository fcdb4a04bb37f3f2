using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Json;

namespace CaseApi.Features.ApiKeys;

/// <summary>
/// Writes a new key's hash: shared by the API-key endpoint, organisation creation and demo mode,
/// so that there is one place where key material is made and stored.
/// </summary>
internal static class IssueApiKey
{
    public static async Task<(ApiKeyDto Key, string Secret)> InsertAsync(
        DbSession db, Guid organisationId, string name, ApiKeyRole role, DateTimeOffset? expiresAt, DateTimeOffset now, CancellationToken ct)
    {
        var secret = PrefixedSecret.Generate(PrefixedSecret.ApiKeyScheme);
        var key = await db.QuerySingleAsync<ApiKeyDto>($"""
            INSERT INTO api_keys (id, organisation_id, name, prefix, secret_hash, role, created_at, expires_at)
            VALUES (@id, @organisationId, @name, @prefix, @hash, @role, @now, @expiresAt)
            RETURNING {ApiKeyDto.Columns}
            """,
            new { id = Guid.CreateVersion7(now), organisationId, name, prefix = secret.Prefix, hash = secret.Hash(), role = SnakeCase.From(role), now, expiresAt },
            ct);
        return (key, secret.Plaintext);
    }
}
