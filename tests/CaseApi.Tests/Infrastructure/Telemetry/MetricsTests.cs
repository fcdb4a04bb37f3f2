using System.Globalization;
using CaseApi.Features.Deadlines;
using CaseApi.Features.Organisations;
using CaseApi.Features.Webhooks;
using CaseApi.Infrastructure.Auth;
using CaseApi.Tests.Features.Webhooks;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace CaseApi.Tests.Infrastructure.Telemetry;

/// <summary>
/// Issue 16: the operator scrapes /metrics with the operator token and sees the deadline sweep and the webhook dispatcher at
/// work. Each host reports its own numbers (its meter comes from its own meter factory), so the counts are exact although other
/// test classes sweep and dispatch in the same process.
/// </summary>
public sealed class MetricsTests(MetricsTests.WithOperator api, CaseApiFactory withoutOperator)
    : IClassFixture<MetricsTests.WithOperator>, IClassFixture<CaseApiFactory>, IAsyncLifetime
{
    private const string OperatorToken = "metrics-operator-token-0123456789abcdefghijklmnop";

    // The database gauges are read at most this often (Telemetry:GaugeCacheSeconds' default).
    private static readonly TimeSpan GaugeCache = TimeSpan.FromSeconds(10);

    public sealed class WithOperator : CaseApiFactory
    {
        protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
        {
            [OperatorCredential.TokenKey] = OperatorToken,
            ["Webhooks:AllowPrivateAddresses"] = "true",
        };
    }

    private LoopbackReceiver receiver = null!;

    public async Task InitializeAsync() => receiver = await LoopbackReceiver.StartAsync();

    public async Task DisposeAsync() => await receiver.DisposeAsync();

    [Fact]
    public async Task A_deadline_left_overdue_shows_as_sweep_lag_until_the_sweep_marks_it_missed_and_counts_it()
    {
        var world = await Letters.WorldAsync(api);
        var sentAt = api.Clock.GetUtcNow().AddHours(-1).ToString("O", CultureInfo.InvariantCulture);
        await world.SendAsync(await world.DraftAsync(), sentAt, "P14D");
        var before = await ScrapeAfterCacheAsync();
        Assert.Equal(0, before.Value("caseapi_sweep_lag_seconds"));

        api.Clock.Advance(TimeSpan.FromDays(30));
        var overdue = await ScrapeAfterCacheAsync();
        await api.Services.GetRequiredService<SweepDeadlinesJob>().RunAsync(CancellationToken.None);
        var swept = await ScrapeAfterCacheAsync();

        // Looked at 30 days after sending: the oldest check waiting is its due-soon warning, days before the end of the 14th day.
        Assert.InRange(overdue.Value("caseapi_sweep_lag_seconds")!.Value, TimeSpan.FromDays(16).TotalSeconds, TimeSpan.FromDays(30).TotalSeconds);
        Assert.Equal(0, swept.Value("caseapi_sweep_lag_seconds"));
        Assert.Equal(1, (swept.Value("caseapi_deadlines_missed_total") ?? 0) - (overdue.Value("caseapi_deadlines_missed_total") ?? 0));
    }

    [Fact]
    public async Task The_webhook_backlog_rises_with_each_event_and_falls_as_deliveries_are_made_and_an_answer_500_counts_as_failed()
    {
        var (organisation, client) = await OrganisationAsync();
        await client.CreatedAsync("/v1/webhooks", new { url = receiver.Url("/hooks/receivers-own-path-secret"), eventTypes = new[] { "case.created" } });
        var before = await ScrapeAfterCacheAsync();

        await client.CaseAsync();
        await client.CaseAsync();
        var cached = await ScrapeAsync();
        var waiting = await ScrapeAfterCacheAsync();
        receiver.Script(new LoopbackReceiver.Answer(500));
        await DispatchAsync();
        var afterFailure = await ScrapeAfterCacheAsync();
        api.Clock.Advance(TimeSpan.FromMinutes(1)); // past the first retry's 5 s
        await DispatchAsync();
        var delivered = await ScrapeAfterCacheAsync();

        Assert.Equal(0, before.Value("caseapi_webhooks_backlog"));
        // Within the gauges' cache the reading stands: a scrape storm costs the database one query per cache period.
        Assert.Equal(0, cached.Value("caseapi_webhooks_backlog"));
        Assert.Equal(2, waiting.Value("caseapi_webhooks_backlog"));
        // The first delivery got a 500 and waits for its retry; the second was delivered.
        Assert.Equal(1, Delta(before, afterFailure, "caseapi_webhooks_deliveries_total", "outcome=\"failed\""));
        Assert.Equal(1, Delta(before, afterFailure, "caseapi_webhooks_deliveries_total", "outcome=\"delivered\""));
        Assert.Equal(1, afterFailure.Value("caseapi_webhooks_backlog"));
        Assert.Equal(2, Delta(before, delivered, "caseapi_webhooks_deliveries_total", "outcome=\"delivered\""));
        Assert.Equal(1, Delta(before, delivered, "caseapi_webhooks_deliveries_total", "outcome=\"failed\""));
        Assert.Equal(0, delivered.Value("caseapi_webhooks_backlog"));
        Assert.Equal(0, delivered.Value("caseapi_webhooks_lag_seconds"));
        Assert.Equal(3, delivered.Value("caseapi_requests_total", $"caseapi_organisation_id=\"{organisation}\"", "outcome=\"ok\""));
    }

    [Fact]
    public async Task Metrics_are_refused_without_the_operator_token_to_a_wrong_token_and_to_an_API_key_and_not_served_without_one_configured()
    {
        var (_, admin) = await OrganisationAsync();
        using var anonymous = api.ClientFor(null);
        using var wrong = api.ClientFor(OperatorToken + "x");
        var key = (await withoutOperator.CreateOrganisationAsync()).AdminKey;
        using var unconfiguredOperator = withoutOperator.ClientFor(OperatorToken);
        using var unconfiguredAdmin = withoutOperator.ClientFor(key);

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await admin.GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await unconfiguredAdmin.GetAsync("/metrics")).StatusCode);
        // Without a key of the API, as on any path that does not exist.
        Assert.Equal((await unconfiguredOperator.GetAsync("/no-such-page")).StatusCode, (await unconfiguredOperator.GetAsync("/metrics")).StatusCode);
    }

    [Fact]
    public async Task The_scrape_names_no_password_token_key_or_webhook_address()
    {
        var (_, client) = await OrganisationAsync();
        var adminKey = client.DefaultRequestHeaders.Authorization!.Parameter!;
        var webhook = await client.CreatedAsync("/v1/webhooks", new { url = receiver.Url("/hooks/receivers-own-path-secret"), eventTypes = new[] { "case.created" } });
        await client.CaseAsync();
        await DispatchAsync();

        var scrape = await ScrapeAfterCacheAsync();

        // The pools (Npgsql's meter) are there, named without their connection strings' passwords.
        Assert.Contains("db_client_connection_", scrape.Text, StringComparison.Ordinal);
        Assert.Contains("caseapi_webhooks_deliveries_total", scrape.Text, StringComparison.Ordinal);
        string[] secrets =
        [
            new NpgsqlConnectionStringBuilder(api.Database.Application).Password!, new NpgsqlConnectionStringBuilder(api.Database.Migrations).Password!,
            OperatorToken, adminKey, adminKey[..12], webhook.GetProperty("secret").GetString()!, "receivers-own-path-secret", "/hooks",
        ];
        Assert.All(secrets, secret => Assert.DoesNotContain(secret, scrape.Text, StringComparison.Ordinal));
    }

    [Fact]
    public async Task While_the_work_lists_cannot_be_read_the_database_gauges_are_left_out_rather_than_shown_stale()
    {
        var role = new NpgsqlConnectionStringBuilder(api.Database.Application).Username;
        await ScrapeAfterCacheAsync();
        await GrantAsync($"REVOKE SELECT ON jobs.webhook_dispatch FROM \"{role}\"");
        Scrape refused;
        try
        {
            refused = await ScrapeAfterCacheAsync();
        }
        finally
        {
            await GrantAsync($"GRANT SELECT ON jobs.webhook_dispatch TO \"{role}\"");
        }

        var restored = await ScrapeAfterCacheAsync();

        Assert.Null(refused.Value("caseapi_sweep_lag_seconds"));
        Assert.Null(refused.Value("caseapi_webhooks_backlog"));
        Assert.Null(refused.Value("caseapi_webhooks_lag_seconds"));
        Assert.Equal(0, restored.Value("caseapi_webhooks_backlog"));
        Assert.NotNull(restored.Value("caseapi_sweep_lag_seconds"));
    }

    [Fact]
    public void Nothing_is_collected_for_export_without_an_operator_token_or_a_collector_and_no_trace_without_a_collector()
    {
        Assert.Null(withoutOperator.Services.GetService<MeterProvider>());
        Assert.Null(withoutOperator.Services.GetService<TracerProvider>());
        Assert.NotNull(api.Services.GetService<MeterProvider>());
        Assert.Null(api.Services.GetService<TracerProvider>());
    }

    private async Task<(Guid Id, HttpClient Client)> OrganisationAsync()
    {
        var created = await api.SendAsync(new CreateOrganisation.Command($"Metrics {Guid.NewGuid():N}"[..20], "DE-NW", "Europe/Berlin"));
        return (created.Organisation.Id, api.ClientFor(created.AdminKeySecret));
    }

    private async Task GrantAsync(string sql)
    {
        await using var superUser = await api.OpenAsSuperUserAsync();
        await superUser.ExecuteAsync(sql);
    }

    private Task DispatchAsync() => api.Services.GetRequiredService<DispatchWebhooksJob>().RunAsync(CancellationToken.None);

    /// <summary>A scrape once the database gauges' cached reading has expired.</summary>
    private Task<Scrape> ScrapeAfterCacheAsync()
    {
        api.Clock.Advance(GaugeCache + TimeSpan.FromSeconds(1));
        return ScrapeAsync();
    }

    private async Task<Scrape> ScrapeAsync()
    {
        using var operatorClient = api.ClientFor(OperatorToken);
        var response = await operatorClient.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return new Scrape(await response.Content.ReadAsStringAsync());
    }

    private static double Delta(Scrape before, Scrape after, string name, params string[] labels) =>
        (after.Value(name, labels) ?? 0) - (before.Value(name, labels) ?? 0);

    /// <summary>Prometheus' text format: one sample a line, <c>name{label="value",…} value [timestamp]</c>.</summary>
    private sealed record Scrape(string Text)
    {
        /// <summary>The sum of the samples of <paramref name="name"/> that carry every label given; null when there is none.</summary>
        public double? Value(string name, params string[] labels)
        {
            var samples = Text.Split('\n')
                .Where(line => line.StartsWith(name + "{", StringComparison.Ordinal) || line.StartsWith(name + " ", StringComparison.Ordinal))
                .Where(line => labels.All(label => line.Contains(label, StringComparison.Ordinal)))
                // The value follows the name and labels, and may itself be followed by a timestamp.
                .Select(line => line[(line.Contains('}') ? line.LastIndexOf('}') + 1 : line.IndexOf(' '))..].Trim().Split(' ')[0])
                .Select(value => double.Parse(value, CultureInfo.InvariantCulture))
                .ToArray();
            return samples.Length == 0 ? null : samples.Sum();
        }
    }
}
