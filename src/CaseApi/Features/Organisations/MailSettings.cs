using System.Buffers;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using CaseApi.Features.Webhooks;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;
using CaseApi.Infrastructure.Json;
using CaseApi.Infrastructure.Secrets;
using FluentValidation;

namespace CaseApi.Features.Organisations;

/// <summary>How the connection to a mail server is secured.</summary>
public enum MailTls
{
    /// <summary>No encryption: only without a user and password, or to a server on the loopback interface.</summary>
    None,

    /// <summary>A plain connection upgraded with STARTTLS before anything else is sent (SMTP submission on 587, IMAP on 143); refused when the server does not offer it.</summary>
    Starttls,

    /// <summary>TLS from the first byte (SMTPS on 465, IMAPS on 993).</summary>
    Tls,
}

/// <summary>A mail server as stored: where it is and how to log in, without the password.</summary>
public record MailServerDto
{
    /// <summary>Host name or IP address.</summary>
    /// <example>mail.ngo.example</example>
    public required string Host { get; init; }

    /// <summary>TCP port.</summary>
    /// <example>587</example>
    public int Port { get; init; }

    /// <summary>How the connection is secured.</summary>
    public MailTls Tls { get; init; }

    /// <summary>The login name; null for an SMTP relay that takes mail without AUTH.</summary>
    /// <example>cases@ngo.example</example>
    public string? User { get; init; }

    /// <summary>Whether a password is stored. The password itself is never returned.</summary>
    public bool PasswordSet { get; init; }

    /// <summary>The SHA-256 fingerprint of the one certificate accepted from this server (a self-signed one); null where the certificate must be valid for the host.</summary>
    public string? TrustedCertificateSha256 { get; init; }
}

/// <summary>The IMAP server and the folder whose messages are imported.</summary>
public sealed record MailboxDto : MailServerDto
{
    /// <summary>The folder watched for replies.</summary>
    /// <example>INBOX</example>
    public required string Folder { get; init; }
}

/// <summary>The organisation's mail settings: how letters are sent by e-mail and where replies are collected.</summary>
public sealed record MailSettingsDto : IVersioned
{
    /// <summary>The sender address of every message.</summary>
    /// <example>cases@ngo.example</example>
    public required string FromAddress { get; init; }

    /// <summary>The sender's display name.</summary>
    /// <example>Verbraucherzentrale NRW – Rechtsabteilung</example>
    public string? FromName { get; init; }

    /// <summary>The Reply-To address of every message, with <c>{token}</c> standing for the case's token, so that a reply finds its case.</summary>
    /// <example>cases+{token}@ngo.example</example>
    public required string ReplyAddressPattern { get; init; }

    /// <summary>The server that sends.</summary>
    public required MailServerDto Smtp { get; init; }

    /// <summary>The mailbox that receives.</summary>
    public required MailboxDto Imap { get; init; }

    /// <summary>Minutes between two looks into the mailbox.</summary>
    /// <example>5</example>
    public int PollIntervalMinutes { get; init; }

