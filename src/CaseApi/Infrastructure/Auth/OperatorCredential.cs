using System.Security.Cryptography;

namespace CaseApi.Infrastructure.Auth;

/// <summary>
/// The operator's bearer token, from configuration (<c>Operator:Token</c>, or its SHA-256 in hex as
/// <c>Operator:TokenSha256</c> so that the token itself need not sit in configuration). It opens the tools that see and
/// change every organisation's work at once (the jobs dashboard), which no tenant's API key may open (issue 11): those
/// are for whoever runs the service. Not configured, those tools are not served at all.
/// </summary>
public sealed class OperatorCredential
{
    public const string TokenKey = "Operator:Token";
    public const string TokenSha256Key = "Operator:TokenSha256";

    /// <summary>As long as an API key's secret: a token anyone can try from the internet must not be guessable.</summary>
    private const int MinimumTokenLength = 32;

    private readonly byte[]? tokenHash;

    public OperatorCredential(IConfiguration configuration)
    {
        var token = configuration[TokenKey];
        var tokenSha256 = configuration[TokenSha256Key];
        if (!string.IsNullOrEmpty(token) && !string.IsNullOrEmpty(tokenSha256))
        {
            throw new InvalidOperationException($"Set {TokenKey} or {TokenSha256Key}, not both.");
        }

        if (!string.IsNullOrEmpty(token))
        {
            tokenHash = token.Length >= MinimumTokenLength
                ? PrefixedSecret.Hash(token)
                : throw new InvalidOperationException($"{TokenKey} must be at least {MinimumTokenLength} characters long (e.g. `openssl rand -base64 32`).");
        }
        else if (!string.IsNullOrEmpty(tokenSha256))
        {
            tokenHash = tokenSha256.Length == 64 && tokenSha256.All(char.IsAsciiHexDigit)
                ? Convert.FromHexString(tokenSha256)
                : throw new InvalidOperationException($"{TokenSha256Key} must be the token's SHA-256 as 64 hex digits (e.g. `printf %s \"$TOKEN\" | sha256sum`).");
        }
    }

    public bool IsConfigured => tokenHash is not null;

    /// <summary>
    /// Whether the request carries <c>Authorization: Bearer &lt;operator token&gt;</c>. Compares hashes in constant time, so
    /// that the time taken tells nothing about how much of a guess was right.
    /// </summary>
    public bool IsPresentedBy(HttpRequest request)
    {
        string? header = request.Headers.Authorization;
        return tokenHash is not null
               && header is not null
               && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
               && CryptographicOperations.FixedTimeEquals(PrefixedSecret.Hash(header["Bearer ".Length..].Trim()), tokenHash);
    }
}
