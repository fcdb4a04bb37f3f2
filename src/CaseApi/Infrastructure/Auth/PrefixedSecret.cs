using System.Security.Cryptography;
using System.Text;
using Dapper;
using Npgsql;

namespace CaseApi.Infrastructure.Auth;

/// <summary>
/// A secret shown once: <c>&lt;scheme&gt;_&lt;prefix&gt;_&lt;secret&gt;</c>, used for API keys (<c>cak</c>) and calendar feed
/// tokens (<c>caf</c>). The prefix identifies it and is shown in lists; the 256-bit secret is stored only as a SHA-256.
/// A fast hash is enough: the secret is random and long, so there is nothing for a slow password hash to protect.
/// </summary>
public sealed record PrefixedSecret(string Prefix, string Plaintext)
{
    public const string ApiKeyScheme = "cak";
    public const string FeedTokenScheme = "caf";

    public static PrefixedSecret Generate(string scheme)
    {
        var prefix = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return new PrefixedSecret(prefix, $"{scheme}_{prefix}_{secret}");
    }

    public static bool TryParsePrefix(string presented, string scheme, out string prefix)
    {
        prefix = "";
        var parts = presented.Split('_', 3);
        if (parts.Length != 3 || parts[0] != scheme || parts[1].Length != 12 || parts[2].Length < 43)
        {
            return false;
        }

        prefix = parts[1];
        return true;
    }

    public static byte[] Hash(string plaintext) => SHA256.HashData(Encoding.UTF8.GetBytes(plaintext));

    public byte[] Hash() => Hash(Plaintext);

    /// <summary>
    /// Finds the row a presented secret names, before any organisation is known: row-level security shows the
    /// transaction only the row whose prefix is set in <paramref name="prefixSetting"/>. Null unless the hash matches.
    /// </summary>
    public static async Task<TRow?> FindAsync<TRow>(
        NpgsqlDataSource dataSource, string presented, string scheme, string prefixSetting, string sql, Func<TRow, byte[]> hashOf, CancellationToken ct)
        where TRow : class
    {
        if (!TryParsePrefix(presented, scheme, out var prefix))
        {
            return null;
        }

        await using var connection = await dataSource.OpenConnectionAsync(ct);
        TRow? row;
        // No explicit transaction, and one round trip: Npgsql sends both statements with one Sync, and PostgreSQL runs the
        // statements up to a Sync as one implicit transaction (protocol docs, "Pipelining"), so the setting holds for the
        // lookup and ends with it.
        await using (var results = await connection.QueryMultipleAsync(new CommandDefinition(
            $"SELECT set_config('{prefixSetting}', @prefix, true); {sql}", new { prefix }, cancellationToken: ct)))
        {
            await results.ReadAsync<string>();
            row = await results.ReadSingleOrDefaultAsync<TRow>();
        }

        return row is not null && CryptographicOperations.FixedTimeEquals(hashOf(row), Hash(presented)) ? row : null;
    }
}