    /// <summary>The version, for <c>If-Match</c>.</summary>
    public int Version { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>A mail server as an admin sets it.</summary>
public record MailServerFields
{
    /// <summary>Host name or IP address; private, loopback and link-local addresses are refused (the server is connected to from CaseApi's network).</summary>
    /// <example>mail.ngo.example</example>
    public required string Host { get; init; }

    /// <summary>TCP port; without it, the usual one for the protocol and <c>tls</c> (SMTP 587, 465 with <c>tls</c>, 25 with <c>none</c>; IMAP 143, 993 with <c>tls</c>).</summary>
    /// <example>587</example>
    public int? Port { get; init; }

    /// <summary>How the connection is secured.</summary>
    public required MailTls Tls { get; init; }

    /// <summary>The login name; SMTP without one sends without AUTH.</summary>
    /// <example>cases@ngo.example</example>
    public string? User { get; init; }

    /// <summary>
    /// The password, stored encrypted and never returned. Leave it out to keep the stored one: that works only while
    /// <c>host</c> and <c>user</c> stay as they are, so that a stored password is never sent to a server it was not given for.
    /// </summary>
    /// <example>correct horse battery staple</example>
    public string? Password { get; init; }

    /// <summary>
    /// For a server with a self-signed certificate: the SHA-256 fingerprint of that certificate (64 hex digits, colons
    /// allowed, as <c>openssl x509 -noout -fingerprint -sha256</c> prints it); exactly that certificate is then accepted. Without
    /// it the certificate must be valid for the host.
    /// </summary>
    public string? TrustedCertificateSha256 { get; init; }
}

/// <summary>The IMAP server as an admin sets it.</summary>
public sealed record MailboxFields : MailServerFields
{
    /// <summary>The folder to watch for replies; INBOX without it.</summary>
    /// <example>INBOX</example>
    public string? Folder { get; init; }
}

/// <summary>Everything <c>PUT /v1/organisation/mail</c> replaces.</summary>
public sealed record MailSettingsFields
{
    /// <summary>The sender address (ASCII; the display name is <c>fromName</c>).</summary>
    /// <example>cases@ngo.example</example>
    public required string FromAddress { get; init; }

    /// <summary>The sender's display name.</summary>
    /// <example>Verbraucherzentrale NRW – Rechtsabteilung</example>
    public string? FromName { get; init; }

    /// <summary>
    /// The Reply-To address, with <c>{token}</c> once before the <c>@</c>; each case's token (up to 32 letters and digits)
    /// takes its place. Plus-addressing (<c>cases+{token}@ngo.example</c>) delivers every such address to one mailbox.
    /// </summary>
    /// <example>cases+{token}@ngo.example</example>
    public required string ReplyAddressPattern { get; init; }

    /// <summary>The server that sends.</summary>
    public required MailServerFields Smtp { get; init; }

    /// <summary>The mailbox that receives; it needs a user and a password.</summary>
    public required MailboxFields Imap { get; init; }

    /// <summary>Minutes between two looks into the mailbox, 1 to 60; 5 without it.</summary>
    /// <example>5</example>
    public int? PollIntervalMinutes { get; init; }

    public sealed class Validator : AbstractValidator<MailSettingsFields>
    {
        public Validator(MailHosts hosts)
        {
            RuleFor(m => m.FromAddress).NotEmpty().Must(MailAddresses.IsAddress).WithMessage(MailAddresses.AddressMessage);
            RuleFor(m => m.FromName).NotEmpty().IsLineText(200).When(m => m.FromName is not null);
            RuleFor(m => m.ReplyAddressPattern).NotEmpty().Must(MailAddresses.IsReplyPattern).WithMessage(MailAddresses.PatternMessage);
            RuleFor(m => m.Smtp).SetValidator(new ServerValidator(hosts));
            RuleFor(m => m.Imap).SetValidator(new ServerValidator(hosts));
            RuleFor(m => m.Imap.User).NotEmpty().WithMessage("The mailbox needs a user to log in as.");
            RuleFor(m => m.Imap.Folder).NotEmpty().IsLineText(200).When(m => m.Imap.Folder is not null);
            RuleFor(m => m.PollIntervalMinutes).InclusiveBetween(MailSettings.ShortestPoll, MailSettings.LongestPoll);
        }
    }

    private sealed class ServerValidator : AbstractValidator<MailServerFields>
    {
        public ServerValidator(MailHosts hosts)
        {
            RuleFor(s => s.Host).NotEmpty().Must(host => hosts.Refusal(host) is null).WithMessage((_, host) => hosts.Refusal(host));
            RuleFor(s => s.Port).InclusiveBetween(1, 65535);
            RuleFor(s => s.Tls).IsInEnum()
                .Must((server, tls) => tls != MailTls.None || server.User is null || MailHosts.IsLoopback(server.Host))
                .WithMessage("With a user and password, use starttls or tls: none would send the password in clear (accepted only for a server on the loopback interface).");
            RuleFor(s => s.User).NotEmpty().IsLineText(320).When(s => s.User is not null);
            RuleFor(s => s.User).NotEmpty().When(s => s.Password is not null).WithMessage("A password needs the user it belongs to.");
            RuleFor(s => s.Password).NotEmpty().IsLineText(1000).When(s => s.Password is not null);
            RuleFor(s => s.TrustedCertificateSha256)
                .Must(fingerprint => MailSettings.Fingerprint(fingerprint) is not null)
                .WithMessage("Must be a SHA-256 fingerprint: 64 hex digits, optionally in pairs separated by colons.")
                .Must((server, _) => server.Tls != MailTls.None).WithMessage("A connection without TLS has no certificate to trust: use starttls or tls.")
                .When(s => s.TrustedCertificateSha256 is not null);
        }
    }
}

/// <summary>Sender and reply addresses: plain ASCII addr-specs, bounded as SMTP bounds them (RFC 5321 § 4.5.3.1).</summary>
public static partial class MailAddresses
{
    public const string Token = "{token}";

    /// <summary>A case's token is at most this long; the pattern must stay a valid address with the longest one in place.</summary>
    public const int LongestToken = 32;

    public const string AddressMessage = "Must be an e-mail address such as cases@ngo.example (ASCII letters, digits and dots; no display name).";

    public const string PatternMessage =
        "Must be an e-mail address with {token} exactly once before the @, as the whole local part or set off by + - . _ or =, such as cases+{token}@ngo.example; "
        + "each case's token (up to 32 letters and digits) takes its place.";

    /// <summary>
    /// What may stand beside <c>{token}</c> in the local part. A reply's token is read back from whatever address the pattern made
    /// (<see cref="Correspondence.ThreadClues.MailToken"/>), which can only find it where it is set off from the letters around it.
    /// </summary>
    public static readonly SearchValues<char> TokenDelimiters = SearchValues.Create("+-._=");

    /// <summary>
    /// Dot-atom local part (RFC 5322 § 3.4.1) without the braces, which stay reserved for <c>{token}</c>; a domain of at least two
    /// labels. No quoted local parts, IP literals or non-ASCII: no mail server of an NGO needs them, and every one of them reads this form.
    /// </summary>
    [GeneratedRegex(@"^[A-Za-z0-9!#$%&'*+/=?^_`|~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`|~-]+)*@[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$",
        RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex AddrSpec();

    public static bool IsAddress(string? text) =>
        text is { Length: <= 254 } && text.IndexOf('@', StringComparison.Ordinal) is > 0 and <= 64 && AddrSpec().IsMatch(text);

    public static bool IsReplyPattern(string? pattern)
    {
        if (pattern is null || pattern.Length > 254)
        {
            return false;
        }

        var at = pattern.IndexOf(Token, StringComparison.Ordinal);
        var end = at + Token.Length;
        return at >= 0 && at == pattern.LastIndexOf(Token, StringComparison.Ordinal) && at < pattern.IndexOf('@', StringComparison.Ordinal)
               && (at == 0 || TokenDelimiters.Contains(pattern[at - 1])) && (pattern[end] == '@' || TokenDelimiters.Contains(pattern[end]))
               && IsAddress(pattern.Replace(Token, new string('x', LongestToken), StringComparison.Ordinal));
    }
}

/// <summary>The stored settings: one reader for the GET, the PUT and the connection test.</summary>
public static class MailSettings
{
    public const int ShortestPoll = 1;

    public const int LongestPoll = 60;

    public const int DefaultPoll = 5;

    public const string DefaultFolder = "INBOX";

    public static int DefaultSmtpPort(MailTls tls) => tls switch { MailTls.Tls => 465, MailTls.None => 25, _ => 587 };

    public static int DefaultImapPort(MailTls tls) => tls == MailTls.Tls ? 993 : 143;

    /// <summary>A fingerprint in the form <c>openssl</c> prints (upper-case pairs joined by colons), or null if it is none.</summary>
    public static string? Fingerprint(string? text)
    {
        var hex = text?.Replace(":", "", StringComparison.Ordinal);
        return hex is { Length: 64 } && hex.All(Uri.IsHexDigit)
            ? string.Join(':', Enumerable.Range(0, 32).Select(i => hex.Substring(i * 2, 2).ToUpperInvariant()))
            : null;
    }

    public static string Fingerprint(byte[] sha256) => string.Join(':', sha256.Select(b => b.ToString("X2", CultureInfo.InvariantCulture)));

    internal const string Columns = """
        from_address, from_name, reply_address_pattern,
        smtp_host, smtp_port, smtp_tls, smtp_user, smtp_password, smtp_trusted_certificate,
        imap_host, imap_port, imap_tls, imap_user, imap_password, imap_trusted_certificate, imap_folder,
        poll_interval_minutes, version, updated_at
        """;

    /// <summary>The table's row, passwords as stored (encrypted): Dapper cannot map the flat columns onto the nested DTO.</summary>
    internal sealed record Row
    {
        public required string FromAddress { get; init; }

        public string? FromName { get; init; }

        public required string ReplyAddressPattern { get; init; }

        public required string SmtpHost { get; init; }

        public int SmtpPort { get; init; }

        public required string SmtpTls { get; init; }

        public string? SmtpUser { get; init; }

        public string? SmtpPassword { get; init; }

        public string? SmtpTrustedCertificate { get; init; }

        public required string ImapHost { get; init; }

        public int ImapPort { get; init; }

        public required string ImapTls { get; init; }

        public required string ImapUser { get; init; }

        public required string ImapPassword { get; init; }

        public string? ImapTrustedCertificate { get; init; }

        public required string ImapFolder { get; init; }

        public int PollIntervalMinutes { get; init; }

        public int Version { get; init; }

        public DateTimeOffset UpdatedAt { get; init; }

        /// <summary>The SMTP server with its password decrypted, for one connection.</summary>
        public MailServer Smtp(SecretProtector secrets) => new(SmtpHost, SmtpPort, SnakeCase.ToEnum<MailTls>(SmtpTls), SmtpUser,
            SmtpPassword is null ? null : secrets.Unprotect(SmtpPassword), SmtpTrustedCertificate);

        /// <summary>The IMAP server with its password decrypted, for one connection.</summary>
        public MailServer Imap(SecretProtector secrets) => new(ImapHost, ImapPort, SnakeCase.ToEnum<MailTls>(ImapTls), ImapUser,
            secrets.Unprotect(ImapPassword), ImapTrustedCertificate);

        public MailSettingsDto ToDto() => new()
        {
            FromAddress = FromAddress, FromName = FromName, ReplyAddressPattern = ReplyAddressPattern,
            Smtp = new MailServerDto
            {
                Host = SmtpHost, Port = SmtpPort, Tls = SnakeCase.ToEnum<MailTls>(SmtpTls), User = SmtpUser, PasswordSet = SmtpPassword is not null,
                TrustedCertificateSha256 = SmtpTrustedCertificate,
            },
            Imap = new MailboxDto
            {
                Host = ImapHost, Port = ImapPort, Tls = SnakeCase.ToEnum<MailTls>(ImapTls), User = ImapUser, PasswordSet = true,
                TrustedCertificateSha256 = ImapTrustedCertificate, Folder = ImapFolder,
            },
            PollIntervalMinutes = PollIntervalMinutes, Version = Version, UpdatedAt = UpdatedAt,
        };
    }

    internal static Task<Row?> LoadAsync(DbSession db, CancellationToken ct, bool forUpdate = false) =>
        db.QuerySingleOrDefaultAsync<Row>(
            $"SELECT {Columns} FROM organisation_mail_settings WHERE organisation_id = current_organisation_id(){(forUpdate ? " FOR UPDATE" : "")}", ct: ct);

    internal static ApiProblemException NotSet() => new(StatusCodes.Status404NotFound, "not_found",
        "The organisation has no mail settings yet: an admin sets them with PUT /v1/organisation/mail and If-Match: \"0\".");
}

/// <summary>
/// Which mail servers may be connected to: as for webhooks (<see cref="WebhookAddresses"/>), not private, loopback or
/// link-local ones, checked when saved and again on the addresses a name resolves to when connecting, so that the
/// connection test cannot be used to probe the network CaseApi runs in. Unlike webhooks, an organisation's own mail server
/// often is on that network: <c>Mail:AllowPrivateAddresses=true</c> lifts the rule for installations where that is wanted
/// (and for tests, whose servers listen on the loopback interface).
/// </summary>
public sealed class MailHosts(IConfiguration configuration, ResolveHost resolve)
{
    public const string NoPublicAddress = "The host has no public address (or none at all): check the name.";

    public bool AllowPrivate { get; } = configuration.GetValue("Mail:AllowPrivateAddresses", false);

    /// <summary>Why a host may not be saved, or null when it may. Names are resolved when connecting: that check is the one that counts.</summary>
    public string? Refusal(string? host)
    {
        if (string.IsNullOrEmpty(host) || host.Length > 253
            || (!IPAddress.TryParse(host, out _) && Uri.CheckHostName(host) != UriHostNameType.Dns))
        {
            return "Must be a host name or an IP address.";
        }

        return AllowPrivate || !IsPrivateHost(host) ? null : "Must not point at a private, loopback or link-local address.";
    }

    /// <summary>The addresses to connect to: none for a name that does not resolve and for one that resolves to private addresses only, alike.</summary>
    public async Task<IPAddress[]> AddressesAsync(string host, CancellationToken ct)
    {
        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await resolve(host, ct);
        }
        catch (System.Net.Sockets.SocketException)
        {
            addresses = [];
        }

        return AllowPrivate ? addresses : addresses.Where(a => !WebhookAddresses.IsPrivate(a)).ToArray();
    }

    public static bool IsLoopback(string? host) =>
        host is not null && (IPAddress.TryParse(host, out var address) ? IPAddress.IsLoopback(address) : IsLocalhost(host));

    private static bool IsPrivateHost(string host) => IPAddress.TryParse(host, out var address) ? WebhookAddresses.IsPrivate(address) : IsLocalhost(host);

    private static bool IsLocalhost(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase);
}

internal static class MailRules
{
    /// <summary>A value that goes into an SMTP or IMAP command line: no control characters at all, CR and LF least of all.</summary>
    public static IRuleBuilderOptions<T, string?> IsLineText<T>(this IRuleBuilder<T, string?> rule, int maxLength) =>
        rule.MaximumLength(maxLength).Must(text => text is null || !text.Any(char.IsControl)).WithMessage("Must not contain control characters.");
}
