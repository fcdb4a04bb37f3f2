using System.Diagnostics;
using System.Net.Sockets;
using System.Security.Cryptography;
using Npgsql;

namespace CaseApi.Infrastructure.Data;

/// <summary>Thrown when no PostgreSQL binaries can be found to start a private cluster.</summary>
public sealed class PostgresNotInstalledException() : Exception(
    "No PostgreSQL server binaries were found (looked for pg_ctl and initdb on PATH and under /usr/lib/postgresql/*/bin). " +
    "Install PostgreSQL 15 or newer (Debian/Ubuntu: apt-get install postgresql) " +
    "or set ConnectionStrings__CaseDb to the connection string of an existing database.");

/// <summary>
/// A private PostgreSQL cluster started from the machine's own binaries, for demo mode and the tests.
/// Loopback only, password-protected, reused across starts; stopped only by the process that started it,
/// so a second process (the CLI, another test run) can share a running cluster without pulling it away.
/// </summary>
public sealed class EmbeddedPostgres : IAsyncDisposable
{
    public const string SuperUser = "postgres";
    private const string OsServiceUser = "postgres";

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly string binDirectory;
    private readonly string rootDirectory;
    private readonly string clusterDirectory;
    private readonly bool startedHere;

    private EmbeddedPostgres(string binDirectory, string rootDirectory, int port, string password, bool startedHere)
    {
        this.binDirectory = binDirectory;
        this.rootDirectory = rootDirectory;
        clusterDirectory = ClusterDirectory(rootDirectory);
        this.startedHere = startedHere;
        Port = port;
        SuperUserPassword = password;
    }

    public int Port { get; }

    public string SuperUserPassword { get; }

