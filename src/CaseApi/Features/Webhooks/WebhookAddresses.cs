using System.Net;
using System.Net.Sockets;
using FluentValidation;

namespace CaseApi.Features.Webhooks;

/// <summary>
/// Where webhooks may post: public https addresses only, so that a webhook cannot be used to reach the servers next to
/// CaseApi (server-side request forgery). Checked when a URL is saved and again, after DNS resolution, when each
/// delivery connects: a name that resolved to a public address yesterday may resolve to 10.0.0.5 today.
/// <c>Webhooks:AllowPrivateAddresses=true</c> lifts both rules, and allows http, for tests and development.
/// </summary>
public sealed class WebhookAddresses(IConfiguration configuration)
{
    public bool AllowPrivate { get; } = configuration.GetValue("Webhooks:AllowPrivateAddresses", false);

    /// <summary>Why a URL may not be saved, or null when it may.</summary>
    public string? Refusal(string? url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || string.IsNullOrEmpty(uri.Host))
        {
            return "Must be an absolute https URL.";
        }

        if (AllowPrivate)
        {
            return null;
        }

        if (uri.Scheme != "https")
        {
            return "Must use https.";
        }

        // Names are resolved when delivering, not here: the check that counts is the one on the address connected to.
        var isPrivate = uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6
            ? IsPrivate(IPAddress.Parse(uri.DnsSafeHost))
            : uri.DnsSafeHost.Equals("localhost", StringComparison.OrdinalIgnoreCase) || uri.DnsSafeHost.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase);
        return isPrivate ? "Must not point at a private, loopback or link-local address." : null;
    }

    public static bool IsPrivate(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return b[0] switch
            {
                0 or 10 or 127 => true,
                100 => b[1] >= 64 && b[1] < 128, // RFC 6598 carrier-grade NAT
                169 => b[1] == 254,
                172 => b[1] >= 16 && b[1] < 32,
                192 => (b[1] == 168) || (b[1] == 0 && b[2] is 0 or 2),
                198 => b[1] is 18 or 19,
                _ => b[0] >= 224, // multicast, reserved, broadcast
            };
        }

        return IPAddress.IsLoopback(address) || address.Equals(IPAddress.IPv6Any) || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal
            || address.IsIPv6Multicast || address.IsIPv6UniqueLocal;
    }

    /// <summary>
    /// The delivery client's connect step: resolves the name itself and refuses private addresses, so that the address
    /// checked is the address connected to (no second lookup an attacker's DNS could answer differently).
    /// </summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var addresses = IPAddress.TryParse(context.DnsEndPoint.Host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, ct);
        var allowed = AllowPrivate ? addresses : addresses.Where(a => !IsPrivate(a)).ToArray();
        if (allowed.Length == 0)
        {
            throw new HttpRequestException($"{context.DnsEndPoint.Host} resolves to no public address; webhooks are not delivered to private networks.");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}

/// <summary>The rules create and update share for a webhook's fields.</summary>
internal static class WebhookRules
{
    public static IRuleBuilderOptions<T, string?> IsWebhookUrl<T>(this IRuleBuilder<T, string?> rule, WebhookAddresses addresses) =>
        rule.Must(url => addresses.Refusal(url) is null).WithMessage((_, url) => addresses.Refusal(url));

    public static IRuleBuilderOptions<T, IReadOnlyList<string>?> AreEventTypes<T>(this IRuleBuilder<T, IReadOnlyList<string>?> rule) =>
        rule.Must(types => types is null || (types.Count <= 50 && types.All(t => t is not null && t.Length <= 50 && System.Text.RegularExpressions.Regex.IsMatch(t, "^[a-z_]+\\.[a-z_]+$"))))
            .WithMessage("At most 50 event types such as letter.sent; an empty list delivers every event.");
}
