namespace CaseApi.Tests.Infrastructure;

public sealed class RateLimitTests(RateLimitTests.LowLimitApi api) : IClassFixture<RateLimitTests.LowLimitApi>
{
    public sealed class LowLimitApi : CaseApiFactory
    {
        protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
        {
            ["RateLimiting:PermitsPerMinute"] = "5",
        };
    }

    [Fact]
    public async Task A_key_over_its_limit_gets_429_with_Retry_After_while_other_keys_go_on()
    {
        var organisation = await api.CreateOrganisationAsync();
        var other = await api.CreateOrganisationAsync("Other");
        // Created with the admin key, before the loop: the limit is per key, not per organisation.
        using var sibling = api.ClientFor(await api.CreateKeyAsync(organisation, CaseApi.Infrastructure.Auth.ApiKeyRole.Lawyer));
        using var busy = api.ClientFor(organisation.AdminKey);
        using var calm = api.ClientFor(other.AdminKey);

        HttpResponseMessage response;
        var sent = 0;
        do
        {
            response = await busy.GetAsync("/v1/organisation");
            sent++;
        }
        while (response.IsSuccessStatusCode && sent < 20);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After must say when to come back");
        Assert.True(sent <= 5, $"the limit is 5 a minute and key creation took one, yet {sent - 1} requests passed");
        Assert.Equal(HttpStatusCode.OK, (await sibling.GetAsync("/v1/organisation")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await calm.GetAsync("/v1/organisation")).StatusCode);
    }

    [Fact]
    public async Task Health_checks_and_calendar_feeds_answer_while_callers_without_a_valid_key_are_limited()
    {
        var feed = await CreateFeedAsync(await api.CreateOrganisationAsync("Feed"));
        using var badKey = api.ClientFor("cak_not_a_key");

        var limited = await SendUntilLimitedAsync(badKey, "/v1/organisation");

        var problem = await ProblemAssert.IsProblemAsync(limited, HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.Contains("client address", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        using var anonymous = api.ClientFor(null);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(feed)).StatusCode);
    }

    [Fact]
    public async Task One_calendar_feed_over_its_limit_leaves_another_feed_alone()
    {
        var busy = await CreateFeedAsync(await api.CreateOrganisationAsync("Busy feed"));
        var calm = await CreateFeedAsync(await api.CreateOrganisationAsync("Calm feed"));
        using var anonymous = api.ClientFor(null);

        var limited = await SendUntilLimitedAsync(anonymous, busy);

        var problem = await ProblemAssert.IsProblemAsync(limited, HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.Contains("calendar feed", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(calm)).StatusCode);
    }

    /// <summary>Sends until the answer is 429, at most 20 times: more than 5 passing would already be a failure.</summary>
    internal static async Task<HttpResponseMessage> SendUntilLimitedAsync(HttpClient client, string path, Action<HttpRequestMessage>? prepare = null)
    {
        for (var sent = 1; sent <= 20; sent++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            prepare?.Invoke(request);
            var response = await client.SendAsync(request);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.True(sent <= 6, $"the limit is 5 a minute, yet {sent - 1} requests passed");
                return response;
            }
        }

        throw new Xunit.Sdk.XunitException($"20 requests to {path} and none was limited");
    }

    /// <summary>A new calendar feed's path with its token.</summary>
    private async Task<string> CreateFeedAsync(TestOrganisation organisation)
    {
        using var admin = api.ClientFor(organisation.AdminKey);
        var feed = await admin.CreatedAsync("/v1/calendar-feeds", new { name = "Legal team" });
        return new Uri(feed.GetProperty("url").GetString()!).PathAndQuery;
    }
}
