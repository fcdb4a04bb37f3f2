using System.Security.Cryptography;
using System.Text;

namespace CaseApi.Infrastructure.Auth;

/// <summary>
/// An API key: <c>cak_&lt;prefix&gt;_&lt;secret&gt;</c>. The prefix identifies the key and is shown in lists;
/// the 256-bit secret is shown once and only its SHA-256 is stored. A fast hash is enough here: the secret is
/// random and long, so there is nothing to brute-force that a slow password hash would protect.
/// </summary>
public sealed record ApiKeySecret(string Prefix, string Plaintext)
{
    private const string Scheme = "cak";

    public static ApiKeySecret Generate()
    {
        var prefix = Convert.ToHexString(RandomNumberGenerator.GetBytes(6)).ToLowerInvariant();
        var secret = Base64Url(RandomNumberGenerator.GetBytes(32));
        return new ApiKeySecret(prefix, $"{Scheme}_{prefix}_{secret}");
    }

    public static bool TryParsePrefix(string presented, out string prefix)
    {
        prefix = "";
        var parts = presented.Split('_', 3);
        if (parts.Length != 3 || parts[0] != Scheme || parts[1].Length != 12 || parts[2].Length < 43)
        {
            return false;
        }

        prefix = parts[1];
        return true;
    }

    public static byte[] Hash(string plaintext) => SHA256.HashData(Encoding.UTF8.GetBytes(plaintext));

    public byte[] Hash() => Hash(Plaintext);

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
