using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace CaseApi.Infrastructure.Auth;

/// <summary>
/// The API keys this instance verified lately, so that a request with one is not looked up in a round trip of its own
/// before its handler runs (issue 16). A remembered key is confirmed, not trusted: the settings that go ahead of the
/// request's first statement check that it is still there and not revoked (migration 0046), and a request whose handler
/// sends no statement confirms it before its response (<c>DbSession.CommitAsync</c>). Only keys that passed are
/// remembered, so the cache holds at most the keys in use; a key is read afresh after <see cref="Lifetime"/>.
/// </summary>
public sealed class ApiKeyCache(TimeProvider clock)
{
    /// <summary>How long a verified key is remembered: the confirmation makes revocation immediate whatever this is.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<string, Entry> verified = new(StringComparer.Ordinal);

    /// <summary>A key as verified: every presented secret's hash is compared with its stored one, and its expiry with the clock.</summary>
    public sealed record VerifiedKey(Guid Id, Guid OrganisationId, ApiKeyRole Role, byte[] SecretHash, DateTimeOffset? ExpiresAt);

    private sealed record Entry(VerifiedKey Key, DateTimeOffset VerifiedAt);

    /// <summary>The remembered key <paramref name="presented"/> names, if its secret is the one verified; null otherwise.</summary>
    public VerifiedKey? Find(string presented)
    {
        if (!PrefixedSecret.TryParsePrefix(presented, PrefixedSecret.ApiKeyScheme, out var prefix)
            || !verified.TryGetValue(prefix, out var entry)
            || clock.GetUtcNow() - entry.VerifiedAt >= Lifetime)
        {
            return null;
        }

        return CryptographicOperations.FixedTimeEquals(entry.Key.SecretHash, PrefixedSecret.Hash(presented)) ? entry.Key : null;
    }

    /// <summary>Remembers a key just verified against the database.</summary>
    public void Remember(string presented, VerifiedKey key)
    {
        if (PrefixedSecret.TryParsePrefix(presented, PrefixedSecret.ApiKeyScheme, out var prefix))
        {
            verified[prefix] = new Entry(key, clock.GetUtcNow());
        }
    }
}
