using System.Diagnostics;
using System.Net.Sockets;

namespace CaseApi.Tests.Support;

/// <summary>
/// A real IMAP server for the tests: Debian's Dovecot (<c>apt-get install dovecot-imapd</c>; .ci/run installs it), started as a
/// process of its own from a generated configuration (<c>dovecot -c &lt;config&gt; -F</c>, nothing of the system's), unprivileged:
/// as the current user, or as the package's <c>dovecot</c> user when the tests run as root. It listens on 127.0.0.1 only, on two
/// free ports: <see cref="ImapPort"/> (plain, with STARTTLS) and <see cref="ImapsPort"/> (TLS from the first byte), with the
/// test's self-signed certificate. One user, <see cref="User"/>, whose mailbox is a Maildir that <see cref="DeliverAsync"/> fills.
/// A class fixture: each class that uses it gets its own server. Without Dovecot the fixture fails, saying how to install it.
/// </summary>
public sealed class Dovecot : IAsyncLifetime
{
    public const string User = "cases";

    private const string Executable = "/usr/sbin/dovecot";
    private const string RootServiceUser = "dovecot";

    private readonly string directory = Path.Combine(Path.GetTempPath(), $"caseapi-dovecot-{Guid.NewGuid():N}");
    private Process? process;

    /// <summary>Distinctive, so that a test can look for it in everything CaseApi answers and logs.</summary>
    public string Password { get; } = $"dove-{Guid.NewGuid():N}";

    public TestCertificate Certificate { get; } = new();

    public int ImapPort { get; } = TestCertificate.FreePort();

    public int ImapsPort { get; } = TestCertificate.FreePort();

    private static bool RunsAsRoot => Environment.UserName == "root";

    private string LogPath => Path.Combine(directory, "dovecot.log");

    private string Maildir => Path.Combine(directory, "mail", User);

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(Executable), $"Dovecot is not installed ({Executable} is missing): apt-get install dovecot-imapd.");
        var account = RunsAsRoot ? RootServiceUser : Environment.UserName;
        var uid = (await Tool.RunAsync("id", ["-u", account], "/")).Log.Trim();
        var gid = (await Tool.RunAsync("id", ["-g", account], "/")).Log.Trim();
        Directory.CreateDirectory(Path.Combine(directory, "mail"));
        await File.WriteAllTextAsync(Path.Combine(directory, "cert.pem"), Certificate.CertificatePem);
        await File.WriteAllTextAsync(Path.Combine(directory, "key.pem"), Certificate.KeyPem);
        await File.WriteAllTextAsync(Path.Combine(directory, "users"), $"{User}:{{PLAIN}}{Password}\n");
        await File.WriteAllTextAsync(Path.Combine(directory, "dovecot.conf"), $$"""
            # Dovecot 2.3, run without root: every service as one user, every path in this folder.
            instance_name = caseapi-test-{{Path.GetFileName(directory)}}
            base_dir = {{directory}}/run
            state_dir = {{directory}}/state
            log_path = {{LogPath}}
            protocols = imap
            listen = 127.0.0.1
            default_internal_user = {{account}}
            default_internal_group = {{account}}
            default_login_user = {{account}}
            first_valid_uid = {{uid}}
            first_valid_gid = {{gid}}
            ssl = yes
            ssl_cert = <{{directory}}/cert.pem
            ssl_key = <{{directory}}/key.pem
            # The test for tls none logs in over a plain connection to the loopback interface.
            disable_plaintext_auth = no
            auth_mechanisms = plain login
            mail_location = maildir:{{directory}}/mail/%u
            passdb {
              driver = passwd-file
              args = scheme=PLAIN {{directory}}/users
            }
            userdb {
              driver = static
              args = uid={{uid}} gid={{gid}} home={{directory}}/mail/%u
            }
            service imap-login {
              chroot =
              inet_listener imap {
                port = {{ImapPort}}
              }
              inet_listener imaps {
                port = {{ImapsPort}}
                ssl = yes
              }
            }
            service anvil {
              chroot =
            }
            """);
        if (RunsAsRoot && !OperatingSystem.IsWindows())
        {
            // The service user must reach the folder (the temp folder is world-traversable) and own what it writes.
            File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
            var (exit, log) = await Tool.RunAsync("chown", ["-R", $"{account}:{gid}", directory], "/");
            Assert.True(exit == 0, log);
        }

        // setpriv replaces itself with Dovecot (no parent left behind), so that the process killed at the end is Dovecot's master.
        var info = new ProcessStartInfo(RunsAsRoot ? "/usr/bin/setpriv" : Executable) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (RunsAsRoot ? ["--reuid", uid, "--regid", gid, "--clear-groups", Executable] : Array.Empty<string>()).Concat(["-c", Path.Combine(directory, "dovecot.conf"), "-F"]))
        {
            info.ArgumentList.Add(argument);
        }

        process = Process.Start(info)!;
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => output.AppendLine(e.Data);
        process.ErrorDataReceived += (_, e) => output.AppendLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await Poll.UntilAsync(async () => process.HasExited || (await AcceptsAsync(ImapPort) && await AcceptsAsync(ImapsPort)), "Dovecot to listen",
            () => output + Log(), timeout: TimeSpan.FromSeconds(30));
        if (process.HasExited)
        {
            Assert.Fail($"Dovecot exited with {process.ExitCode}:\n{output}{Log()}");
        }
    }

    /// <summary>
    /// Puts a message into the user's INBOX, or into <paramref name="folder"/> (created when missing: Maildir++ keeps a folder in
    /// <c>.name</c>), as a delivery agent would (Maildir: written to tmp, moved to new). Tests that poll give each organisation a folder.
    /// </summary>
    public async Task DeliverAsync(string message, string? folder = null)
    {
        var maildir = FolderDirectory(folder);
        var name = $"{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}.{Guid.NewGuid():N}.caseapi-test";
        await File.WriteAllTextAsync(Path.Combine(maildir, "tmp", name), message.ReplaceLineEndings("\r\n"));
        File.Move(Path.Combine(maildir, "tmp", name), Path.Combine(maildir, "new", name));
        if (RunsAsRoot)
        {
            await Tool.RunAsync("chown", ["-R", $"{RootServiceUser}:", Maildir], "/");
        }
    }

    /// <summary>An empty folder, for a test whose first poll comes before its first message.</summary>
    public async Task CreateFolderAsync(string folder)
    {
        FolderDirectory(folder);
        if (RunsAsRoot)
        {
            await Tool.RunAsync("chown", ["-R", $"{RootServiceUser}:", Maildir], "/");
        }
    }

    private string FolderDirectory(string? folder)
    {
        var maildir = folder is null ? Maildir : Path.Combine(Maildir, "." + folder);
        foreach (var sub in new[] { "tmp", "new", "cur" })
        {
            Directory.CreateDirectory(Path.Combine(maildir, sub));
        }

        return maildir;
    }

    /// <summary>Dovecot's log, for failure messages.</summary>
    public string Log() => File.Exists(LogPath) ? File.ReadAllText(LogPath) : "(no log yet)";

    public async Task DisposeAsync()
    {
        if (process is not null)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            process.Dispose();
        }

        Certificate.Dispose();
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A child Dovecot process may still be closing a file; the temp folder is cleaned by the system.
        }
    }

    private static async Task<bool> AcceptsAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
