using CaseApi.Infrastructure.Auth;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace CaseApi.Tests.Features.ApiKeys;

public sealed class ApiKeyTests(CaseApiFactory api) : IClassFixture<CaseApiFactory>
{
    [Fact]
    public async Task A_created_key_is_shown_once_and_stored_only_as_a_hash()
    {
        var organisation = await api.CreateOrganisationAsync();
        using var admin = api.ClientFor(organisation.AdminKey);

        var response = await admin.PostAsJsonAsync("/v1/api-keys", new { name = "Case system sync", role = "integration" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.Content.ReadFromJsonAsync<JsonElement>();
        var secret = created.GetProperty("secret").GetString()!;
        var id = created.GetProperty("key").GetProperty("id").GetGuid();
        Assert.Equal($"/v1/api-keys/{id}", response.Headers.Location?.OriginalString);
        Assert.Matches("^cak_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$", secret);
        Assert.Equal(secret[4..16], created.GetProperty("key").GetProperty("prefix").GetString());

        var fetched = await admin.GetStringAsync($"/v1/api-keys/{id}");
        Assert.DoesNotContain(secret[17..], fetched, StringComparison.Ordinal);
        await using var db = await api.OpenAsSuperUserAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT row_to_json(k)::text, secret_hash FROM api_keys k WHERE id = @id", db);
        command.Parameters.AddWithValue("id", id);
        await using (var row = await command.ExecuteReaderAsync())
        {
            Assert.True(await row.ReadAsync());
            Assert.DoesNotContain(secret[17..], row.GetString(0), StringComparison.Ordinal);
            Assert.Equal(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret)), (byte[])row[1]);
        }

        using var integration = api.ClientFor(secret);
        Assert.Equal(HttpStatusCode.OK, (await integration.GetAsync("/v1/organisation")).StatusCode);
    }

