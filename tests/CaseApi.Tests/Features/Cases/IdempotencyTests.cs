using Dapper;

namespace CaseApi.Tests.Features.Cases;

public sealed class IdempotencyTests(CaseApiFactory api) : IClassFixture<CaseApiFactory>
{
    [Fact]
    public async Task A_retried_POST_with_the_same_key_replays_the_first_response_and_creates_one_row()
    {
        var organisation = await api.CreateOrganisationAsync();
        using var client = api.ClientFor(organisation.AdminKey);
        var body = new { reference = "IDEM-1", title = "Retried" };

        var first = await client.CreatedAsync("/v1/cases", body, idempotencyKey: "3f0b7c1e-retry");
        var second = await client.CreatedAsync("/v1/cases", body, idempotencyKey: "3f0b7c1e-retry");

        Assert.Equal(first.ToString(), second.ToString());
        await using var superUser = await api.OpenAsSuperUserAsync();
        Assert.Equal(1, await superUser.QuerySingleAsync<long>("SELECT count(*) FROM cases WHERE reference = 'IDEM-1'"));
    }

    [Fact]
    public async Task Concurrent_retries_with_one_key_create_one_row()
    {
        using var client = api.ClientFor((await api.CreateOrganisationAsync()).AdminKey);
        var body = new { reference = "IDEM-RACE", title = "Raced" };

        var responses = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => client.CreatedAsync("/v1/cases", body, idempotencyKey: "race-key")));

        Assert.Single(responses.Select(r => r.Id()).Distinct());
    }

    [Fact]
    public async Task The_same_key_with_another_body_gets_422()
    {
        using var client = api.ClientFor((await api.CreateOrganisationAsync()).AdminKey);
        await client.CreatedAsync("/v1/cases", new { reference = "IDEM-2", title = "One" }, idempotencyKey: "reused");

        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/cases") { Content = JsonContent.Create(new { reference = "IDEM-3", title = "Other" }) };
        request.Headers.Add("Idempotency-Key", "reused");

        await ProblemAssert.IsProblemAsync(await client.SendAsync(request), HttpStatusCode.UnprocessableEntity, "idempotency_key_reused");
    }

    [Fact]
    public async Task Keys_belong_to_one_organisation()
    {
        using var first = api.ClientFor((await api.CreateOrganisationAsync()).AdminKey);
        using var second = api.ClientFor((await api.CreateOrganisationAsync("Other")).AdminKey);

        var a = await first.CreatedAsync("/v1/cases", new { reference = "K-1", title = "A" }, idempotencyKey: "shared-key");
        var b = await second.CreatedAsync("/v1/cases", new { reference = "K-1", title = "B" }, idempotencyKey: "shared-key");

        Assert.NotEqual(a.Id(), b.Id());
    }

    [Fact]
    public async Task A_key_expires_after_24_hours()
    {
        using var client = api.ClientFor((await api.CreateOrganisationAsync()).AdminKey);
        await client.CreatedAsync("/v1/cases", new { reference = "OLD-1", title = "Day one" }, idempotencyKey: "daily");

        api.Clock.Advance(TimeSpan.FromHours(25));

        var next = await client.CreatedAsync("/v1/cases", new { reference = "OLD-2", title = "Day two" }, idempotencyKey: "daily");
        Assert.Equal("OLD-2", next.GetProperty("reference").GetString());
    }

    [Fact]
    public async Task A_retried_API_key_creation_does_not_store_or_replay_the_secret()
    {
        using var client = api.ClientFor((await api.CreateOrganisationAsync()).AdminKey);
        var body = new { name = "sync", role = "integration" };
        await client.CreatedAsync("/v1/api-keys", body, idempotencyKey: "key-once");

        using var retry = new HttpRequestMessage(HttpMethod.Post, "/v1/api-keys") { Content = JsonContent.Create(body) };
        retry.Headers.Add("Idempotency-Key", "key-once");

        await ProblemAssert.IsProblemAsync(await client.SendAsync(retry), HttpStatusCode.Conflict, "idempotent_secret_not_replayable");
        await using var superUser = await api.OpenAsSuperUserAsync();
        Assert.Equal(0, await superUser.QuerySingleAsync<long>("SELECT count(*) FROM idempotency_keys WHERE key = 'key-once' AND response IS NOT NULL"));
    }

    [Theory]
    [InlineData("with\ttab")]
    [InlineData("x201")]
    public async Task A_malformed_key_is_refused(string key)
    {
        using var client = api.ClientFor((await api.CreateOrganisationAsync()).AdminKey);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/cases") { Content = JsonContent.Create(new { reference = "M-1", title = "x" }) };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key == "x201" ? new string('x', 201) : key);

        await ProblemAssert.IsProblemAsync(await client.SendAsync(request), HttpStatusCode.BadRequest, "invalid_idempotency_key");
    }
}
