using CaseApi.Infrastructure.Auth;

namespace CaseApi.Features.ApiKeys;

/// <summary>An API key as listed: its secret is never shown again after creation.</summary>
/// <param name="Id">The key's id.</param>
/// <param name="Name">What the key is for, e.g. "Case system sync".</param>
/// <param name="Prefix">The visible part of the key (the characters after <c>cak_</c>), to recognise it in logs and configuration.</param>
/// <param name="Role">What the key may do.</param>
/// <param name="CreatedAt">When the key was created.</param>
/// <param name="ExpiresAt">When the key stops working, if ever.</param>
/// <param name="RevokedAt">When the key was revoked, if it was.</param>
public sealed record ApiKeyDto(Guid Id, string Name, string Prefix, ApiKeyRole Role, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt)
{
    internal const string Columns = "id, name, prefix, role, created_at, expires_at, revoked_at";
}
