using System.Buffers;
using System.Collections.Concurrent;
using MimeKit;
using SmtpServer;
using SmtpServer.Authentication;
using SmtpServer.ComponentModel;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace CaseApi.Tests.Support;

/// <summary>
/// An SMTP server in the test process on 127.0.0.1 (SmtpServer): a submission port with STARTTLS and one with TLS from the first
/// byte, both with the test certificate, both taking AUTH only over TLS and only for <see cref="User"/> and <see cref="Password"/>.
/// Records the passwords it was offered and counts sessions, so that a test can show nothing reached it.
/// Keeps every message it accepts (<see cref="Accepted"/>), with a <c>Received</c> header stamped at its acceptance as a submission server
/// adds one; with <see cref="CopyTo"/> it also puts each message with a recipient at the organisation's domain into that Dovecot mailbox, as
/// the organisation's own server delivers a Bcc to its mailbox. <see cref="Script"/> sets how the next messages are answered: an error reply,
/// or held at the moment of acceptance (stored, or dropped as by a server that never committed it) until the test releases the reply.
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
        services.Add(new Store(this));
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

    /// <summary>The messages accepted (answered 250, or held after being stored), as received, with their envelope recipients.</summary>
    public ConcurrentQueue<(IReadOnlyList<string> Recipients, MimeMessage Message)> Accepted { get; } = new();

    /// <summary>Messages the server saw the whole of, accepted or not.</summary>
    public int MessagesSeen => Volatile.Read(ref seen);

    /// <summary>The acceptance time the server stamps into its Received header; now unless the test says.</summary>
    public Func<DateTimeOffset> Clock { get; set; } = () => DateTimeOffset.UtcNow;

    private int seen;
    private readonly ConcurrentQueue<Answer> script = new();
    private (Dovecot Mailbox, string Domain)? copy;

    /// <summary>How the next message is answered: <paramref name="Reply"/> (an error, or null for 250); <paramref name="Hold"/> keeps the reply
    /// back until it completes, after the message was stored (<paramref name="Store"/>) or not; <paramref name="Drop"/> closes the connection
    /// instead of replying, as a server or network that fails at that moment.</summary>
    public sealed record Answer(SmtpResponse? Reply = null, Task? Hold = null, bool Store = true, bool Drop = false);

    /// <summary>Completes when a held message has reached the point of its reply.</summary>
    public TaskCompletionSource Holding { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Script(params Answer[] answers)
    {
        foreach (var answer in answers)
        {
            script.Enqueue(answer);
        }
    }

    /// <summary>Delivers every accepted message with a recipient <c>…@<paramref name="domain"/></c> into <paramref name="mailbox"/>'s INBOX.</summary>
    public void CopyTo(Dovecot mailbox, string domain) => copy = (mailbox, domain);

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

    private sealed class Store(LoopbackSmtp smtp) : IMessageStore
    {
        public async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref smtp.seen);
            var answer = smtp.script.TryDequeue(out var next) ? next : new Answer();
            if (answer.Reply is null && answer.Store)
            {
                var raw = $"Received: from client by localhost (CaseApi tests); {MimeKit.Utils.DateUtils.FormatDate(smtp.Clock())}\r\n{System.Text.Encoding.UTF8.GetString(buffer.ToArray())}";
                var message = MimeMessage.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(raw)));
                var recipients = transaction.To.Select(m => $"{m.User}@{m.Host}").ToArray();
                smtp.Accepted.Enqueue((recipients, message));
                if (smtp.copy is var (mailbox, domain) && recipients.Any(r => r.EndsWith($"@{domain}", StringComparison.OrdinalIgnoreCase)))
                {
                    await mailbox.DeliverAsync(raw);
                }
            }

            if (answer.Hold is { } hold)
            {
                smtp.Holding.TrySetResult();
                await hold;
            }

            if (answer.Drop)
            {
                context.Pipe.Input.Complete();
                context.Pipe.Output.Complete();
                (context.Pipe as IDisposable)?.Dispose();
                throw new IOException("The test dropped the connection before the reply.");
            }

            return answer.Reply ?? (answer.Store ? SmtpResponse.Ok : new SmtpResponse(SmtpReplyCode.TransactionFailed, "not stored"));
        }
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
