using CaseApi.Infrastructure.Http;

namespace CaseApi.Tests.Infrastructure;

/// <summary>
/// <c>If-Match: *</c> matches whatever version is current (RFC 9110 §13.1.1): the change goes through where the resource
/// exists, and is a 404 where it does not (§13.2.1: preconditions only decide requests that would otherwise succeed).
/// It was a 412 (issue 14).
/// </summary>
public sealed class IfMatchTests(CaseApiFactory api) : IClassFixture<CaseApiFactory>
{
    [Fact]
    public async Task A_change_with_If_Match_star_succeeds_on_a_case_whatever_its_version()
    {
        using var admin = api.ClientFor((await api.CreateOrganisationAsync()).AdminKey);
        var @case = await admin.CaseAsync();
        await ChangeAsync(admin, HttpMethod.Patch, $"/v1/cases/{@case.Id()}", new { title = "First" }, "\"1\"");

        var response = await ChangeAsync(admin, HttpMethod.Patch, $"/v1/cases/{@case.Id()}", new { title = "Second" }, "*");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var changed = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Second", changed.GetProperty("title").GetString());
        Assert.Equal(3, changed.GetProperty("version").GetInt32());
        Assert.Equal("\"3\"", response.Headers.ETag?.ToString());
    }

    [Fact]
    public async Task A_change_with_If_Match_star_on_a_resource_that_does_not_exist_is_a_404()
    {
        using var admin = api.ClientFor((await api.CreateOrganisationAsync()).AdminKey);

        var response = await ChangeAsync(admin, HttpMethod.Patch, $"/v1/cases/{Guid.NewGuid()}", new { title = "Nobody's" }, "*");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task If_Match_star_works_on_the_organisation_and_on_sending_a_letter()
    {
        var world = await Letters.WorldAsync(api);
        var draft = await world.DraftAsync();

        var organisation = await ChangeAsync(world.Client, HttpMethod.Patch, "/v1/organisation", new { name = "Renamed" }, "*");
        var sent = await ChangeAsync(world.Client, HttpMethod.Post, $"/v1/letters/{draft.Id}/send", new { sentAt = "2025-12-30T10:00:00Z" }, "*");

        Assert.Equal(HttpStatusCode.OK, organisation.StatusCode);
        Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        Assert.Equal("sent", (await sent.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("\"1\", \"2\"")]
    [InlineData("\"*\"")]
    [InlineData("**")]
    public async Task Anything_else_that_is_not_one_of_our_tags_is_still_a_412(string ifMatch)
    {
        using var admin = api.ClientFor((await api.CreateOrganisationAsync()).AdminKey);
        var @case = await admin.CaseAsync();

        var response = await ChangeAsync(admin, HttpMethod.Patch, $"/v1/cases/{@case.Id()}", new { title = "x" }, ifMatch);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.PreconditionFailed, "precondition_failed");
    }

    [Theory]
    [InlineData("*", null)]
    [InlineData(" * ", null)]
    [InlineData("\"4\"", 4)]
    [InlineData("W/\"4\"", 4)]
    public void The_version_asked_for_is_read_from_If_Match(string header, int? version) =>
        Assert.Equal(version, EntityTags.RequiredVersion(header));

    [Fact]
    public void Star_matches_any_version_and_a_tag_only_its_own()
    {
        EntityTags.Require(null, 7, "case", Guid.Empty);
        EntityTags.Require(7, 7, "case", Guid.Empty);
        Assert.Throws<PreconditionFailedException>(() => EntityTags.Require(6, 7, "case", Guid.Empty));
    }

    private static Task<HttpResponseMessage> ChangeAsync(HttpClient client, HttpMethod method, string path, object body, string ifMatch)
    {
        var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
        request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return client.SendAsync(request);
    }
}
