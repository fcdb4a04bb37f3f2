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
}
