using Microsoft.AspNetCore.DataProtection;

namespace CaseApi.Infrastructure.Secrets;

/// <summary>
/// Encrypts secrets that CaseApi must read back to use (a webhook's signing secret; later SMTP and IMAP passwords),
/// so that a copy of a table, a backup or a query log does not carry them in plain text. ASP.NET Core Data Protection
/// does the cryptography and key rotation; its key ring lives in PostgreSQL (<see cref="PostgresXmlRepository"/>), so
/// that every process of the database reads what any of them wrote.
/// </summary>
public sealed class SecretProtector(IDataProtectionProvider provider)
{
    /// <summary>Marks an encrypted value, so that a value stored before encryption is recognised as such.</summary>
    public const string Marker = "dp1:";

    private readonly IDataProtector protector = provider.CreateProtector("CaseApi.StoredSecrets.v1");

    public string Protect(string secret) => Marker + protector.Protect(secret);

    /// <summary>
    /// The secret in a stored value. A value without the marker was stored before encryption (or by a process of an
    /// older version during a rolling update) and is the secret itself; the next start encrypts it.
    /// </summary>
    public string Unprotect(string stored) =>
        stored.StartsWith(Marker, StringComparison.Ordinal) ? protector.Unprotect(stored[Marker.Length..]) : stored;

    public static bool IsProtected(string stored) => stored.StartsWith(Marker, StringComparison.Ordinal);
}
