using System.Text;
using CaseApi.Features.Correspondence;
using CaseApi.Infrastructure.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CaseApi.Tests.Infrastructure;

/// <summary>Input the API took although it should not have (issue 14): dates out of any sane range, fields given twice, path ids that are not UUIDs.</summary>
public sealed class StrictInputTests(CaseApiFactory api) : IClassFixture<CaseApiFactory>
{
    [Theory]
    [InlineData("0001-01-01")]
    [InlineData("1899-12-31")]
    [InlineData("2200-01-01")]
    [InlineData("9999-12-31")]
    public async Task A_date_outside_1900_to_2199_is_a_400_naming_the_field(string openedOn)
    {
        using var admin = await AdminAsync();

        var response = await admin.PostAsync("/v1/cases", Json($$"""{"reference":"R-{{Guid.NewGuid():N}}","title":"t","openedOn":"{{openedOn}}"}"""));

        var problem = await ProblemAssert.NamesInvalidFieldAsync(response, "openedOn");
        Assert.Equal(DateBounds.Message, problem.GetProperty("errors").GetProperty("openedOn")[0].GetString());
    }

    [Theory]
    [InlineData("1900-01-01")]
    [InlineData("2199-12-31")]
    public async Task The_first_and_last_days_of_the_range_are_taken(string openedOn)
    {
        using var admin = await AdminAsync();

        var created = await admin.CreatedAsync("/v1/cases", new { reference = $"R-{Guid.NewGuid():N}"[..16], title = "t", openedOn });

        Assert.Equal(openedOn, created.GetProperty("openedOn").GetString());
    }

    [Theory]
    [InlineData("openedOn", "9999-12-31")]
    [InlineData("closedOn", "0001-01-01")]
    public async Task A_date_out_of_range_in_a_PATCH_is_a_400_naming_the_field(string field, string value)
    {
        using var admin = await AdminAsync();
        var @case = await admin.CaseAsync();

        var response = await SendAsync(admin, HttpMethod.Patch, $"/v1/cases/{@case.Id()}", $$"""{"status":"closed","outcome":"Won","{{field}}":"{{value}}"}""", "\"1\"");

        await ProblemAssert.NamesInvalidFieldAsync(response, field);
    }

    [Theory]
    [InlineData("9999-12-31T00:00:00Z")]
    [InlineData("0001-01-01T00:00:00Z")]
    // CaseApiFactory.Start is 2025-04-30T09:00Z: ten years and a day ahead.
    [InlineData("2035-05-01T09:00:00Z")]
    public async Task An_API_key_expiry_more_than_ten_years_ahead_or_absurd_is_a_400_naming_expiresAt(string expiresAt)
    {
        using var admin = await AdminAsync();

        var response = await admin.PostAsJsonAsync("/v1/api-keys", new { name = "k", role = "viewer", expiresAt });

        await ProblemAssert.NamesInvalidFieldAsync(response, "expiresAt");
    }

    [Fact]
    public async Task An_API_key_expiring_within_ten_years_is_created()
    {
        using var admin = await AdminAsync();

        var created = await admin.CreatedAsync("/v1/api-keys", new { name = "k", role = "viewer", expiresAt = "2035-04-30T09:00:00Z" });

        Assert.Equal("2035-04-30T09:00:00+00:00", created.GetProperty("key").GetProperty("expiresAt").GetString());
    }

    [Fact]
    public async Task An_instant_out_of_range_in_a_query_is_a_400_naming_the_parameter()
    {
        using var admin = await AdminAsync();

        await ProblemAssert.NamesInvalidFieldAsync(await admin.GetAsync("/v1/deadlines?dueBefore=0001-01-01T00:00:00Z"), "dueBefore");
        await ProblemAssert.NamesInvalidFieldAsync(await admin.GetAsync("/v1/deadlines?dueAfter=9999-12-31T00:00:00Z"), "dueAfter");
    }

    private sealed record Nested(IReadOnlyList<Entry> Entries);

    private sealed record Entry
    {
        public DateTimeOffset At { get; init; }

        public Optional<DateOnly?> On { get; init; }
    }

    [Theory]
    [InlineData("""{"entries":[{"at":"2025-01-01T00:00:00Z"},{"at":"0001-01-01T00:00:00Z"}]}""", "$.entries[1].at")]
    [InlineData("""{"entries":[{"at":"2025-01-01T00:00:00Z","on":"9999-12-31"}]}""", "$.entries[0].on")]
    public void Every_date_and_instant_a_client_sends_is_bounded_wherever_it_sits(string json, string path)
    {
        var requests = api.Services.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;

        var failure = Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize<Nested>(json, requests));

