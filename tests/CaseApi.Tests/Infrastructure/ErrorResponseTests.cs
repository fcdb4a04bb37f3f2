using System.Net.Http.Headers;
using System.Text;
using Dapper;

namespace CaseApi.Tests.Infrastructure;

public sealed class ErrorResponseTests(CaseApiFactory api) : IClassFixture<CaseApiFactory>
{
    public static TheoryData<string, string, HttpStatusCode, string, string?> BadBodies => new()
    {
        { "application/json", """{"name":"x","role":"admin""", HttpStatusCode.BadRequest, "malformed_body", null },
        { "application/json", "not json at all", HttpStatusCode.BadRequest, "malformed_body", null },
        { "application/json", """{"name":42,"role":"admin"}""", HttpStatusCode.BadRequest, "malformed_body", "name" },
        { "application/json", """{"name":"x","role":"emperor"}""", HttpStatusCode.BadRequest, "malformed_body", "role" },
        { "application/json", """{"name":"x","role":"admin","expiresAt":"next tuesday"}""", HttpStatusCode.BadRequest, "malformed_body", "expiresAt" },
        { "application/json", """{"name":null,"role":"admin"}""", HttpStatusCode.BadRequest, "malformed_body", "name" },
        { "application/json", """{"name":"x","role":"admin","rol":"viewer"}""", HttpStatusCode.BadRequest, "malformed_body", "rol" },
        { "application/json", """{"name":"x","role":"admin","":1}""", HttpStatusCode.BadRequest, "malformed_body", "" },
        { "application/json", """{"name":"","role":"admin"}""", HttpStatusCode.BadRequest, "validation_failed", "name" },
        { "application/json", """{"name":"a\u0000b","role":"admin"}""", HttpStatusCode.BadRequest, "validation_failed", "name" },
        { "application/json", """{"name":"x","role":"admin","expiresAt":"2020-01-01T00:00:00Z"}""", HttpStatusCode.BadRequest, "validation_failed", "expiresAt" },
        { "application/json", """{"role":"admin"}""", HttpStatusCode.BadRequest, "validation_failed", "name" },
        { "text/plain", """{"name":"x","role":"admin"}""", HttpStatusCode.UnsupportedMediaType, "unsupported_media_type", null },
        { "application/xml", "<key/>", HttpStatusCode.UnsupportedMediaType, "unsupported_media_type", null },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Bad_input_gets_a_4xx_problem_naming_the_field_and_writes_nothing(
        string contentType, string body, HttpStatusCode status, string code, string? field)
    {
        var organisation = await api.CreateOrganisationAsync();
        using var admin = api.ClientFor(organisation.AdminKey);
        var before = await KeyCountAsync();

        var response = await admin.PostAsync("/v1/api-keys", new StringContent(body, Encoding.UTF8, contentType));

        var problem = await ProblemAssert.IsProblemAsync(response, status, code);
        if (field is not null)
        {
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"errors should name '{field}': {problem}");
        }

        Assert.Equal(before, await KeyCountAsync());
    }

    [Fact]
    public async Task A_body_in_an_unknown_charset_gets_415_and_writes_nothing()
    {
        var organisation = await api.CreateOrganisationAsync();
        using var admin = api.ClientFor(organisation.AdminKey);
        var before = await KeyCountAsync();
        var content = new StringContent("""{"name":"x","role":"admin"}""");
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json; charset=nonsense");

        var response = await admin.PostAsync("/v1/api-keys", content);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
        Assert.Equal(before, await KeyCountAsync());
    }

    [Fact]
    public async Task An_oversized_body_gets_413_and_writes_nothing()
    {
        var organisation = await api.CreateOrganisationAsync();
        using var admin = api.ClientFor(organisation.AdminKey);
        var before = await KeyCountAsync();
        var huge = JsonSerializer.Serialize(new { name = new string('x', 2 * 1024 * 1024), role = "admin" });

        var response = await admin.PostAsync("/v1/api-keys", new StringContent(huge, Encoding.UTF8, "application/json"));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
        Assert.Equal(before, await KeyCountAsync());
    }

    [Fact]
    public async Task Unknown_routes_get_404_problem()
    {
        var organisation = await api.CreateOrganisationAsync();
        using var admin = api.ClientFor(organisation.AdminKey);

        await ProblemAssert.IsProblemAsync(await admin.GetAsync("/v1/no-such-thing"), HttpStatusCode.NotFound, "not_found");
        await ProblemAssert.IsProblemAsync(await admin.GetAsync($"/v1/api-keys/{Guid.NewGuid()}"), HttpStatusCode.NotFound, "not_found");
        await ProblemAssert.NamesInvalidFieldAsync(await admin.GetAsync("/v1/api-keys/not-a-uuid"), "id");
    }

    [Fact]
    public async Task A_wrong_method_gets_405_problem()
    {
        var organisation = await api.CreateOrganisationAsync();
        using var admin = api.ClientFor(organisation.AdminKey);

        await ProblemAssert.IsProblemAsync(await admin.PutAsJsonAsync("/v1/api-keys", new { }), HttpStatusCode.MethodNotAllowed, "method_not_allowed");
    }

    [Fact]
    public async Task An_unexpected_failure_is_a_500_with_the_trace_id_and_no_details()
    {
        var organisation = await api.CreateOrganisationAsync();
        using var admin = api.ClientFor(organisation.AdminKey);
        await using var superUser = await api.OpenAsSuperUserAsync();
        // Break the schema under the running app, as a botched manual change would.
        await superUser.ExecuteAsync("ALTER TABLE organisations RENAME COLUMN name TO name_renamed");
        try
        {
            var response = await admin.GetAsync("/v1/organisation");

            var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.InternalServerError, "internal_error");
            var text = problem.ToString();
            Assert.DoesNotContain("name_renamed", text, StringComparison.Ordinal);
            Assert.DoesNotContain("Npgsql", text, StringComparison.Ordinal);
            Assert.DoesNotContain("column", text, StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            await superUser.ExecuteAsync("ALTER TABLE organisations RENAME COLUMN name_renamed TO name");
        }
    }

    [Fact]
    public async Task Problems_are_json_even_when_the_client_accepts_anything()
    {
        using var client = api.ClientFor(null);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/organisation");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("*/*"));

        await ProblemAssert.IsProblemAsync(await client.SendAsync(request), HttpStatusCode.Unauthorized);
    }

    private async Task<long> KeyCountAsync()
    {
        await using var superUser = await api.OpenAsSuperUserAsync();
        return await superUser.QuerySingleAsync<long>("SELECT count(*) FROM api_keys");
    }
}
