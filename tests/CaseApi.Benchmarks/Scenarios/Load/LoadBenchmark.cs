using System.Globalization;
using System.Net.Http.Headers;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using CaseApi.Benchmarks.Support;
using CaseApi.Features.ApiKeys;
using CaseApi.Features.Organisations;
using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Data;
using MediatR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace CaseApi.Benchmarks.Scenarios.Load;

/// <summary>
/// The API under load (issue: "drives it over loopback with a load generator … GET a case by id, list cases filtered and
/// paged, list overdue deadlines, send a letter … the ratio to the baseline, and the API's peak memory … no
/// connection-pool exhaustion with three instances and Hangfire against one PostgreSQL"). One data set, generated with
/// binary COPY into a template database (kept for the day where the cluster is kept); every phase runs on a copy of it.
/// </summary>
internal static class LoadBenchmark
{
    public static readonly Scenario Definition = new(
        "load",
        "Generates the data set (or reuses today's), starts the API in Release, drives each read and its bare baseline and sending letters with wrk; " +
            "then N instances with Hangfire on one PostgreSQL.",
        ["duration", "rounds", "warmup", "warmup-rounds", "connections", "threads", "instances", "instances-duration", "npgsql", "pgbouncer-pool"],
        ["quick", "keep", "no-instances", "no-pgbouncer"],
        RunAsync);

    private const double RatioTarget = 0.85;
    private const double P99TargetMs = 25;

    /// <summary>Issue 16: listing cases at this share or more of PostgreSQL alone serving the bare pages.</summary>
    private const double ListCasesBareTarget = 0.40;
    private const int ServerMaxConnections = 100;

    /// <summary>A warm-up round in which the JIT compiled no more methods than this counts as settled (tier 1 done).</summary>
    private const long SettledJitMethods = 25;

    /// <summary>Change it when the generator changes: a kept data set made by another version is then made anew.</summary>
    private const int DataSetVersion = 2;

    private static readonly (string Name, string Jurisdiction, string TimeZone)[] Organisations =
    [
        ("Verbraucherzentrale Nordrhein-Westfalen", "DE-NW", "Europe/Berlin"), ("Verbraucherzentrale Bayern", "DE-BY", "Europe/Berlin"),
        ("Verbraucherzentrale Berlin", "DE-BE", "Europe/Berlin"), ("Verbraucherzentrale Hamburg", "DE-HH", "Europe/Berlin"),
        ("Verbraucherzentrale Hessen", "DE-HE", "Europe/Berlin"), ("Verbraucherzentrale Sachsen", "DE-SN", "Europe/Berlin"),
        ("Verbraucherzentrale Baden-Württemberg", "DE-BW", "Europe/Berlin"), ("Verbraucherzentrale Niedersachsen", "DE-NI", "Europe/Berlin"),
        ("noyb – European Center for Digital Rights", "AT", "Europe/Vienna"), ("Bits of Freedom", "NL", "Europe/Amsterdam"),
    ];

    /// <param name="Rounds">
    /// How many times each read's API and baseline take turns, <see cref="Duration"/> shared among them: API, baseline, API,
    /// baseline… so that whatever drifts on the machine during a scenario (autovacuum, the page cache, another process) falls on
    /// both alike. One 30-second run of each, one after the other, put the same code at 76 % and at 99 % of its baseline.
    /// </param>
    private sealed record Settings(
        int Duration, int Rounds, int Warmup, int WarmupRounds, int Connections, int Threads, int Instances, int InstancesDuration, string? Npgsql, bool Keep,
        int? PgBouncerPool);

    /// <summary>
    /// A read scenario: its API requests; the baseline's are the same with <see cref="BaselineEndpoints.Prefix"/> for /v1;
    /// the bare page's (<see cref="BarePage"/>) the same rows as each request's, by its organisation.
    /// </summary>
    private sealed record ReadScenario(string Name, string Label, IReadOnlyList<Target> Api, Func<Target, BareQuery> Bare)
    {
        public IEnumerable<Target> Baseline => Api.Select(t => t with { Path = BaselineEndpoints.Prefix + t.Path["/v1".Length..] });
    }

    private sealed record Targets(IReadOnlyList<ReadScenario> Reads, IReadOnlyList<Target> Sends);

    private sealed record Measurement(
        WrkResult Wrk, long PeakMemory, TimeSpan HostCpu, TimeSpan? ServerCpu, double MachineBusy, long JitMethods, long? AllocatedBytes)
    {
        /// <summary>A side's rounds as one run: totals, the highest peak, and the rounds' latencies as <see cref="WrkResult.Merged"/> takes them.</summary>
        public static Measurement Merged(IReadOnlyList<Measurement> rounds) => new(
            WrkResult.Merged(rounds.Select(r => r.Wrk).ToList()), rounds.Max(r => r.PeakMemory),
            TimeSpan.FromTicks(rounds.Sum(r => r.HostCpu.Ticks)),
            rounds.All(r => r.ServerCpu is not null) ? TimeSpan.FromTicks(rounds.Sum(r => r.ServerCpu!.Value.Ticks)) : null,
            rounds.Average(r => r.MachineBusy), rounds.Sum(r => r.JitMethods),
            rounds.All(r => r.AllocatedBytes is not null) ? rounds.Sum(r => r.AllocatedBytes) : null);

        public double HostCpuPerRequestUs => HostCpu.TotalMicroseconds / Math.Max(1, Wrk.Requests);

        public double? ServerCpuPerRequestUs => ServerCpu?.TotalMicroseconds / Math.Max(1, Wrk.Requests);

        public double? AllocatedPerRequest => (double?)AllocatedBytes / Math.Max(1, Wrk.Requests);
    }