    public string ConnectionString(string database, string user, string password) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Database = database,
        Username = user,
        Password = password,
    }.ConnectionString;

    /// <summary>
    /// The password of a role of ours on this cluster, from <c>&lt;role&gt;-password</c> next to the cluster, made up and
    /// saved the first time it is asked for. Clusters made before each role had its own password (issue 11) get theirs
    /// here; <see cref="DatabaseBootstrap.EnsureDatabaseAsync"/> then sets it on the role.
    /// </summary>
    public Task<string> PasswordAsync(string role, CancellationToken ct) =>
        ReadOrCreateSecretAsync(Path.Combine(rootDirectory, $"{role}-password"), ct);

    /// <summary>
    /// Starts (or joins) the cluster kept in <paramref name="rootDirectory"/>: the cluster lives in
    /// <c>cluster/</c>, its superuser password in <c>superuser-password</c>.
    /// </summary>
    /// <param name="rootDirectory">Where the cluster lives.</param>
    /// <param name="port">The loopback port to listen on when this call starts the server.</param>
    /// <param name="durable">False for throwaway test clusters: no fsync, much faster, and lost on a machine crash.</param>
    /// <param name="ct">Cancels the start.</param>
    /// <param name="binDirectory">Where pg_ctl and initdb are, when not on PATH or under /usr/lib/postgresql.</param>
    public static async Task<EmbeddedPostgres> StartAsync(string rootDirectory, int port, bool durable = true, string? binDirectory = null, CancellationToken ct = default)
    {
        binDirectory = FindBinDirectory(binDirectory) ?? throw new PostgresNotInstalledException();
        rootDirectory = Path.GetFullPath(rootDirectory);
        var clusterDirectory = ClusterDirectory(rootDirectory);
        var passwordFile = Path.Combine(rootDirectory, "superuser-password");
        Directory.CreateDirectory(rootDirectory);
        if (RunsAsRoot && !OperatingSystem.IsWindows())
        {
            // The server refuses to run as root; the postgres OS user must be able to reach the cluster folder.
            File.SetUnixFileMode(rootDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
                                                UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        }

        if (RunsAsRoot && (await RunAsync("/usr/bin", "test", ["-x", rootDirectory], ct)).ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"The PostgreSQL server runs as the '{OsServiceUser}' OS user, which cannot reach {rootDirectory}. " +
                "Set EmbeddedPostgres__DataDirectory to a folder it can reach (e.g. /var/tmp/caseapi) or set ConnectionStrings__CaseDb.");
        }

        var superUserPassword = await ReadOrCreateSecretAsync(passwordFile, ct);
        if (!File.Exists(Path.Combine(clusterDirectory, "PG_VERSION")))
        {
            await InitialiseClusterAsync(binDirectory, clusterDirectory, superUserPassword, ct);
        }

        var runningPort = RunningPort(clusterDirectory);
        if (runningPort is not null && await IsAcceptingConnectionsAsync(runningPort.Value, ct))
        {
            return new EmbeddedPostgres(binDirectory, rootDirectory, runningPort.Value, superUserPassword, startedHere: false);
        }

        var logFile = Path.Combine(clusterDirectory, "server.log");
        var start = await RunAsync(binDirectory, "pg_ctl", ["start", "-D", clusterDirectory, "-w", "-t", "60", "-l", logFile, "-o", durable ? $"-p {port}" : $"-p {port} -c fsync=off -c synchronous_commit=off -c full_page_writes=off"], ct);
        if (start.ExitCode != 0)
        {
            // Another process may have started it a moment ago; join that one rather than fail.
            runningPort = RunningPort(clusterDirectory);
            if (runningPort is not null && await IsAcceptingConnectionsAsync(runningPort.Value, ct))
            {
                return new EmbeddedPostgres(binDirectory, rootDirectory, runningPort.Value, superUserPassword, startedHere: false);
            }

            var log = File.Exists(logFile) ? string.Join('\n', File.ReadLines(logFile).TakeLast(15)) : "";
            throw new InvalidOperationException($"PostgreSQL did not start on port {port}: {start.Output}\n{log}");
        }

        return new EmbeddedPostgres(binDirectory, rootDirectory, port, superUserPassword, startedHere: true);
    }

    public async ValueTask DisposeAsync()
    {
        if (startedHere)
        {
            await RunAsync(binDirectory, "pg_ctl", ["stop", "-D", clusterDirectory, "-m", "fast", "-w"], CancellationToken.None);
        }
    }

    /// <summary>A free loopback port, for clusters that must not collide with anything else on the machine.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static bool BinariesInstalled(string? configuredDirectory) => FindBinDirectory(configuredDirectory) is not null;

    private static bool RunsAsRoot => Environment.UserName == "root";

    private static async Task InitialiseClusterAsync(string binDirectory, string clusterDirectory, string password, CancellationToken ct)
    {
        Directory.CreateDirectory(clusterDirectory);
        var passwordFile = Path.Combine(clusterDirectory, "..", "initdb-password");
        // Left over when a start died during initdb; created anew below, so that its mode is ours.
        File.Delete(passwordFile);
        await WriteSecretAsync(passwordFile, password, ct);
        try
        {
            if (RunsAsRoot)
            {
                await RunCheckedAsync("/bin", "chown", [$"{OsServiceUser}:", clusterDirectory, passwordFile], ct);
            }

            await RunCheckedAsync(binDirectory, "initdb",
                ["-D", clusterDirectory, "-U", SuperUser, $"--pwfile={passwordFile}", "--auth=scram-sha-256", "-E", "UTF8", "--no-locale", "--no-sync"], ct);
        }
        finally
        {
            File.Delete(passwordFile);
        }

        // Loopback TCP only: no Unix socket, so nothing depends on /var/run/postgresql existing or being writable.
        await File.AppendAllTextAsync(Path.Combine(clusterDirectory, "postgresql.conf"), """

            listen_addresses = '127.0.0.1'
            unix_socket_directories = ''
            max_connections = 200
            fsync = on

            """, ct);
    }

    private static string ClusterDirectory(string rootDirectory) => Path.Combine(rootDirectory, "cluster");

    /// <summary>The secret in <paramref name="path"/>; when there is none yet, a random one, saved there first.</summary>
    private static async Task<string> ReadOrCreateSecretAsync(string path, CancellationToken ct)
    {
        if (!File.Exists(path))
        {
            // Written whole under another name and then linked in place, so that a process starting alongside reads either
            // no file or the finished one; should it have linked one first, that one wins.
            var draft = $"{path}.{Guid.NewGuid():N}";
            await WriteSecretAsync(draft, Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant(), ct);
            try
            {
                File.Move(draft, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                File.Delete(draft);
            }
        }

        return (await File.ReadAllTextAsync(path, ct)).Trim();
    }

    /// <summary>
    /// Creates <paramref name="path"/> readable by its owner only, from the first byte: created with the process's umask and
    /// narrowed afterwards, it would stand open to every local user for a moment (issue 11).
    /// </summary>
    internal static async Task WriteSecretAsync(string path, string secret, CancellationToken ct)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }

        await using var file = new FileStream(path, options);
        await file.WriteAsync(System.Text.Encoding.UTF8.GetBytes(secret), ct);
    }

    private static int? RunningPort(string clusterDirectory)
    {
        // postmaster.pid: line 1 is the pid, line 4 the port (PostgreSQL's documented layout).
        var pidFile = Path.Combine(clusterDirectory, "postmaster.pid");
        try
        {
            var lines = File.ReadAllLines(pidFile);
            return lines.Length >= 4 && int.TryParse(lines[3], out var port) ? port : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static async Task<bool> IsAcceptingConnectionsAsync(int port, CancellationToken ct)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(System.Net.IPAddress.Loopback, port, ct);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static string? FindBinDirectory(string? configuredDirectory)
    {
        static bool HasServer(string dir) => File.Exists(Path.Combine(dir, "pg_ctl")) && File.Exists(Path.Combine(dir, "initdb"));

        if (!string.IsNullOrWhiteSpace(configuredDirectory))
        {
            return HasServer(configuredDirectory) ? Path.GetFullPath(configuredDirectory) : null;
        }

        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault(HasServer);
        if (onPath is not null)
        {
            return onPath;
        }

        const string debianRoot = "/usr/lib/postgresql";
        return Directory.Exists(debianRoot)
            ? Directory.GetDirectories(debianRoot)
                .Select(dir => (Version: int.TryParse(Path.GetFileName(dir), out var v) ? v : 0, Bin: Path.Combine(dir, "bin")))
                .Where(x => HasServer(x.Bin))
                .OrderByDescending(x => x.Version)
                .Select(x => x.Bin)
                .FirstOrDefault()
            : null;
    }

    private static async Task RunCheckedAsync(string directory, string program, IReadOnlyList<string> args, CancellationToken ct)
    {
        var result = await RunAsync(directory, program, args, ct);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} failed ({result.ExitCode}): {result.Output}");
        }
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string directory, string program, IReadOnlyList<string> args, CancellationToken ct)
    {
        var executable = Path.Combine(directory, program);
        var info = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = "/",
        };
        if (RunsAsRoot && program != "chown")
        {
            info.FileName = "runuser";
            info.ArgumentList.Add("-u");
            info.ArgumentList.Add(OsServiceUser);
            info.ArgumentList.Add("--");
            info.ArgumentList.Add(executable);
        }
        else
        {
            info.FileName = executable;
        }

        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {program}.");
        // pg_ctl start -l sends the server's own output to the log file, so these pipes close when pg_ctl exits.
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        return (process.ExitCode, (await stdout + await stderr).Trim());
    }
}
