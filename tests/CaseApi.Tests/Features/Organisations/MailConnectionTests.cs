using System.Collections.Concurrent;
using System.Net.Sockets;
using CaseApi.Features.Webhooks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CaseApi.Tests.Features.Organisations;

/// <summary>
/// Issue 15 point 1: <c>POST /v1/organisation/mail/test</c> against real servers on the loopback interface, which only
/// <c>Mail:AllowPrivateAddresses</c> permits: SmtpServer in the test process and Dovecot as a process of its own, both with a
/// self-signed certificate that the settings pin. Each failure is reported at its stage, and no password is in any answer or log line.
/// </summary>
public sealed class MailConnectionTests(MailConnectionTests.Loopback api, Dovecot dovecot) : IClassFixture<MailConnectionTests.Loopback>, IClassFixture<Dovecot>, IAsyncLifetime
{
    private const string SmtpPassword = "smtp-Secr3t-5d2c9a71";

    private LoopbackSmtp? smtp;

    private LoopbackSmtp Submission => smtp!;

    public sealed class Loopback : CaseApiFactory
    {
        private readonly CapturedLog captured = new();

        public ConcurrentQueue<string> Log => captured.Lines;

        // Every level of every category, so that a password written at any level is found: appsettings.json's levels win over SetMinimumLevel.
        protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
        {
            ["Mail:AllowPrivateAddresses"] = "true", ["Logging:LogLevel:Default"] = "Trace", ["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace",
        };

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(captured));
            // No name is looked up for real (tests reach only the loopback interface): every name is unknown but these.
            builder.ConfigureTestServices(services => services.AddSingleton<ResolveHost>((host, _) => host == "mail.ngo.example"
                ? Task.FromResult(new[] { IPAddress.Loopback })
                : throw new SocketException((int)SocketError.HostNotFound)));
        }
    }

    public Task InitializeAsync()
    {
        smtp = new LoopbackSmtp(dovecot.Certificate, SmtpPassword);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await Submission.DisposeAsync();

    [Fact]
    public async Task Both_servers_are_ok_with_their_pinned_certificate_and_no_password_is_in_any_answer_or_log_line()
    {
        using var admin = api.ClientFor((await api.CreateOrganisationAsync()).AdminKey);
        var loginsBefore = Logins();
        var answers = new List<string>();
        var reports = new List<JsonElement>();
        // SMTP with STARTTLS and with TLS from the first byte; IMAP likewise, the name resolving to the loopback interface once.
        foreach (var (smtpTls, smtpPort, imapTls, imapPort, host) in new[]
                 {
                     ("starttls", Submission.StartTlsPort, "tls", dovecot.ImapsPort, "127.0.0.1"),
                     ("tls", Submission.TlsPort, "starttls", dovecot.ImapPort, "mail.ngo.example"),
                 })
        {
            using var put = await MailApi.PutAsync(admin, Settings(Smtp(smtpTls, smtpPort, host: host), Imap(imapTls, imapPort, host: host)), "*");
            answers.Add(await put.Content.ReadAsStringAsync());
            Assert.True(put.IsSuccessStatusCode, answers[^1]);
            var report = await MailApi.TestAsync(admin);
            answers.Add(report.ToString());
            reports.Add(report);
            answers.Add(await admin.GetStringAsync(MailApi.Path));
        }

        Assert.All(reports.SelectMany(r => new[] { r.GetProperty("smtp"), r.GetProperty("imap") }), server =>
            Assert.Equal(("ok", true), (server.GetProperty("stage").GetString(), server.GetProperty("ok").GetBoolean())));
        Assert.Equal("Connected, logged in and opened INBOX.", reports[0].GetProperty("imap").GetProperty("detail").GetString());
        // The servers were really logged in to with the passwords: the SMTP server saw them, and Dovecot logged the logins.
        Assert.Equal([SmtpPassword, SmtpPassword], Submission.PasswordsOffered);
        Assert.Equal(loginsBefore + 2, Logins());
        AssertNoPassword(answers);
    }

    [Fact]
    public async Task Wrong_passwords_fail_at_auth()
    {
        using var admin = api.ClientFor((await api.CreateOrganisationAsync()).AdminKey);
        await MailApi.PutAsync(admin, Settings(Smtp("starttls", Submission.StartTlsPort, password: "wrong-Smtp-e1f4"), Imap("tls", dovecot.ImapsPort, password: "wrong-Imap-9c3b")), "\"0\"");

        var report = await MailApi.TestAsync(admin);

        AssertStage(report.GetProperty("smtp"), "auth", "The server refused the user name or password.");
        AssertStage(report.GetProperty("imap"), "auth", "The server refused the user name or password.");
        AssertNoPassword([report.ToString()], "wrong-Smtp-e1f4", "wrong-Imap-9c3b");
    }

    [Fact]
    public async Task An_unknown_host_fails_at_dns_and_a_closed_port_at_connect()
    {
        using var admin = api.ClientFor((await api.CreateOrganisationAsync()).AdminKey);
        var closed = TestCertificate.FreePort();
        await MailApi.PutAsync(admin, Settings(Smtp("tls", Submission.TlsPort, host: "mail.no-such-host.invalid"), Imap("tls", closed)), "\"0\"");

        var report = await MailApi.TestAsync(admin);

        AssertStage(report.GetProperty("smtp"), "dns", "The host has no public address (or none at all): check the name.");
        AssertStage(report.GetProperty("imap"), "connect", $"No connection to 127.0.0.1 port {closed}: refused.");
        Assert.Equal(0, Submission.Sessions);
    }

    [Fact]
    public async Task TLS_from_the_first_byte_on_a_plain_port_and_an_untrusted_certificate_fail_at_tls()
    {
        using var admin = api.ClientFor((await api.CreateOrganisationAsync()).AdminKey);
        var colons = string.Join(':', Enumerable.Range(0, 32).Select(i => dovecot.Certificate.Sha256.Substring(i * 2, 2)));
        var other = new string('A', 64);

        await MailApi.PutAsync(admin, Settings(Smtp("tls", Submission.StartTlsPort), Imap("tls", dovecot.ImapPort)), "*");
        var plainPorts = await MailApi.TestAsync(admin);
        await MailApi.PutAsync(admin, Settings(Smtp("starttls", Submission.StartTlsPort, pin: null), Imap("tls", dovecot.ImapsPort, pin: other)), "*");
        var untrusted = await MailApi.TestAsync(admin);

        Assert.Equal("tls", plainPorts.GetProperty("smtp").GetProperty("stage").GetString());
        Assert.Equal("tls", plainPorts.GetProperty("imap").GetProperty("stage").GetString());
        var unpinned = untrusted.GetProperty("smtp");
        Assert.Equal("tls", unpinned.GetProperty("stage").GetString());
        Assert.Contains($"its SHA-256 fingerprint is {colons}", unpinned.GetProperty("detail").GetString(), StringComparison.Ordinal);
        AssertStage(untrusted.GetProperty("imap"), "tls", $"The server's certificate is not the trusted one: its SHA-256 fingerprint is {colons}.");
        Assert.Empty(Submission.PasswordsOffered);
    }

    [Fact]
    public async Task A_missing_folder_fails_at_folder_and_a_plain_connection_to_the_loopback_interface_may_carry_a_password()
    {
        using var admin = api.ClientFor((await api.CreateOrganisationAsync()).AdminKey);
        await MailApi.PutAsync(admin, Settings(Smtp("starttls", Submission.StartTlsPort), Imap("none", dovecot.ImapPort, folder: "Replies", pin: null)), "\"0\"");

        var report = await MailApi.TestAsync(admin);

        AssertStage(report.GetProperty("smtp"), "ok", "Connected and logged in.");
        AssertStage(report.GetProperty("imap"), "folder", "The mailbox has no folder Replies.");
    }

    private int Logins() => dovecot.Log().Split('\n').Count(line => line.Contains($"Login: user=<{Dovecot.User}>", StringComparison.Ordinal));

    private void AssertNoPassword(IEnumerable<string> answers, params string[] more)
    {
        var secrets = more.Append(SmtpPassword).Append(dovecot.Password).ToArray();
        var texts = answers.Concat(api.Log).ToArray();
        Assert.NotEmpty(api.Log);
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(texts, text => text.Contains(secret, StringComparison.Ordinal));
        }
    }

    private static void AssertStage(JsonElement server, string stage, string detail)
    {
        Assert.Equal((stage, stage == "ok", detail), (server.GetProperty("stage").GetString(), server.GetProperty("ok").GetBoolean(), server.GetProperty("detail").GetString()));
    }

    private object Settings(object smtpServer, object imapServer) => MailApi.Body(smtpServer, imapServer);

    private object Smtp(string tls, int port, string host = "127.0.0.1", string? password = null, string? pin = "pinned") =>
        new { host, port, tls, user = LoopbackSmtp.User, password = password ?? SmtpPassword, trustedCertificateSha256 = pin is null ? null : dovecot.Certificate.Sha256 };

    private object Imap(string tls, int port, string host = "127.0.0.1", string? password = null, string folder = "INBOX", string? pin = "pinned") =>
        new
        {
            host, port, tls, user = Dovecot.User, password = password ?? dovecot.Password, folder,
            trustedCertificateSha256 = pin switch { null => null, "pinned" => dovecot.Certificate.Sha256, _ => pin },
        };
}
