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
public sealed class WebhookAddresses(IConfiguration configuration, ResolveHost resolve)
{
    public const string NoPublicAddress = "The host has no public address to deliver to (or none at all); webhooks are delivered to public addresses only.";

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

    /// <summary>
    /// Whether an address is anything but a public unicast one. IPv6 is judged by the ranges IANA lists: only global unicast
    /// (2000::/3) outside its special-purpose blocks passes, and forms that carry an IPv4 address pass only where the host
    /// they reach is known to be that IPv4 address, which must be public itself.
    /// </summary>
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
                192 => (b[1] == 168) || (b[1] == 0 && b[2] is 0 or 2) || (b[1] == 88 && b[2] == 99), // 192.88.99.0/24: 6to4 relays
                198 => b[1] is 18 or 19 || (b[1] == 51 && b[2] == 100),
                203 => b[1] == 0 && b[2] == 113,
                _ => b[0] >= 224, // multicast, reserved, broadcast
            };
        }

        var v6 = address.GetAddressBytes();
        // RFC 6052 well-known NAT64 prefix 64:ff9b::/96: the NAT64 gateway connects to the embedded IPv4 address.
        if (v6.AsSpan(0, 12).SequenceEqual(Nat64WellKnownPrefix))
        {
            return IsPrivate(new IPAddress(v6.AsSpan(12, 4)));
        }

        // Everything outside 2000::/3 is special: loopback, unspecified, IPv4-compatible (::a.b.c.d), SIIT
        // (::ffff:0:a.b.c.d), local-use NAT64 (64:ff9b:1::/48, RFC 8215), unique-local, link-local, multicast.
        return (v6[0] & 0xe0) != 0x20
            || (v6[0] == 0x20 && v6[1] == 0x01 && v6[2] < 0x02) // 2001::/23 IETF protocol assignments, Teredo 2001::/32 among them
            || (v6[0] == 0x20 && v6[1] == 0x01 && v6[2] == 0x0d && v6[3] == 0xb8) // 2001:db8::/32 documentation
            || (v6[0] == 0x20 && v6[1] == 0x02) // 2002::/16 6to4: the relay reaches the embedded IPv4 address
            || (v6[0] == 0x3f && v6[1] == 0xff && v6[2] < 0x10); // 3fff::/20 documentation (RFC 9637)
    }

    private static readonly byte[] Nat64WellKnownPrefix = [0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0];

    /// <summary>
    /// The delivery client's connect step: resolves the name itself and refuses private addresses, so that the address
    /// checked is the address connected to (no second lookup an attacker's DNS could answer differently). A name that
    /// does not resolve and one that resolves to private addresses only get the same error: the delivery log must not
    /// tell an admin which internal names exist.
    /// </summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(context.DnsEndPoint.Host, out var literal) ? [literal] : await resolve(context.DnsEndPoint.Host, ct);
        }
        catch (SocketException)
        {
            addresses = [];
        }

        var allowed = AllowPrivate ? addresses : addresses.Where(a => !IsPrivate(a)).ToArray();
        if (allowed.Length == 0)
        {
            throw new HttpRequestException(NoPublicAddress);
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

/// <summary>Resolves a host name to its addresses: <see cref="Dns.GetHostAddressesAsync(string, CancellationToken)"/>, or a fake in tests.</summary>
public delegate Task<IPAddress[]> ResolveHost(string host, CancellationToken ct);

/// <summary>The rules create and update share for a webhook's fields.</summary>
internal static class WebhookRules
{
    public static IRuleBuilderOptions<T, string?> IsWebhookUrl<T>(this IRuleBuilder<T, string?> rule, WebhookAddresses addresses) =>
        rule.Must(url => addresses.Refusal(url) is null).WithMessage((_, url) => addresses.Refusal(url));

    public static IRuleBuilderOptions<T, IReadOnlyList<string>?> AreEventTypes<T>(this IRuleBuilder<T, IReadOnlyList<string>?> rule) =>
        rule.Must(types => types is null || (types.Count <= Events.EventTypes.All.Count && types.All(Events.EventTypes.IsKnown)))
            .WithMessage((_, types) => types?.FirstOrDefault(t => !Events.EventTypes.IsKnown(t)) is { } unknown
                ? $"'{Truncated(unknown)}' is not an event type; the webhooks section of the API description lists them. An empty list delivers every event."
                : "Event types such as letter.sent, each once at most; an empty list delivers every event.");

    private static string Truncated(string value) => value.Length <= 50 ? value : $"{value[..50]}…";
}