    [Fact]
    public async Task A_revoked_key_gets_401_at_once()
    {
        var organisation = await api.CreateOrganisationAsync();
        var viewerKey = await api.CreateKeyAsync(organisation, ApiKeyRole.Viewer);
        using var admin = api.ClientFor(organisation.AdminKey);
        using var viewer = api.ClientFor(viewerKey);
        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync("/v1/organisation")).StatusCode);
        var list = await admin.GetFromJsonAsync<JsonElement>("/v1/api-keys");
        var viewerId = list.GetProperty("items").EnumerateArray().Single(k => k.GetProperty("role").GetString() == "viewer").GetProperty("id").GetGuid();

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/v1/api-keys/{viewerId}")).StatusCode);

        await ProblemAssert.IsProblemAsync(await viewer.GetAsync("/v1/organisation"), HttpStatusCode.Unauthorized, "unauthenticated");
        var revoked = await admin.GetFromJsonAsync<JsonElement>($"/v1/api-keys/{viewerId}");
        Assert.NotEqual(JsonValueKind.Null, revoked.GetProperty("revokedAt").ValueKind);
    }

    [Fact]
    public async Task A_key_revoked_through_another_instance_gets_401_at_its_next_statement_and_writes_nothing()
    {
        var lawyerKey = await RememberedKeyAsync(ApiKeyRole.Lawyer);
        using var lawyer = api.ClientFor(lawyerKey);
        Assert.NotNull(api.Services.GetRequiredService<ApiKeyCache>().Find(lawyerKey));

        // As another instance's revoke endpoint would: this instance remembers the key and is not told.
        await ChangeStoredKeyAsync(lawyerKey, "revoked_at = now()");

        foreach (var response in new[]
        {
            await lawyer.GetAsync("/v1/cases"),
            await lawyer.PostAsJsonAsync("/v1/cases", new { reference = "AFTER-REVOKE", title = "Written by a revoked key" }),
            await lawyer.GetAsync("/v1/deadline-rules"),
        })
        {
            var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
            Assert.Equal("This API key was revoked.", problem.GetProperty("detail").GetString());
            Assert.Equal("Bearer realm=\"CaseApi\"", response.Headers.WwwAuthenticate.Single().ToString());
        }

        await using var check = await api.OpenAsSuperUserAsync();
        Assert.Equal(0, await check.QuerySingleAsync<int>("SELECT count(*)::int FROM cases WHERE reference = 'AFTER-REVOKE'"));
    }

    [Fact]
    public async Task A_remembered_key_is_not_looked_up_again_until_its_lifetime_ends()
    {
        var viewerKey = await RememberedKeyAsync(ApiKeyRole.Viewer);
        using var viewer = api.ClientFor(viewerKey);

        // A stored hash that no longer matches would fail a lookup; the remembered key is confirmed by id and revocation only.
        await ChangeStoredKeyAsync(viewerKey, "secret_hash = sha256('another secret')");

        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync("/v1/cases")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync("/v1/deadline-rules")).StatusCode);

        api.Clock.Advance(ApiKeyCache.Lifetime);

        await ProblemAssert.IsProblemAsync(await viewer.GetAsync("/v1/cases"), HttpStatusCode.Unauthorized, "unauthenticated");
    }

    /// <summary>A new key of a new organisation, after one request with it: this instance remembers it.</summary>
    private async Task<string> RememberedKeyAsync(ApiKeyRole role)
    {
        var key = await api.CreateKeyAsync(await api.CreateOrganisationAsync(), role);
        using var client = api.ClientFor(key);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/cases")).StatusCode);
        return key;
    }

    private async Task ChangeStoredKeyAsync(string key, string assignment)
    {
        await using var db = await api.OpenAsSuperUserAsync();
        await db.ExecuteAsync($"UPDATE api_keys SET {assignment} WHERE prefix = @prefix", new { prefix = key[4..16] });
    }

    [Fact]
    public async Task An_expired_key_gets_401()
    {
        var organisation = await api.CreateOrganisationAsync();
        var key = await api.CreateKeyAsync(organisation, ApiKeyRole.Lawyer, expiresAt: api.Clock.GetUtcNow().AddHours(1));
        using var lawyer = api.ClientFor(key);
        Assert.Equal(HttpStatusCode.OK, (await lawyer.GetAsync("/v1/organisation")).StatusCode);

        api.Clock.Advance(TimeSpan.FromHours(2));

        await ProblemAssert.IsProblemAsync(await lawyer.GetAsync("/v1/organisation"), HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Bearer")]
    [InlineData("Bearer cak_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("Bearer not-a-key")]
    public async Task A_missing_or_unknown_key_gets_401_problem(string authorization)
    {
        using var client = api.ClientFor(null);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/organisation");
        if (authorization.Length > 0)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        var response = await client.SendAsync(request);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
        Assert.Contains("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ApiKeyRole.Viewer)]
    [InlineData(ApiKeyRole.Lawyer)]
    [InlineData(ApiKeyRole.Integration)]
    public async Task Only_admins_manage_keys(ApiKeyRole role)
    {
        var organisation = await api.CreateOrganisationAsync();
        using var client = api.ClientFor(await api.CreateKeyAsync(organisation, role));

        await ProblemAssert.IsProblemAsync(await client.PostAsJsonAsync("/v1/api-keys", new { name = "x", role = "admin" }), HttpStatusCode.Forbidden, "forbidden");
        await ProblemAssert.IsProblemAsync(await client.GetAsync("/v1/api-keys"), HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task A_key_cannot_revoke_itself()
    {
        var organisation = await api.CreateOrganisationAsync();
        using var admin = api.ClientFor(organisation.AdminKey);
        var keys = await admin.GetFromJsonAsync<JsonElement>("/v1/api-keys");
        var ownId = keys.GetProperty("items")[0].GetProperty("id").GetGuid();

        await ProblemAssert.IsProblemAsync(await admin.DeleteAsync($"/v1/api-keys/{ownId}"), HttpStatusCode.Conflict, "cannot_revoke_own_key");
    }

    [Fact]
    public async Task Keys_are_listed_in_pages_with_a_cursor()
    {
        var organisation = await api.CreateOrganisationAsync();
        for (var i = 0; i < 4; i++)
        {
            await api.CreateKeyAsync(organisation, ApiKeyRole.Viewer);
        }

        using var admin = api.ClientFor(organisation.AdminKey);
        var seen = new List<Guid>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await admin.GetFromJsonAsync<JsonElement>($"/v1/api-keys?limit=2{(cursor is null ? "" : $"&cursor={cursor}")}");
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(k => k.GetProperty("id").GetGuid()));
            cursor = page.GetProperty("nextCursor").GetString();
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(5, seen.Count);
        Assert.Equal(seen.Distinct().Count(), seen.Count);
        Assert.Equal(3, pages);
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=201", "limit")]
    [InlineData("limit=abc", "limit")]
    [InlineData("cursor=not-a-cursor", "cursor")]
    public async Task Bad_paging_parameters_get_400_naming_the_field(string query, string field)
    {
        var organisation = await api.CreateOrganisationAsync();
        using var admin = api.ClientFor(organisation.AdminKey);

        var problem = await ProblemAssert.IsProblemAsync(await admin.GetAsync($"/v1/api-keys?{query}"), HttpStatusCode.BadRequest, "validation_failed");

        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }
}
