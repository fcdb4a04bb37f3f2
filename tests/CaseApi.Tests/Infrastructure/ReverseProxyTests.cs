using CaseApi.Features.CalendarFeeds;

namespace CaseApi.Tests.Infrastructure;

/// <summary>
/// Behind a TLS proxy: the client's address and scheme come from <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> of a
/// configured proxy and of no one else, and links that leave the API start with <c>PublicBaseUrl</c>. On Kestrel, so that
/// requests come from a real address (127.0.0.1).
/// </summary>
public sealed class ReverseProxyTests(ReverseProxyTests.BehindProxy behindProxy, ReverseProxyTests.ProxyElsewhere proxyElsewhere)
    : IClassFixture<ReverseProxyTests.BehindProxy>, IClassFixture<ReverseProxyTests.ProxyElsewhere>
{
    private const string PublicHost = "caseapi.example.org";

    /// <summary>The tests' own address is the configured proxy.</summary>
    public sealed class BehindProxy : CaseApiFactory
    {
        public BehindProxy() => UseKestrel(0);

        protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
        {
            ["RateLimiting:PermitsPerMinute"] = "5",
            ["ForwardedHeaders:KnownProxies:0"] = "127.0.0.1",
            ["ForwardedHeaders:KnownProxies:1"] = "::1",
            ["PublicBaseUrl"] = $"https://{PublicHost}/",
        };
    }

    /// <summary>A proxy is configured, but the tests' address is not it.</summary>
    public sealed class ProxyElsewhere : CaseApiFactory
    {
        public ProxyElsewhere() => UseKestrel(0);

        protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
        {
            ["RateLimiting:PermitsPerMinute"] = "5",
            ["ForwardedHeaders:KnownNetworks:0"] = "192.0.2.0/24",
        };
    }

    [Fact]
    public async Task Behind_a_configured_proxy_each_forwarded_client_has_a_limit_of_its_own()
    {
        using var client = behindProxy.ClientFor("cak_not_a_key");

        var limited = await RateLimitTests.SendUntilLimitedAsync(client, "/v1/organisation", request => request.Headers.Add("X-Forwarded-For", "203.0.113.10"));

        await ProblemAssert.IsProblemAsync(limited, HttpStatusCode.TooManyRequests, "rate_limited");
        using var other = new HttpRequestMessage(HttpMethod.Get, "/v1/organisation") { Headers = { { "X-Forwarded-For", "203.0.113.11" } } };
        await ProblemAssert.IsProblemAsync(await client.SendAsync(other), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Forwarded_addresses_from_a_sender_that_is_not_a_configured_proxy_are_ignored()
    {
        using var client = proxyElsewhere.ClientFor("cak_not_a_key");

        await RateLimitTests.SendUntilLimitedAsync(client, "/v1/organisation", request => request.Headers.Add("X-Forwarded-For", "203.0.113.10"));

        using var other = new HttpRequestMessage(HttpMethod.Get, "/v1/organisation") { Headers = { { "X-Forwarded-For", "203.0.113.11" } } };
        await ProblemAssert.IsProblemAsync(await client.SendAsync(other), HttpStatusCode.TooManyRequests, "rate_limited");
    }

    [Fact]
    public async Task Https_forwarded_by_a_configured_proxy_gets_HSTS_and_from_anyone_else_does_not()
    {
        using var trusted = behindProxy.ClientFor(null);
        using var untrusted = proxyElsewhere.ClientFor(null);

        var forwarded = await trusted.SendAsync(HttpsThroughProxy());
        var plain = await trusted.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/health/live") { Headers = { Host = PublicHost } });
        var forged = await untrusted.SendAsync(HttpsThroughProxy());

        Assert.Equal("max-age=31536000", Assert.Single(forwarded.Headers.GetValues("Strict-Transport-Security")));
        Assert.False(plain.Headers.Contains("Strict-Transport-Security"));
        Assert.False(forged.Headers.Contains("Strict-Transport-Security"));
    }

    [Fact]
    public async Task A_calendar_feed_url_starts_with_the_public_base_url()
    {
        var organisation = await behindProxy.CreateOrganisationAsync();
        using var admin = behindProxy.ClientFor(organisation.AdminKey);

        var created = await CreateFeedAsync(admin);

        Assert.StartsWith($"https://{PublicHost}/v1/deadlines/calendar.ics?token=caf_", created.Url, StringComparison.Ordinal);
        Assert.EndsWith(Uri.EscapeDataString(created.Token), created.Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_public_base_url_a_feed_url_takes_no_scheme_from_a_sender_that_is_not_a_configured_proxy()
    {
        var organisation = await proxyElsewhere.CreateOrganisationAsync();
        using var admin = proxyElsewhere.ClientFor(organisation.AdminKey);

        var created = await CreateFeedAsync(admin, request => request.Headers.Add("X-Forwarded-Proto", "https"));

        Assert.StartsWith("http://", created.Url, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("PublicBaseUrl", "caseapi.example.org")]
    [InlineData("PublicBaseUrl", "ftp://caseapi.example.org")]
    [InlineData("ForwardedHeaders__KnownProxies__0", "10.0.0.300")]
    [InlineData("ForwardedHeaders__KnownNetworks__0", "10.0.0.0")]
    public async Task A_malformed_setting_stops_the_start_and_is_named(string setting, string value)
    {
        var (exitCode, output) = await CaseApiProcess.RunAsync(new Dictionary<string, string>(ServedApi.DatabaseSettings(proxyElsewhere.Database))
        {
            [setting] = value,
        }, "create-organisation", "--name", "Never created");

        Assert.NotEqual(0, exitCode);
        Assert.Contains(setting.Replace("__", ":", StringComparison.Ordinal), output, StringComparison.Ordinal);
    }

    private static HttpRequestMessage HttpsThroughProxy()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/health/live") { Headers = { Host = PublicHost } };
        request.Headers.Add("X-Forwarded-Proto", "https");
        return request;
    }

    private static async Task<CreateCalendarFeed.CreatedCalendarFeedDto> CreateFeedAsync(HttpClient admin, Action<HttpRequestMessage>? prepare = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/calendar-feeds") { Content = JsonContent.Create(new { name = "Legal team" }) };
        prepare?.Invoke(request);
        var response = await admin.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<CreateCalendarFeed.CreatedCalendarFeedDto>())!;
    }
}
