using System.Collections.Concurrent;
using SmtpServer;
using SmtpServer.Authentication;
using SmtpServer.ComponentModel;

namespace CaseApi.Tests.Support;

/// <summary>
/// An SMTP server in the test process on 127.0.0.1 (SmtpServer): a submission port with STARTTLS and one with TLS from the first
/// byte, both with the test certificate, both taking AUTH only over TLS and only for <see cref="User"/> and <see cref="Password"/>.
/// Records the passwords it was offered and counts sessions, so that a test can show nothing reached it.
/// </summary>
public sealed class LoopbackSmtp : IAsyncDisposable
{
    public const string User = "cases@ngo.example";

    private readonly CancellationTokenSource stop = new();
    private readonly SmtpServer.SmtpServer server;
    private readonly Task running;

    public LoopbackSmtp(TestCertificate certificate, string password)
    {
        Password = password;
        StartTlsPort = TestCertificate.FreePort();
        TlsPort = TestCertificate.FreePort();
        var options = new SmtpServerOptionsBuilder()
            .ServerName("localhost")
            .Endpoint(e => e.Endpoint(new IPEndPoint(IPAddress.Loopback, StartTlsPort)).Certificate(certificate.Certificate).AllowUnsecureAuthentication(false))
            .Endpoint(e => e.Endpoint(new IPEndPoint(IPAddress.Loopback, TlsPort)).IsSecure(true).Certificate(certificate.Certificate).AllowUnsecureAuthentication(false))
            .Build();
        var services = new ServiceProvider();
        services.Add(new Authenticator(this));
        server = new SmtpServer.SmtpServer(options, services);
        server.SessionCreated += (_, _) => Interlocked.Increment(ref sessions);
        running = server.StartAsync(stop.Token);
    }

    private int sessions;

    public string Password { get; }

    public int StartTlsPort { get; }

    public int TlsPort { get; }

    public int Sessions => Volatile.Read(ref sessions);

    public ConcurrentQueue<string> PasswordsOffered { get; } = new();

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        try
        {
            await running;
        }
        catch (OperationCanceledException)
        {
        }

        stop.Dispose();
    }

    private sealed class Authenticator(LoopbackSmtp smtp) : IUserAuthenticator
    {
        public Task<bool> AuthenticateAsync(ISessionContext context, string user, string password, CancellationToken cancellationToken)
        {
            smtp.PasswordsOffered.Enqueue(password);
            return Task.FromResult(user == User && password == smtp.Password);
        }
    }
}