    /// <param name="RoundRatios">The API's requests/s as a share of the baseline's in the same round, round by round.</param>
    private sealed record Row(string Scenario, Measurement Api, Measurement? Baseline, BareResult? Bare = null, IReadOnlyList<double>? RoundRatios = null)
    {
        /// <summary>The median of the rounds' ratios: a round the machine slowed counts once, for both sides.</summary>
        public double? Ratio => RoundRatios is { Count: > 0 } ratios ? Median.Of(ratios) : null;

        public double? OfBare => Bare is null ? null : Api.Wrk.RequestsPerSecond / Bare.RequestsPerSecond;
    }

    /// <param name="Route">How the instances reach PostgreSQL.</param>
    /// <param name="PoolSize">PgBouncer's server connections at most; null when the instances connect directly.</param>
    /// <param name="PeakApplicationConnections">Server connections of the application role at their peak (all instances, Hangfire's included).</param>
    private sealed record InstancesResult(
        string Route, IReadOnlyList<(string Name, WrkResult Wrk)> Runs, IReadOnlyDictionary<string, int> PeakConnections, int PeakServerConnections,
        int MaxConnections, int? PoolSize, int PeakApplicationConnections, IReadOnlyList<string> Jobs, IReadOnlyList<string> Problems);

    private static async Task<int> RunAsync(BenchmarkOptions options, CancellationToken ct)
    {
        var quick = options.Has("quick");
        var size = quick ? DataSetSize.Quick : DataSetSize.Full;
        var settings = new Settings(
            options.Int("duration", quick ? 3 : 30), options.Int("rounds", quick ? 1 : 3),
            options.Int("warmup", quick ? 1 : 5), options.Int("warmup-rounds", quick ? 1 : 6),
            options.Int("connections", 32), options.Int("threads", 2),
            options.Has("no-instances") ? 0 : options.Int("instances", 3), options.Int("instances-duration", quick ? 5 : 60), options.Text("npgsql"),
            options.Has("keep"), options.Has("no-pgbouncer") ? null : options.Int("pgbouncer-pool", 20));
        if ((Wrk.Missing() ?? (settings.Instances > 0 && settings.PgBouncerPool is not null ? PgBouncer.Missing() : null)) is { } missing)
        {
            Console.Error.WriteLine(missing);
            return 2;
        }

        await using var server = await BenchmarkServer.StartAsync(ct);
        var maxConnections = await server.EnsureMaxConnectionsAsync(ServerMaxConnections, ct);
        var directory = Path.Combine(Path.GetTempPath(), $"caseapi-load-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Environment.ProcessId}");
        Directory.CreateDirectory(directory);
        var configuration = typeof(LoadBenchmark).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration;
        Console.WriteLine($"PostgreSQL: {server.Description}; {await server.VersionAsync(ct)}, max_connections {maxConnections}");
        Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, load average {File.ReadAllText("/proc/loadavg").Trim()}, " +
                          $"{Environment.OSVersion}, .NET {Environment.Version}, {configuration} build");
        Console.WriteLine($"Load: wrk, {settings.Connections} connections, {settings.Threads} threads, {settings.Duration} s a run" +
                          (settings.Rounds > 1 ? $" (a read's API and baseline in {settings.Rounds} alternating rounds of {RoundSeconds(settings)} s)" : "") +
                          ", " +
                          $"after warm-up rounds of {settings.Warmup} s an endpoint until the JIT settles (at most {settings.WarmupRounds}); " +
                          $"Npgsql settings: CaseApi's defaults{(settings.Npgsql is null ? "" : $" + \"{settings.Npgsql}\"")}; " +
                          $"logs and request lists in {directory}");
        if (configuration != "Release")
        {
            Console.WriteLine("Warning: not a Release build; run with `dotnet run -c Release`.");
        }

        var template = await EnsureDataSetAsync(server, size, ct);
        var problems = new List<string>();
        var rows = await MeasureOneInstanceAsync(server, template, settings, directory, problems, ct);
        var instances = new List<InstancesResult>();
        if (settings.Instances > 0)
        {
            instances.Add(await MeasureInstancesAsync(server, template, settings, maxConnections, directory, pgBouncerPool: null, ct));
            if (settings.PgBouncerPool is { } pool)
            {
                instances.Add(await MeasureInstancesAsync(server, template, settings, maxConnections, directory, pool, ct));
            }
        }

        Report(rows, instances, settings, problems);
        return problems.Count > 0 || instances.Any(i => i.Problems.Count > 0) ? 1 : 0;
    }

    /// <summary>
    /// The data set as a template database, generated unless today's of the same size, generator and migrations exists
    /// (on a kept cluster or <see cref="BenchmarkServer.ServerVariable"/>). Data sets of other days or versions are dropped.
    /// </summary>
    private static async Task<string> EnsureDataSetAsync(BenchmarkServer server, DataSetSize size, CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow;
        var migrations = typeof(Migrator).Assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith("migrations/", StringComparison.Ordinal)).Order(StringComparer.Ordinal);
        var fingerprint = Convert.ToHexStringLower(
            SHA256.HashData(Encoding.UTF8.GetBytes($"{DataSetVersion}|{size}|{string.Join(",", migrations)}|{now:yyyy-MM-dd}")))[..12];
        var prefix = $"bench_load_{size.Label}_";
        var name = prefix + fingerprint;
        var existing = await server.DatabasesAsync(prefix, ct);
        foreach (var stale in existing.Where(d => d != name))
        {
            await server.DropAsync(stale, ct);
        }

        if (existing.Contains(name))
        {
            Console.WriteLine($"Data set ({size}): {name}, generated earlier today.");
            return name;
        }

        Console.WriteLine($"Data set ({size}): generating {name} …");
        var started = System.Diagnostics.Stopwatch.StartNew();
        var building = name + "_building";
        var database = await server.CreateNamedDatabaseAsync(building, ct);
        var organisations = new List<Guid>();
        await using (var app = await BenchmarkApp.BuildAsync(database, new FakeTimeProvider(now), ct))
        {
            foreach (var (organisation, jurisdiction, timeZone) in Organisations.Take(size.Organisations))
            {
                await using var scope = app.Services.CreateAsyncScope();
                var created = await scope.ServiceProvider.GetRequiredService<IMediator>()
                    .Send(new CreateOrganisation.Command(organisation, jurisdiction, timeZone), ct);
                organisations.Add(created.Organisation.Id);
            }
        }

        var counts = await LoadDataSet.GenerateAsync(database, organisations, size, now, ct);
        Console.WriteLine($"  written in {started.Elapsed.TotalSeconds:F0} s (binary COPY, then VACUUM (FREEZE, ANALYZE)): " +
                          string.Join(", ", counts.Select(c => $"{c.Value:N0} {c.Key}")));
        var expected = new Dictionary<string, long>
        {
            ["cases"] = size.Cases, ["complaints"] = size.Complaints, ["letters"] = size.Letters, ["deadlines"] = size.Deadlines,
            ["defendants"] = (long)size.Organisations * size.DefendantsPerOrganisation, ["rows naming a missing parent"] = 0,
            ["cases whose counters disagree with a recount"] = 0,
        };
        var wrong = expected.Where(e => counts[e.Key] != e.Value).Select(e => $"{e.Key}: {counts[e.Key]:N0}, expected {e.Value:N0}").ToList();
        if (wrong.Count > 0)
        {
            throw new InvalidOperationException("The generated data set is wrong: " + string.Join("; ", wrong));
        }

        // Idle pooled connections (the migrator's, the app's) would keep the database from being renamed and copied.
        NpgsqlConnection.ClearAllPools();
        await server.RenameAsync(building, name, ct);
        return name;
    }

    private static async Task<IReadOnlyList<Row>> MeasureOneInstanceAsync(
        BenchmarkServer server, string template, Settings settings, string directory, List<string> problems, CancellationToken ct)
    {
        Console.WriteLine();
        Console.WriteLine("== One instance (Mode=api: no Hangfire server, so that the sweep does not change the data under the reads) ==");
        var database = await server.CloneAsync(template, "load", ct);
        try
        {
            var keys = await IssueKeysAsync(database, ct);
            await using var host = await HostProcess.StartAsync("api", HostSettings(database, "api", settings.Npgsql, null), directory, ct);
            var targets = await PrepareTargetsAsync(host, database, keys, ct);
            problems.AddRange(await CompareWithBaselineAsync(host, targets.Reads, ct));
            var postmaster = await PostmasterAsync(database, ct);

            var files = new List<(ReadScenario Scenario, string Api, string Baseline)>();
            foreach (var scenario in targets.Reads)
            {
                files.Add((scenario, await Wrk.WriteTargetsAsync(directory, scenario.Name, scenario.Api, ct),
                    await Wrk.WriteTargetsAsync(directory, scenario.Name + "-baseline", scenario.Baseline, ct)));
            }

            // Every send needs a draft of its own: a fifth of them for the warm-up rounds, the rest for the measurement.
            var warmupSends = targets.Sends.Count / 5 / settings.WarmupRounds;
            var send = await Wrk.WriteTargetsAsync(directory, "send-letter", targets.Sends.Skip(warmupSends * settings.WarmupRounds), ct);
            await WarmUpAsync(host, settings, files.SelectMany(f => new[] { f.Api, f.Baseline }).ToList(),
                round => Wrk.WriteTargetsAsync(directory, $"send-letter-warmup-{round}", targets.Sends.Skip(warmupSends * round).Take(warmupSends), ct),
                problems, ct);

            var rows = new List<Row>();
            foreach (var (scenario, api, baseline) in files)
            {
                var (apiRounds, baselineRounds) = (new List<Measurement>(), new List<Measurement>());
                for (var round = 1; round <= settings.Rounds; round++)
                {
                    var of = settings.Rounds > 1 ? $", round {round}/{settings.Rounds}" : "";
                    apiRounds.Add(await MeasureAsync(host, postmaster, $"{scenario.Name} (API{of})", api, 0, RoundSeconds(settings), settings, problems, ct));
                    baselineRounds.Add(
                        await MeasureAsync(host, postmaster, $"{scenario.Name} (baseline{of})", baseline, 0, RoundSeconds(settings), settings, problems, ct));
                }

                var ratios = apiRounds.Zip(baselineRounds, (a, b) => a.Wrk.RequestsPerSecond / b.Wrk.RequestsPerSecond).ToList();
                var byRound = string.Join(", ", ratios.Select(r => r.ToString("P0", CultureInfo.InvariantCulture)));
                Console.WriteLine($"  {scenario.Name + " (API of baseline)",-46} {byRound} by round, median {Median.Of(ratios):P1}");
                var bare = await BarePage.RunAsync(database, scenario.Api.Select(scenario.Bare).ToList(), settings.Connections, settings.Duration, ct);
                Console.WriteLine($"  {scenario.Name + " (bare page)",-34} {bare.RequestsPerSecond,8:N0} req/s  p99 {Ms(bare.P99Us),6} ms  " +
                                  $"(PostgreSQL alone, {settings.Connections} connections)");
                rows.Add(new Row(scenario.Label, Measurement.Merged(apiRounds), Measurement.Merged(baselineRounds), bare, ratios));
            }

            rows.Add(new Row("send a letter (POST …/send, P14D)",
                await MeasureAsync(host, postmaster, "send-letter (API)", send, 1, settings.Duration, settings, problems, ct), null));

            problems.AddRange(host.Failures().Take(10).Select(f => $"api log: {f}"));
            return rows;
        }
        finally
        {
            await DropUnlessKeptAsync(server, database, settings, ct);
        }
    }

    /// <param name="pgBouncerPool">Null: the instances connect to PostgreSQL directly; else through PgBouncer in transaction mode with this pool.</param>
    private static async Task<InstancesResult> MeasureInstancesAsync(
        BenchmarkServer server, string template, Settings settings, int maxConnections, string directory, int? pgBouncerPool, CancellationToken ct)
    {
        var database = await server.CloneAsync(template, pgBouncerPool is null ? "instances" : "pgbouncer", ct);
        var hosts = new List<HostProcess>();
        PgBouncer? bouncer = null;
        try
        {
            if (pgBouncerPool is { } pool)
            {
                bouncer = await PgBouncer.StartAsync(database.Connections.Application, pool, directory, ct);
            }

            var route = bouncer is null ? "directly"
                : $"through PgBouncer {bouncer.Version} in transaction mode, {bouncer.PoolSize} server connections" +
                  (bouncer.KeepsPreparedStatements ? "" : ", Max Auto Prepare=0 (this PgBouncer cannot keep prepared statements apart)");
            Console.WriteLine();
            Console.WriteLine($"== {settings.Instances} instances (Mode=all: the API and a Hangfire server each) on one PostgreSQL " +
                              $"(max_connections {maxConnections}), {route}: " +
                              $"each driven with {settings.Connections} connections for {settings.InstancesDuration} s, reads and a fifth sends ==");
            var keys = await IssueKeysAsync(database, ct);
            for (var i = 1; i <= settings.Instances; i++)
            {
                hosts.Add(await HostProcess.StartAsync(
                    $"instance-{i}", HostSettings(database, "all", settings.Npgsql, $"instance-{i}", bouncer), directory, ct));
            }

            var targets = await PrepareTargetsAsync(hosts[0], database, keys, ct);
            var reads = targets.Reads.SelectMany(r => r.Api).ToArray();
            var files = new List<string>();
            for (var i = 0; i < hosts.Count; i++)
            {
                var own = targets.Sends.Where((_, n) => n % hosts.Count == i);
                files.Add(await Wrk.WriteTargetsAsync(directory, $"{hosts[i].Name}-mixed", reads.Concat(own), ct));
            }

            using var stopSampling = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var sampling = SampleConnectionsAsync(database, stopSampling.Token);
            var runs = await Task.WhenAll(hosts.Select((host, i) =>
                Wrk.RunAsync(host.BaseAddress, files[i], 0.2, settings.Connections, settings.Threads, settings.InstancesDuration, ct)));
            await stopSampling.CancelAsync();
            var (peaks, peakServer, peakApplication) = await sampling;

            var problems = new List<string>();
            foreach (var (host, run) in hosts.Zip(runs))
            {
                Console.WriteLine($"  {host.Name}: {run.Requests:N0} requests, {run.RequestsPerSecond:N0}/s, p50 {Ms(run.P50Us)} ms, p99 {Ms(run.P99Us)} ms, " +
                                  $"max {Ms(run.MaxUs)} ms, non-2xx {run.Non2xx}, socket errors {run.SocketErrors}");
                if (run.Non2xx > 0 || run.SocketErrors > 0)
                {
                    problems.Add($"{host.Name}: {run.Non2xx} non-2xx responses, {run.SocketErrors} socket errors");
                }

                problems.AddRange(host.Failures().Take(10).Select(f => $"{host.Name} log: {f}"));
                problems.AddRange(host.LogLines("pool").Concat(host.LogLines("too many clients")).Take(10).Select(f => $"{host.Name} log: {f}"));
            }

            if (bouncer is not null)
            {
                if (peakApplication > bouncer.PoolSize)
                {
                    problems.Add($"{peakApplication} server connections of the application role, more than PgBouncer's pool of {bouncer.PoolSize}");
                }

                problems.AddRange(File.ReadLines(bouncer.LogFile)
                    .Where(line => line.Contains("ERROR", StringComparison.Ordinal) || line.Contains("FATAL", StringComparison.Ordinal))
                    .Take(10).Select(line => $"pgbouncer log: {line}"));
            }

            var jobs = await QueryAsync(database, "SELECT statename || ': ' || count(*) FROM hangfire.job GROUP BY statename ORDER BY statename", ct);
            var servers = await QueryAsync(database, "SELECT count(*)::text FROM hangfire.server", ct);
            return new InstancesResult(route, hosts.Zip(runs, (h, r) => (h.Name, r)).ToList(), peaks, peakServer, maxConnections, bouncer?.PoolSize,
                peakApplication, [$"{servers[0]} Hangfire servers", .. jobs], problems.Distinct().ToList());
        }
        finally
        {
            foreach (var host in hosts)
            {
                await host.DisposeAsync();
            }

            if (bouncer is not null)
            {
                await bouncer.DisposeAsync();
            }

            await DropUnlessKeptAsync(server, database, settings, ct);
        }
    }

    /// <summary>The environment of a <see cref="BenchmarkHost"/>: the database, and the settings every instance would get.</summary>
    /// <param name="bouncer">Where the application connection goes through, if anywhere; migrations always connect directly.</param>
    private static Dictionary<string, string> HostSettings(BenchmarkDatabase database, string mode, string? npgsql, string? applicationName,
        PgBouncer? bouncer = null)
    {
        var application = new NpgsqlConnectionStringBuilder(bouncer?.Through(database.Connections.Application) ?? database.Connections.Application);
        if (applicationName is not null)
        {
            // So that pg_stat_activity tells the instances apart.
            application.ApplicationName = applicationName;
        }

        return new Dictionary<string, string>
        {
            ["ConnectionStrings:CaseDb"] = npgsql is null ? application.ConnectionString : $"{application.ConnectionString};{npgsql}",
            ["ConnectionStrings:CaseDbMigrations"] = database.Connections.Migrations,
            ["Demo:Enabled"] = "false",
            ["Mode"] = mode,
            // A few keys send thousands of requests a second here; the limiter still runs, only its limit is out of reach.
            ["RateLimiting:PermitsPerMinute"] = "1000000000",
            ["Logging:LogLevel:Default"] = "Warning",
        };
    }

    /// <summary>An integration key per organisation, issued as the API issues keys (the generated data set keeps none).</summary>
    private static async Task<Dictionary<Guid, string>> IssueKeysAsync(BenchmarkDatabase database, CancellationToken ct)
    {
        var keys = new Dictionary<Guid, string>();
        var now = DateTimeOffset.UtcNow;
        await using var app = await BenchmarkApp.BuildAsync(database, new FakeTimeProvider(now), ct);
        foreach (var organisation in (await QueryAsync(database, "SELECT id::text FROM organisations ORDER BY id", ct)).Select(Guid.Parse))
        {
            await using var scope = app.Services.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<CallerContext>().ActFor(organisation);
            var db = scope.ServiceProvider.GetRequiredService<DbSession>();
            await db.BeginAsync(readOnly: false, ct);
            var (_, secret) = await IssueApiKey.InsertAsync(db, organisation, "Load benchmark", ApiKeyRole.Integration, expiresAt: null, now, ct);
            await db.CommitAsync(ct);
            keys[organisation] = secret;
        }

        return keys;
    }

    /// <summary>
    /// The requests: 10,000 cases at random; the first 20 pages of each organisation's open cases and missed deadlines,
    /// 50 a page, with the cursors the API hands out; every draft letter, the organisations taking turns.
    /// </summary>
    private static async Task<Targets> PrepareTargetsAsync(HostProcess host, BenchmarkDatabase database, IReadOnlyDictionary<Guid, string> keys,
        CancellationToken ct)
    {
        var cases = (await QueryAsync(database, "SELECT organisation_id || ' ' || id FROM cases ORDER BY md5(id::text) LIMIT 10000", ct))
            .Select(line => line.Split(' ')).Select(p => new Target("GET", $"/v1/cases/{p[1]}", keys[Guid.Parse(p[0])])).ToList();
        var sends = (await QueryAsync(database, """
                SELECT organisation_id || ' ' || id FROM letters WHERE status = 'draft'
                ORDER BY row_number() OVER (PARTITION BY organisation_id ORDER BY id), organisation_id
                """, ct))
            .Select(line => line.Split(' ')).Select(p => new Target("POST", $"/v1/letters/{p[1]}/send", keys[Guid.Parse(p[0])])).ToList();

        var organisations = keys.ToDictionary(k => k.Value, k => k.Key);
        using var client = new HttpClient { BaseAddress = host.BaseAddress };
        var listCases = new List<Target>();
        var listDeadlines = new List<Target>();
        foreach (var (_, key) in keys)
        {
            listCases.AddRange(await PagesAsync(client, "/v1/cases?status=open&limit=50", key, ct));
            listDeadlines.AddRange(await PagesAsync(client, "/v1/deadlines?status=missed&limit=50", key, ct));
        }

        return new Targets(
        [
            new ReadScenario("get-case", "get a case by id", cases, t => BarePage.Case(t, organisations[t.Key])),
            new ReadScenario("list-cases", "list cases (status=open, 50 a page, pages 1–20)", listCases, t => BarePage.CasePage(t, organisations[t.Key])),
            new ReadScenario("list-overdue-deadlines", "list overdue deadlines (status=missed, 50 a page, pages 1–20)", listDeadlines,
                t => BarePage.DeadlinePage(t, organisations[t.Key])),
        ], sends);
    }

    private static async Task<IReadOnlyList<Target>> PagesAsync(HttpClient client, string first, string key, CancellationToken ct)
    {
        var pages = new List<Target>();
        for (var path = first; path is not null && pages.Count < 20;)
        {
            pages.Add(new Target("GET", path, key));
            using var request = new HttpRequestMessage(HttpMethod.Get, path) { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", key) } };
            using var response = await client.SendAsync(request, ct);
            response.EnsureSuccessStatusCode();
            var next = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!["nextCursor"]?.GetValue<string>();
            path = next is null ? null : $"{first}&cursor={next}";
        }

        return pages;
    }

    /// <summary>The baseline must answer as the API does, or the ratio compares different work: a few requests of each, side by side.</summary>
    private static async Task<IReadOnlyList<string>> CompareWithBaselineAsync(HostProcess host, IReadOnlyList<ReadScenario> scenarios, CancellationToken ct)
    {
        using var client = new HttpClient { BaseAddress = host.BaseAddress };
        var problems = new List<string>();
        var compared = 0;
        var identical = 0;
        foreach (var scenario in scenarios)
        {
            foreach (var (api, baseline) in new[] { 0, 1, scenario.Api.Count - 1 }.Select(i => (scenario.Api[i], scenario.Baseline.ElementAt(i))))
            {
                var (apiStatus, apiTag, apiBody) = await GetAsync(client, api, ct);
                var (baselineStatus, baselineTag, baselineBody) = await GetAsync(client, baseline, ct);
                compared++;
                identical += apiBody == baselineBody ? 1 : 0;
                if (apiStatus != 200 || baselineStatus != 200 || apiTag != baselineTag
                    || !JsonNode.DeepEquals(JsonNode.Parse(apiBody), JsonNode.Parse(baselineBody)))
                {
                    problems.Add($"{scenario.Name}: the baseline answers {baseline.Path} otherwise than the API answers {api.Path} " +
                                 $"({apiStatus} {apiTag} {apiBody.Length} bytes, {baselineStatus} {baselineTag} {baselineBody.Length} bytes)");
                }
            }
        }

        Console.WriteLine(
            $"Baseline check: {compared} responses compared with the API's, {compared - problems.Count} the same JSON, {identical} byte for byte.");
        return problems;
    }

    private static async Task<(int Status, string? ETag, string Body)> GetAsync(HttpClient client, Target target, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, target.Path)
        {
            Headers = { Authorization = new AuthenticationHeaderValue("Bearer", target.Key) }
        };
        using var response = await client.SendAsync(request, ct);
        return ((int)response.StatusCode, response.Headers.ETag?.Tag, await response.Content.ReadAsStringAsync(ct));
    }

    /// <summary>
    /// Rounds over every endpoint until tiered compilation has settled: a process this size keeps compiling (tier 0,
    /// then instrumented, then tier 1) for half a minute and more on a busy 2-core machine, and a JIT thread at work
    /// during a measurement takes its CPU from whichever endpoint runs then.
    /// </summary>
    private static async Task WarmUpAsync(HostProcess host, Settings settings, IReadOnlyList<string> reads, Func<int, Task<string>> sendsOfRound,
        List<string> problems, CancellationToken ct)
    {
        var jit = await host.RuntimeAsync(ct);
        for (var round = 0; round < settings.WarmupRounds; round++)
        {
            foreach (var (targets, sendShare) in reads.Select(r => (r, 0.0)).Append((await sendsOfRound(round), 1.0)))
            {
                var result = await Wrk.RunAsync(host.BaseAddress, targets, sendShare, settings.Connections, settings.Threads, settings.Warmup, ct);
                if (result.Non2xx > 0 || result.SocketErrors > 0)
                {
                    problems.Add($"warm-up {Path.GetFileName(targets)}: {result.Non2xx} non-2xx responses, {result.SocketErrors} socket errors");
                }
            }

            var after = await host.RuntimeAsync(ct);
            Console.WriteLine($"Warm-up round {round + 1}: the JIT compiled {after.JitMethods - jit.JitMethods:N0} methods " +
                              $"in {after.JitMilliseconds - jit.JitMilliseconds:N0} ms.");
            if (after.JitMethods - jit.JitMethods <= SettledJitMethods)
            {
                return;
            }

            jit = after;
        }

        Console.WriteLine($"Warning: the JIT had not settled after {settings.WarmupRounds} warm-up rounds; measurements may include compilation.");
    }

    private static async Task<Measurement> MeasureAsync(
        HostProcess host, int? postmaster, string label, string targets, double sendShare, int seconds, Settings settings, List<string> problems,
        CancellationToken ct)
    {
        var runtime = await host.RuntimeAsync(ct);
        host.ResetPeakMemory();
        var machine = CpuTime.Machine();
        var hostCpu = host.CpuTime();
        var serverCpu = postmaster is { } pid ? CpuTime.ProcessTree(pid) : (TimeSpan?)null;
        var result = await Wrk.RunAsync(host.BaseAddress, targets, sendShare, settings.Connections, settings.Threads, seconds, ct);
        var machineAfter = CpuTime.Machine();
        var runtimeAfter = await host.RuntimeAsync(ct);
        var measurement = new Measurement(result, host.PeakMemory(), host.CpuTime() - hostCpu,
            postmaster is { } after ? CpuTime.ProcessTree(after) - serverCpu : null,
            (machineAfter.Busy - machine.Busy) / (machineAfter.Total - machine.Total), runtimeAfter.JitMethods - runtime.JitMethods,
            // Under DATAS (Server GC's default) the runtime's count leaves out a heap the GC has given back, so it can step
            // back (dotnet/runtime#131069, fixed after .NET 10): such a run has no figure rather than a wrong one.
            runtimeAfter.AllocatedBytes >= runtime.AllocatedBytes ? runtimeAfter.AllocatedBytes - runtime.AllocatedBytes : null);
        Console.WriteLine($"  {label,-46} {result.RequestsPerSecond,8:N0} req/s  p50 {Ms(result.P50Us),6} ms  p90 {Ms(result.P90Us),6} ms  " +
                          $"p99 {Ms(result.P99Us),6} ms  max {Ms(result.MaxUs),7} ms  {result.Bytes / Math.Max(1, result.Requests):N0} B/response  " +
                          $"CPU/request: API process {measurement.HostCpuPerRequestUs:N0} µs, " +
                          $"PostgreSQL {measurement.ServerCpuPerRequestUs?.ToString("N0", CultureInfo.InvariantCulture) ?? "?"} µs  " +
                          $"allocated {Whole(measurement.AllocatedPerRequest)} B/request  " +
                          $"machine {measurement.MachineBusy:P0} busy  JIT {measurement.JitMethods} methods  peak RSS {Mb(measurement.PeakMemory)} MB");
        if (result.Non2xx > 0 || result.SocketErrors > 0)
        {
            problems.Add($"{label}: {result.Non2xx} non-2xx responses, {result.SocketErrors} socket errors");
        }

        if (result.ExhaustedThreads > 0)
        {
            problems.Add($"{label}: {result.ExhaustedThreads} wrk threads ran out of draft letters; the data set needs more, or the run less time");
        }

        return measurement;
    }

    /// <summary>Connections to the benchmark's database by application name, and to the whole server, at their highest, sampled every 100 ms.</summary>
    /// <returns>Peaks by application name, of the whole server, and of the application role's connections.</returns>
    private static async Task<(IReadOnlyDictionary<string, int> ByApplication, int Server, int Application)> SampleConnectionsAsync(
        BenchmarkDatabase database, CancellationToken stop)
    {
        await using var connection = await database.OpenAsSuperUserAsync(CancellationToken.None);
        // Through PgBouncer, a server connection carries the application name of the client whose transaction it ran last.
        await using var command = new NpgsqlCommand("""
            SELECT coalesce(nullif(application_name, ''), '(none)'), count(*)::int FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid() GROUP BY 1
            UNION ALL
            SELECT '', count(*)::int FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()
            UNION ALL
            SELECT ' application role', count(*)::int FROM pg_stat_activity WHERE datname = current_database() AND usename = @role
            """, connection);
        command.Parameters.AddWithValue("role", new NpgsqlConnectionStringBuilder(database.Connections.Application).Username!);
        var peaks = new Dictionary<string, int>();
        while (!stop.IsCancellationRequested)
        {
            await using (var reader = await command.ExecuteReaderAsync(CancellationToken.None))
            {
                while (await reader.ReadAsync(CancellationToken.None))
                {
                    peaks[reader.GetString(0)] = Math.Max(peaks.GetValueOrDefault(reader.GetString(0)), reader.GetInt32(1));
                }
            }

            try
            {
                await Task.Delay(100, stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        var server = peaks.Remove("", out var total) ? total : 0;
        var application = peaks.Remove(" application role", out var role) ? role : 0;
        return (peaks, server, application);
    }

    /// <summary>
    /// The postmaster of a local server (a backend's parent), whose process tree is PostgreSQL's CPU time; null when the server is elsewhere.
    /// </summary>
    private static async Task<int?> PostmasterAsync(BenchmarkDatabase database, CancellationToken ct)
    {
        await using var connection = await database.OpenAsSuperUserAsync(ct);
        return CpuTime.ParentOf(connection.ProcessID);
    }

    private static async Task<IReadOnlyList<string>> QueryAsync(BenchmarkDatabase database, string sql, CancellationToken ct)
    {
        await using var connection = await database.OpenAsSuperUserAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var lines = new List<string>();
        while (await reader.ReadAsync(ct))
        {
            lines.Add(reader.GetString(0));
        }

        return lines;
    }

    private static async Task DropUnlessKeptAsync(BenchmarkServer server, BenchmarkDatabase database, Settings settings, CancellationToken ct)
    {
        if (settings.Keep)
        {
            Console.WriteLine($"Kept database {database.Name}.");
        }
        else
        {
            await server.DropAsync(database, ct);
        }
    }

    private static void Report(IReadOnlyList<Row> rows, IReadOnlyList<InstancesResult> runs, Settings settings, IReadOnlyList<string> problems)
    {
        Console.WriteLine();
        Console.WriteLine(
            $"| scenario | req/s | p50 ms | p99 ms | baseline req/s | baseline p99 ms | ratio | bare page req/s | API of bare | peak memory MB |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var row in rows)
        {
            var api = row.Api.Wrk;
            Console.WriteLine($"| {row.Scenario} | {api.RequestsPerSecond:N0} | {Ms(api.P50Us)} | {Ms(api.P99Us)} | " +
                              $"{(row.Baseline is { } b ? $"{b.Wrk.RequestsPerSecond:N0} | {Ms(b.Wrk.P99Us)}" : "— | —")} | " +
                              $"{(row.Ratio is { } r ? $"{r:P0}" : "—")} | " +
                              $"{(row.Bare is { } bare ? $"{bare.RequestsPerSecond:N0} | {row.OfBare:P0}" : "— | —")} | {Mb(row.Api.PeakMemory)} |");
        }

        Console.WriteLine();
        Console.WriteLine("CPU per request (µs; the machine's cores are shared by wrk, the API and PostgreSQL), and bytes the API process allocated " +
                          "per request:");
        Console.WriteLine("| scenario | API process | baseline: same process | PostgreSQL for the API | PostgreSQL for the baseline | " +
                          "allocated B, API | allocated B, baseline |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var row in rows)
        {
            Console.WriteLine($"| {row.Scenario} | {row.Api.HostCpuPerRequestUs:N0} | {Whole(row.Baseline?.HostCpuPerRequestUs)} | " +
                              $"{Whole(row.Api.ServerCpuPerRequestUs)} | {Whole(row.Baseline?.ServerCpuPerRequestUs)} | " +
                              $"{Whole(row.Api.AllocatedPerRequest)} | {Whole(row.Baseline?.AllocatedPerRequest)} |");
        }

        Console.WriteLine();
        var reads = rows.Where(r => r.Ratio is not null).ToList();
        var lowest = reads.MinBy(r => r.Ratio!.Value)!;
        Console.WriteLine($"target: every read at {RatioTarget:P0} or more of its baseline's requests/s — lowest {lowest.Ratio:P1} ({lowest.Scenario}): " +
                          $"{(reads.All(r => r.Ratio >= RatioTarget) ? "PASS" : "MISS")}");
        var listCases = rows.First(r => r.Scenario.StartsWith("list cases", StringComparison.Ordinal));
        Console.WriteLine($"target: list cases at {ListCasesBareTarget:P0} or more of PostgreSQL alone on the bare pages — {listCases.OfBare:P1}: " +
                          $"{(listCases.OfBare >= ListCasesBareTarget ? "PASS" : "MISS")}");
        var getCase = rows.First(r => r.Scenario.StartsWith("get a case", StringComparison.Ordinal));
        Console.WriteLine($"target: get a case by id with p99 at most {P99TargetMs} ms at {settings.Connections} connections — " +
                          $"{Ms(getCase.Api.Wrk.P99Us)} ms: {(getCase.Api.Wrk.P99Us <= P99TargetMs * 1000 ? "PASS" : "MISS")}");
        var slowest = rows.MaxBy(r => r.Api.Wrk.P99Us)!;
        Console.WriteLine($"target: p99 under {P99TargetMs} ms at {settings.Connections} connections — " +
                          $"highest {Ms(slowest.Api.Wrk.P99Us)} ms ({slowest.Scenario}): " +
                          $"{(rows.All(r => r.Api.Wrk.P99Us < P99TargetMs * 1000) ? "PASS" : "MISS")}");
        foreach (var instances in runs)
        {
            var total = instances.PeakConnections.Values.Sum();
            var pool = instances.PoolSize is { } size
                ? $"; application role's server connections at their peak {instances.PeakApplicationConnections} of PgBouncer's pool {size}"
                : "";
            Console.WriteLine($"target: no connection-pool exhaustion with {instances.Runs.Count} instances and Hangfire on one PostgreSQL, " +
                              $"{instances.Route} — {instances.Runs.Sum(r => r.Wrk.Requests):N0} requests, {instances.Runs.Sum(r => r.Wrk.Non2xx)} non-2xx, " +
                              $"{instances.Runs.Sum(r => r.Wrk.SocketErrors)} socket errors; connections at their peak: " +
                              $"{string.Join(", ", instances.PeakConnections.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {p.Value}"))} " +
                              $"(sum of peaks {total}; " +
                              $"server-wide peak {instances.PeakServerConnections} of max_connections {instances.MaxConnections}{pool}); " +
                              $"{string.Join(", ", instances.Jobs)}: {(instances.Problems.Count == 0 ? "PASS" : "MISS")}");
            foreach (var problem in instances.Problems)
            {
                Console.WriteLine($"  - {problem}");
            }
        }

        Console.WriteLine(problems.Count == 0
            ? "correctness: PASS"
            : "correctness: FAIL" + Environment.NewLine + string.Join(Environment.NewLine, problems.Select(p => "  - " + p)));
    }

    private static int RoundSeconds(Settings settings) => Math.Max(1, settings.Duration / settings.Rounds);

    private static string Ms(long microseconds) => (microseconds / 1000.0).ToString("F1", CultureInfo.InvariantCulture);

    private static string Mb(long bytes) => (bytes / 1024 / 1024).ToString("N0", CultureInfo.InvariantCulture);

    private static string Whole(double? figure) => figure?.ToString("N0", CultureInfo.InvariantCulture) ?? "—";
}
