using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Smtp;
using MailKit.Security;

namespace CaseApi.Features.Organisations;

/// <summary>How far a connection to a mail server got.</summary>
public enum MailStage
{
    /// <summary>The host name has no address that may be connected to (or none at all).</summary>
    Dns,

    /// <summary>No TCP connection: refused, unreachable or timed out.</summary>
    Connect,

    /// <summary>TLS failed: no TLS on that port, STARTTLS not offered, or a certificate that is not trusted.</summary>
    Tls,

    /// <summary>The server did not answer as an SMTP or IMAP server.</summary>
    Protocol,

    /// <summary>The server refused the user and password, or offers no way to log in.</summary>
    Auth,

    /// <summary>The IMAP folder does not exist or cannot be opened.</summary>
    Folder,

    /// <summary>Everything worked.</summary>
    Ok,
}

/// <summary>A mail server to connect to, with its password in plain text: held in memory for one connection, never stored or logged.</summary>
public sealed record MailServer(string Host, int Port, MailTls Tls, string? User, string? Password, string? TrustedCertificateSha256);

/// <summary>A failed step, with a text for the admin that names no password and nothing of the server's answer.</summary>
public sealed class MailConnectionException(MailStage stage, string detail) : Exception(detail)
{
    public MailStage Stage { get; } = stage;
}

/// <summary>
/// Connects MailKit clients to an organisation's servers: resolves the name itself and connects only to addresses
/// <see cref="MailHosts"/> allows (the address checked is the address connected to), secures the connection as configured,
/// trusts a pinned certificate where one is set, and turns each failure into the <see cref="MailStage"/> it happened at.
/// The connection test uses it now; sending and reading the mailbox will.
/// </summary>
public sealed class MailConnector(MailHosts hosts)
{
    /// <summary>Each step (connecting, the TLS handshake, each command) gets this long.</summary>
    public static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(10);

    public async Task ConnectAsync(IMailService client, MailServer server, CancellationToken ct)
    {
        client.Timeout = (int)StepTimeout.TotalMilliseconds;
        var addresses = await hosts.AddressesAsync(server.Host, ct);
        if (addresses.Length == 0)
        {
            throw new MailConnectionException(MailStage.Dns, MailHosts.NoPublicAddress);
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(StepTimeout);
            await socket.ConnectAsync(addresses, server.Port, timeout.Token);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            socket.Dispose();
            var reason = e is SocketException { SocketErrorCode: SocketError.ConnectionRefused } ? "refused" : e is SocketException ? "unreachable" : "timed out";
            throw new MailConnectionException(MailStage.Connect, $"No connection to {server.Host} port {server.Port}: {reason}.");
        }

        string? untrusted = null;
        client.ServerCertificateValidationCallback = (_, certificate, _, errors) =>
        {
            var fingerprint = certificate is null ? null : MailSettings.Fingerprint(certificate.GetCertHash(HashAlgorithmName.SHA256));
            var trusted = server.TrustedCertificateSha256 is { } pinned ? fingerprint == pinned : errors == SslPolicyErrors.None;
            untrusted = trusted ? null : server.TrustedCertificateSha256 is null
                ? $"The server's certificate is not valid for {server.Host} ({errors}); its SHA-256 fingerprint is {fingerprint}. If that is your server's own certificate, set trustedCertificateSha256 to it."
                : $"The server's certificate is not the trusted one: its SHA-256 fingerprint is {fingerprint}.";
            return trusted;
        };
        try
        {
            // MailKit owns the socket from here, and closes it on failure.
            await client.ConnectAsync(socket, server.Host, server.Port, server.Tls switch
            {
                MailTls.Tls => SecureSocketOptions.SslOnConnect,
                MailTls.Starttls => SecureSocketOptions.StartTls,
                _ => SecureSocketOptions.None,
            }, ct);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            throw e switch
            {
                SslHandshakeException or System.Security.Authentication.AuthenticationException => new MailConnectionException(MailStage.Tls, untrusted
                    ?? (server.Tls == MailTls.Tls
                        ? "The TLS handshake failed: does the server speak TLS from the first byte on this port (else use starttls)?"
                        : "The TLS handshake after STARTTLS failed.")),
                NotSupportedException when server.Tls == MailTls.Starttls => new MailConnectionException(MailStage.Tls, "The server does not offer STARTTLS."),
                ProtocolException or CommandException or IOException or TimeoutException or OperationCanceledException when server.Tls == MailTls.Tls =>
                    new MailConnectionException(MailStage.Tls, "The TLS handshake failed: does the server speak TLS from the first byte on this port (else use starttls)?"),
                _ => new MailConnectionException(MailStage.Protocol, $"The server did not answer as {(client is SmtpClient ? "an SMTP" : "an IMAP")} server should."),
            };
        }
    }

