using System.Diagnostics;
using System.Web;
using CaseApi.Benchmarks.Support;
using CaseApi.Features.Cases;
using CaseApi.Features.Deadlines;
using CaseApi.Infrastructure.Json;
using Npgsql;

namespace CaseApi.Benchmarks.Scenarios.Load;

/// <summary>One bare-page statement: its SQL with positional parameters, and their values.</summary>
internal sealed record BareQuery(string Sql, object[] Values);

/// <summary>What PostgreSQL alone served of the bare pages.</summary>
internal sealed record BareResult(long Requests, double Seconds, long P99Us)
{
    public double RequestsPerSecond => Requests / Seconds;
}

/// <summary>
/// The physical limit of a read (issue 16 point 1): PostgreSQL alone on the bare page, the same rows from the same index
/// as the API's request, without per-row subqueries, without the API, without row-level security's setting (the
/// organisation is a parameter) and without a transaction around the statement: a tight Npgsql loop on as many
/// connections as wrk uses, each statement prepared (auto-prepare) and run on its generic plan, its rows read and dropped. The loop runs in the
/// benchmark's own process on the same cores, as wrk does.
/// </summary>
internal static class BarePage
{
    /// <summary>The cases table's own columns, as the API reads them (the defendants are one since migration 0042).</summary>
    private const string CaseColumns = """
        id, reference, mail_token, title, summary, status, outcome, legal_bases, tags, responsible_lawyer, opened_on, closed_on, version,
        created_at, updated_at, defendant_ids, complaint_count, letter_count, open_deadline_count, next_deadline_id, next_deadline_due_at
        """;

    /// <summary>A case by its primary key.</summary>
    public static BareQuery Case(Target target, Guid organisation) => new(
        $"SELECT {CaseColumns} FROM cases WHERE id = $1 AND organisation_id = $2",
        [Guid.Parse(target.Path[(target.Path.LastIndexOf('/') + 1)..]), organisation]);

    /// <summary>
    /// A page of <c>GET /v1/cases?status=…&amp;limit=…[&amp;cursor=…]</c> in the default order (opened, newest first), from <c>cases_by_status</c>.
    /// </summary>
    public static BareQuery CasePage(Target target, Guid organisation) => Page(
        target, organisation, $"SELECT {CaseColumns} FROM cases", "(opened_on, id) <", "opened_on DESC, id DESC",
        cursor => Cursor.TryDecode<ListCases.Key>(cursor, out var key) && key is not null
            ? (DateOnly.ParseExact(key.Value, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), key.Id)
            : null);

    /// <summary>A page of <c>GET /v1/deadlines?status=…&amp;limit=…[&amp;cursor=…]</c>, soonest first, from <c>deadlines_by_status_due</c>.</summary>
    public static BareQuery DeadlinePage(Target target, Guid organisation) => Page(
        target, organisation, $"SELECT {DeadlineRow.Columns} FROM deadlines", "(due_at, id) >", "due_at, id",
        cursor => Cursor.TryDecode<ListDeadlines.Key>(cursor, out var key) && key is not null ? (key.DueAt, key.Id) : null);

    /// <summary>A page by status, after the cursor's position in <paramref name="order"/> if the request has one.</summary>
    private static BareQuery Page(Target target, Guid organisation, string select, string after, string order, Func<string?, (object Value, Guid Id)?> decode)
    {
        var query = HttpUtility.ParseQueryString(new Uri("http://x" + target.Path).Query);
        var take = int.Parse(query["limit"]!, System.Globalization.CultureInfo.InvariantCulture) + 1;
        return decode(query["cursor"]) is { } key
            ? new($"{select} WHERE organisation_id = $1 AND status = $2 AND {after} ($3, $4) ORDER BY {order} LIMIT $5",
                [organisation, query["status"]!, key.Value, key.Id, take])
            : new($"{select} WHERE organisation_id = $1 AND status = $2 ORDER BY {order} LIMIT $3", [organisation, query["status"]!, take]);
    }

    /// <summary>The queries in turn, on <paramref name="connections"/> connections at once, for <paramref name="seconds"/>.</summary>
    public static async Task<BareResult> RunAsync(BenchmarkDatabase database, IReadOnlyList<BareQuery> queries, int connections, int seconds,
        CancellationToken ct)
    {
        var settings = new NpgsqlConnectionStringBuilder(database.SuperUserConnectionString)
        {
            Database = database.Name, Pooling = false, MaxAutoPrepare = 10, AutoPrepareMinUsages = 2, ApplicationName = "bare-page",
            // Planned once per connection, as the API's lists are since migration 0047: the plan cache would otherwise plan
            // every page (the generic plan is the same index scan), and the ceiling would carry a cost the API no longer pays.
            Options = "-c plan_cache_mode=force_generic_plan",
        }.ConnectionString;
        var opened = new List<NpgsqlConnection>();
        try
        {
            for (var i = 0; i < connections; i++)
            {
                var connection = new NpgsqlConnection(settings);
                await connection.OpenAsync(ct);
                opened.Add(connection);
            }

            using var start = new SemaphoreSlim(0);
            var clock = new Stopwatch();
            var end = TimeSpan.FromSeconds(seconds);
            var loops = opened.Select((connection, n) => Task.Run(async () =>
            {
                var latencies = new List<long>();
                await start.WaitAsync(ct);
                for (var i = n * 7; clock.Elapsed < end; i++)
                {
                    var began = clock.ElapsedTicks;
                    await RunOnceAsync(connection, queries[i % queries.Count], ct);
                    latencies.Add(clock.ElapsedTicks - began);
                }

                return latencies;
            }, ct)).ToList();
            clock.Start();
            start.Release(connections);
            var all = (await Task.WhenAll(loops)).SelectMany(l => l).Order().ToArray();
            var elapsed = clock.Elapsed.TotalSeconds;
            var p99 = all.Length == 0 ? 0 : all[(int)Math.Min(all.Length - 1, Math.Ceiling(all.Length * 0.99) - 1)];
            return new BareResult(all.Length, elapsed, p99 * 1_000_000 / Stopwatch.Frequency);
        }
        finally
        {
            foreach (var connection in opened)
            {
                await connection.DisposeAsync();
            }
        }
    }

    private static async Task RunOnceAsync(NpgsqlConnection connection, BareQuery query, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(query.Sql, connection);
        foreach (var value in query.Values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
        }
    }
}
