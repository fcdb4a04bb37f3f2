using CaseApi.Features.Demo;
using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Mediation;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

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

    [Fact]
    public async Task The_purge_deletes_keys_older_than_24_hours_in_every_organisation_and_keeps_younger_ones()
    {
        using var first = api.ClientFor((await api.CreateOrganisationAsync()).AdminKey);
        using var second = api.ClientFor((await api.CreateOrganisationAsync("Other")).AdminKey);
        await first.CreatedAsync("/v1/cases", new { reference = "PURGE-1", title = "Old" }, idempotencyKey: "purge-old-1");
        await second.CreatedAsync("/v1/cases", new { reference = "PURGE-2", title = "Old" }, idempotencyKey: "purge-old-2");
        api.Clock.Advance(TimeSpan.FromHours(23));
        await first.CreatedAsync("/v1/cases", new { reference = "PURGE-3", title = "Young" }, idempotencyKey: "purge-young");
        api.Clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));

        await api.Services.GetRequiredService<PurgeIdempotencyKeysJob>().RunAsync(CancellationToken.None);

        await using var superUser = await api.OpenAsSuperUserAsync();
        Assert.Equal(["purge-young"], await superUser.QueryAsync<string>("SELECT key FROM idempotency_keys WHERE key LIKE 'purge-%'"));
    }

    [Fact]
    public async Task After_the_complainant_is_erased_a_replay_of_the_complaint_POST_gets_409_and_no_personal_data_is_kept()
    {
        var organisation = await api.CreateOrganisationAsync();
        using var lawyer = api.ClientFor(await api.CreateKeyAsync(organisation, ApiKeyRole.Lawyer));
        var defendant = await lawyer.DefendantAsync();
        var @case = await lawyer.CaseAsync(null, defendant.Id());
        var path = $"/v1/cases/{@case.Id()}/complaints";
        var body = ComplaintBody(defendant.Id());
        var complaint = await lawyer.CreatedAsync(path, body, idempotencyKey: "erase-me");

        var erased = await lawyer.DeleteAsync($"/v1/complainants/{complaint.GetProperty("complainants")[0].Id()}");
        var replay = await ReplayAsync(lawyer, path, body, "erase-me");

        Assert.Equal(HttpStatusCode.NoContent, erased.StatusCode);
        var text = await ProblemAssert.IsProblemAsync(replay, HttpStatusCode.Conflict, "idempotent_response_erased");
        Assert.DoesNotContain("Jane Doe", text.ToString(), StringComparison.Ordinal);
        await using var superUser = await api.OpenAsSuperUserAsync();
        Assert.Equal(0, await superUser.QuerySingleAsync<long>(
            "SELECT count(*) FROM idempotency_keys WHERE key = 'erase-me' AND (response IS NOT NULL OR NOT response_erased)"));
    }

    [Fact]
    public async Task An_integration_key_replaying_a_lawyers_complaint_POST_gets_422_and_never_the_complainants()
    {
        var organisation = await api.CreateOrganisationAsync();
        using var lawyer = api.ClientFor(await api.CreateKeyAsync(organisation, ApiKeyRole.Lawyer));
        using var integration = api.ClientFor(await api.CreateKeyAsync(organisation, ApiKeyRole.Integration));
        var defendant = await lawyer.DefendantAsync();
        var @case = await lawyer.CaseAsync(null, defendant.Id());
        var path = $"/v1/cases/{@case.Id()}/complaints";
        var body = ComplaintBody(defendant.Id());
        await lawyer.CreatedAsync(path, body, idempotencyKey: "lawyers-key");

        var replay = await ReplayAsync(integration, path, body, "lawyers-key");
        var lawyersOwnReplay = await ReplayAsync(lawyer, path, body, "lawyers-key");

        var problem = await ProblemAssert.IsProblemAsync(replay, HttpStatusCode.UnprocessableEntity, "idempotency_key_reused");
        Assert.DoesNotContain("jane@example.org", problem.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, lawyersOwnReplay.StatusCode);
        Assert.Contains("jane@example.org", await lawyersOwnReplay.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static object ComplaintBody(Guid defendantId) => new
    {
        defendantId,
        dpaId = DemoData.DpaId("ie-dpc"),
        onBehalfOf = "complainants",
        mandateDocument = "Mandate Jane Doe.pdf",
        complainants = new[] { new { name = "Jane Doe", email = "jane@example.org", phone = "+43 1 234 56 78" } },
    };

    private static async Task<HttpResponseMessage> ReplayAsync(HttpClient client, string path, object body, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        return await client.SendAsync(request);
    }
}
