using System.Diagnostics;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Npgsql;

namespace CaseApi.Benchmarks.Scenarios.Load;

/// <summary>
/// Debian's PgBouncer in transaction mode on a loopback port, in front of the benchmark's PostgreSQL, for the instances
/// run (issue 16 point 5): the instances' application connections (the API's pool and Hangfire's) go through it and share
/// <see cref="PoolSize"/> server connections; migrations keep their direct connection (their session-level advisory lock
/// must stay on one server connection). Started as the <c>postgres</c> OS user when the benchmark runs as root, as the
/// server is: PgBouncer refuses to run as root.
/// </summary>
internal sealed partial class PgBouncer : IAsyncDisposable
{
    public const string Executable = "/usr/sbin/pgbouncer";

    private const string OsServiceUser = "postgres";

    private readonly Process process;
    private readonly string directory;

    private PgBouncer(Process process, string directory, int port, int poolSize, Version version)
    {
        this.process = process;
        this.directory = directory;
        Port = port;
        PoolSize = poolSize;
        Version = version;
    }

    public int Port { get; }

    /// <summary>Server connections PgBouncer opens to the database at most, for all instances together.</summary>
    public int PoolSize { get; }

    public Version Version { get; }

    /// <summary>
    /// Before 1.21, PgBouncer cannot keep prepared statements apart in transaction mode: a statement prepared on one server
    /// connection is unknown on the next. From 1.21 on, <c>max_prepared_statements</c> tracks them per server connection.
    /// </summary>
    public bool KeepsPreparedStatements => Version >= new Version(1, 21);

    public string LogFile => Path.Combine(directory, "pgbouncer.log");

    public static string? Missing() => File.Exists(Executable)
        ? null
        : $"PgBouncer not found ({Executable}); install it with `apt-get install -y pgbouncer`, or run with --no-pgbouncer.";

    public static async Task<PgBouncer> StartAsync(string applicationConnectionString, int poolSize, string logDirectory, CancellationToken ct)
    {
        var version = await VersionAsync(ct);
        var server = new NpgsqlConnectionStringBuilder(applicationConnectionString);
        var directory = Path.Combine(logDirectory, "pgbouncer");
        Directory.CreateDirectory(directory);
        var port = Infrastructure.Data.EmbeddedPostgres.FreePort();
        // The application role's own password, in plain text: PgBouncer logs in to PostgreSQL with it (SCRAM) and checks clients against it.
        await File.WriteAllTextAsync(Path.Combine(directory, "userlist.txt"), $"\"{server.Username}\" \"{server.Password}\"\n", ct);
        var preparedStatements = version >= new Version(1, 21) ? "max_prepared_statements = 200\n" : "";
        await File.WriteAllTextAsync(Path.Combine(directory, "pgbouncer.ini"), $"""
            [databases]
            {server.Database} = host={server.Host} port={server.Port} dbname={server.Database}

            [pgbouncer]
            listen_addr = 127.0.0.1
            listen_port = {port}
            unix_socket_dir =
            auth_type = scram-sha-256
            auth_file = {directory}/userlist.txt
            pool_mode = transaction
            default_pool_size = {poolSize}
            max_db_connections = {poolSize}
            max_client_conn = 1000
            reserve_pool_size = 0
            server_reset_query =
            ignore_startup_parameters = extra_float_digits
            logfile = {directory}/pgbouncer.log
            pidfile = {directory}/pgbouncer.pid
            {preparedStatements}
            """, ct);
        if (Environment.UserName == "root")
        {
            await RunCheckedAsync("/bin/chown", ["-R", $"{OsServiceUser}:", directory], ct);
        }

        var info = new ProcessStartInfo { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        if (Environment.UserName == "root")
        {
            info.FileName = "runuser";
            foreach (var arg in new[] { "-u", OsServiceUser, "--", Executable })
            {
                info.ArgumentList.Add(arg);
            }
        }
        else
        {
            info.FileName = Executable;
        }

        // Quiet: it logs to its log file only; the pipes are drained so that nothing it prints can block it.
        info.ArgumentList.Add("--quiet");
        info.ArgumentList.Add(Path.Combine(directory, "pgbouncer.ini"));
        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start PgBouncer.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var bouncer = new PgBouncer(process, directory, port, poolSize, version);
        try
        {
            await bouncer.WaitUntilListeningAsync(ct);
            return bouncer;
        }
        catch
        {
            await bouncer.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// The application connection string through PgBouncer. Before 1.21 without automatic preparation (see
    /// <see cref="KeepsPreparedStatements"/>); Npgsql's reset on close is off already (CaseApi's pool defaults).
    /// </summary>
    public string Through(string applicationConnectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(applicationConnectionString) { Host = "127.0.0.1", Port = Port };
        if (!KeepsPreparedStatements)
        {
            builder.MaxAutoPrepare = 0;
        }

        return builder.ConnectionString;
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            // runuser passes SIGTERM on to PgBouncer, which closes its connections and exits.
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
        }

        process.Dispose();
    }

    private static async Task<Version> VersionAsync(CancellationToken ct)
    {
        var output = await RunCheckedAsync(Executable, ["--version"], ct);
        return VersionPattern().Match(output) is { Success: true } match
            ? Version.Parse(match.Groups["version"].Value)
            : throw new InvalidOperationException($"Could not read PgBouncer's version from: {output}");
    }

    private async Task WaitUntilListeningAsync(CancellationToken ct)
    {
        var until = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            if (process.HasExited)
            {
                var log = File.Exists(LogFile) ? await File.ReadAllTextAsync(LogFile, ct) : "";
                throw new InvalidOperationException($"PgBouncer exited with {process.ExitCode}: {log}");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", Port, ct);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < until)
            {
                await Task.Delay(100, ct);
            }
        }
    }

    private static async Task<string> RunCheckedAsync(string program, IReadOnlyList<string> args, CancellationToken ct)
    {
        var info = new ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {program}.");
        var output = await process.StandardOutput.ReadToEndAsync(ct) + await process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        return process.ExitCode == 0 ? output : throw new InvalidOperationException($"{program} {string.Join(' ', args)} failed: {output}");
    }

    [GeneratedRegex(@"PgBouncer (?<version>\d+\.\d+(\.\d+)?)")]
    private static partial Regex VersionPattern();
}