    /// <summary>Logs in where the server has a user; an SMTP relay without one is left as it is.</summary>
    public static async Task AuthenticateAsync(IMailService client, MailServer server, CancellationToken ct)
    {
        if (server.User is null)
        {
            return;
        }

        try
        {
            await client.AuthenticateAsync(server.User, server.Password ?? "", ct);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            throw e switch
            {
                MailKit.Security.AuthenticationException => new MailConnectionException(MailStage.Auth, "The server refused the user name or password."),
                NotSupportedException => new MailConnectionException(MailStage.Auth, "The server offers no way to log in on this connection."),
                _ => new MailConnectionException(MailStage.Auth, "Logging in failed: the server broke off or did not answer in time."),
            };
        }
    }

    /// <summary>Connects, logs in and quits, reporting how far it got; for IMAP, also opens the folder.</summary>
    public async Task<MailServerTestDto> TryAsync(MailServer server, string? folder, CancellationToken ct)
    {
        using IMailService client = folder is null ? new SmtpClient() : new ImapClient();
        try
        {
            await ConnectAsync(client, server, ct);
            await AuthenticateAsync(client, server, ct);
            if (client is ImapClient imap && folder is not null)
            {
                await OpenAsync(imap, folder, ct);
            }

            await client.DisconnectAsync(quit: true, ct);
            return new MailServerTestDto
            {
                Ok = true, Stage = MailStage.Ok,
                Detail = folder is null ? "Connected and logged in." : $"Connected, logged in and opened {folder}.",
            };
        }
        catch (MailConnectionException failed)
        {
            return new MailServerTestDto { Ok = false, Stage = failed.Stage, Detail = failed.Message };
        }
    }

    /// <summary>Opens the folder read-only: the poller leaves the mailbox as it found it, read flags included.</summary>
    public static async Task<IMailFolder> OpenAsync(ImapClient imap, string name, CancellationToken ct)
    {
        try
        {
            var folder = name.Equals(MailSettings.DefaultFolder, StringComparison.OrdinalIgnoreCase) ? imap.Inbox : await imap.GetFolderAsync(name, ct);
            await folder.OpenAsync(FolderAccess.ReadOnly, ct);
            return folder;
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            throw new MailConnectionException(MailStage.Folder, e is FolderNotFoundException
                ? $"The mailbox has no folder {name}."
                : $"The folder {name} could not be opened.");
        }
    }
}

public static class MailSetup
{
    /// <summary>After <c>AddWebhooks</c>, which registers the <see cref="Webhooks.ResolveHost"/> both use.</summary>
    public static IServiceCollection AddMail(this IServiceCollection services) => services.AddSingleton<MailHosts>().AddSingleton<MailConnector>();
}

/// <summary>How a connection to one server went.</summary>
public sealed record MailServerTestDto
{
    /// <summary>Whether every step worked.</summary>
    public bool Ok { get; init; }

    /// <summary>The step that failed, or <c>ok</c>.</summary>
    public MailStage Stage { get; init; }

    /// <summary>What happened, for the admin; never a password or the server's own words.</summary>
    /// <example>The server refused the user name or password.</example>
    public required string Detail { get; init; }
}

/// <summary>The outcome of trying the stored settings, per server.</summary>
public sealed record MailSettingsTestDto
{
    public required MailServerTestDto Smtp { get; init; }

    public required MailServerTestDto Imap { get; init; }
}
