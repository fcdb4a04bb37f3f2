using System.Text.RegularExpressions;

namespace CaseApi.Features.Correspondence;

/// <summary>
/// The Message-ID an outgoing e-mail letter gets when it is sent: its letter id at the configured domain (<c>Mail:MessageIdDomain</c>,
/// default <c>caseapi.invalid</c>, a name RFC 2606 reserves), unique worldwide because the id is a UUID. A reply's In-Reply-To names it.
/// </summary>
public sealed partial class MessageIds
{
    public const string DomainKey = "Mail:MessageIdDomain";

    private readonly string domain;

    public MessageIds(IConfiguration configuration)
    {
        domain = configuration[DomainKey] ?? "caseapi.invalid";
        if (!HostName().IsMatch(domain))
        {
            throw new InvalidOperationException($"{DomainKey} must be a domain name such as mail.example.org, not '{domain}'.");
        }
    }

    public string For(Guid letterId) => $"{letterId}@{domain}";

    [GeneratedRegex(@"^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$")]
    private static partial Regex HostName();
}