        Assert.Equal(path, failure.Path);
    }

    /// <summary>Replies and idempotent responses stored before the bounds are read back with them unchecked.</summary>
    [Fact]
    public void What_was_stored_before_the_bounds_is_still_read()
    {
        var reply = JsonSerializer.Deserialize<CeaseAndDesistReply>("""{"kind":"extension_request","requestedUntil":"9999-12-31"}""", JsonSetup.Api);

        Assert.Equal(new DateOnly(9999, 12, 31), reply!.RequestedUntil);
    }

    [Theory]
    [InlineData("""{"name":"a","role":"viewer","role":"admin"}""", "role")]
    [InlineData("""{"name":"a","name":"b","role":"viewer"}""", "name")]
    public async Task A_field_given_twice_is_a_400_naming_it_and_creates_nothing(string body, string field)
    {
        using var admin = await AdminAsync();

        var response = await admin.PostAsync("/v1/api-keys", Json(body));

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "malformed_body");
        Assert.Equal("This field is given more than once.", problem.GetProperty("errors").GetProperty(field)[0].GetString());
        var keys = await admin.GetFromJsonAsync<JsonElement>("/v1/api-keys");
        Assert.Equal(1, keys.GetProperty("items").GetArrayLength());
    }

    [Theory]
    [InlineData("""{"title":"a","title":"b"}""", "title")]
    [InlineData("""{"title":"a","tags":["x"],"tags":["y"]}""", "tags")]
    public async Task A_field_given_twice_in_a_PATCH_is_a_400_naming_it(string body, string field)
    {
        using var admin = await AdminAsync();
        var @case = await admin.CaseAsync();

        var response = await SendAsync(admin, HttpMethod.Patch, $"/v1/cases/{@case.Id()}", body, "\"1\"");

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "malformed_body");
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"errors should name '{field}': {problem}");
    }

    [Fact]
    public async Task A_field_given_twice_inside_a_PATCH_field_is_named_by_its_whole_path()
    {
        using var admin = await AdminAsync();

        var response = await SendAsync(admin, HttpMethod.Patch, "/v1/organisation",
            """{"localHolidays":[{"month":8,"day":8,"name":"Friedensfest","name":"Hohes Friedensfest"}]}""", "*");

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "malformed_body");
        Assert.True(problem.GetProperty("errors").TryGetProperty("localHolidays[0].name", out _), $"errors should name localHolidays[0].name: {problem}");
    }

    [Fact]
    public async Task A_key_given_twice_in_a_map_is_a_400_naming_it()
    {
        using var admin = await AdminAsync();
        var rule = """{"remind":true,"escalate":true,"recommendation":"Call the lawyer."}""";

        var response = await SendAsync(admin, HttpMethod.Put, "/v1/escalation-policy",
            $$$"""{"dueSoonWorkingDays":3,"reminderPeriod":"P7D","rules":{"default":{{{rule}}},"default":{{{rule}}}}}""", "*");

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "malformed_body");
        Assert.True(problem.GetProperty("errors").TryGetProperty("rules.default", out _), $"errors should name rules.default: {problem}");
    }

    [Fact]
    public async Task A_path_id_that_is_not_a_UUID_is_a_400_naming_the_parameter()
    {
        using var admin = await AdminAsync();
        var @case = await admin.CaseAsync();

        await ProblemAssert.NamesInvalidFieldAsync(await admin.GetAsync("/v1/cases/not-a-uuid"), "id");
        await ProblemAssert.NamesInvalidFieldAsync(await admin.DeleteAsync("/v1/api-keys/12345"), "id");
        await ProblemAssert.NamesInvalidFieldAsync(await admin.GetAsync($"/v1/letters/{Guid.NewGuid()}/attachments/not-a-uuid"), "attachmentId");
        await ProblemAssert.NamesInvalidFieldAsync(await admin.GetAsync("/v1/cases/not-a-uuid/letters"), "caseId");
        await ProblemAssert.NamesInvalidFieldAsync(await SendAsync(admin, HttpMethod.Patch, "/v1/cases/not-a-uuid", """{"title":"x"}""", "*"), "id");
        // Still a 404: an unknown route, and a well-formed id that names nothing.
        await ProblemAssert.IsProblemAsync(await admin.GetAsync("/v1/cases/not-a-uuid/no-such-thing"), HttpStatusCode.NotFound, "not_found");
        await ProblemAssert.IsProblemAsync(await admin.GetAsync($"/v1/cases/{Guid.NewGuid()}"), HttpStatusCode.NotFound, "not_found");
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/v1/cases/{@case.Id()}")).StatusCode);
    }

    /// <summary>A constraint (<c>{id:guid}</c>) makes a malformed id match no route: a 404 that hides the client's mistake.</summary>
    [Fact]
    public void No_route_constrains_its_parameters()
    {
        var constrained = Routes.All(api.Services)
            .Where(route => route.Pattern.Parameters.Any(parameter => parameter.ParameterPolicies.Count > 0))
            .Select(route => route.ToString())
            .ToArray();

        Assert.Empty(constrained);
    }

    private async Task<HttpClient> AdminAsync() => api.ClientFor((await api.CreateOrganisationAsync()).AdminKey);

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, string body, string ifMatch)
    {
        var request = new HttpRequestMessage(method, path) { Content = Json(body) };
        request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return client.SendAsync(request);
    }
}
