using CaseApi.Infrastructure.Auth;

namespace CaseApi.Tests.Features.Organisations;

public sealed class OrganisationTests(CaseApiFactory api) : IClassFixture<CaseApiFactory>
{
    [Fact]
    public async Task Admins_change_the_jurisdiction_and_time_zone_with_If_Match()
    {
        var organisation = await api.CreateOrganisationAsync();
        using var admin = api.ClientFor(organisation.AdminKey);
        var current = await admin.GetAsync("/v1/organisation");
        Assert.Equal("\"1\"", current.Headers.ETag?.Tag);

        var changed = await admin.SendWithIfMatchAsync(HttpMethod.Patch, "/v1/organisation", new { jurisdiction = "DE-BY", timeZone = "Europe/Berlin" }, 1);

        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal("DE-BY", (await changed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("jurisdiction").GetString());
        await ProblemAssert.IsProblemAsync(await admin.SendWithIfMatchAsync(HttpMethod.Patch, "/v1/organisation", new { name = "x" }, 1), HttpStatusCode.PreconditionFailed);
    }

    [Theory]
    [InlineData("jurisdiction", "Germany")]
    [InlineData("jurisdiction", "DE-")]
    [InlineData("timeZone", "Mars/Olympus")]
    public async Task A_jurisdiction_or_time_zone_that_does_not_exist_is_refused(string field, string value)
    {
        var organisation = await api.CreateOrganisationAsync();
        using var admin = api.ClientFor(organisation.AdminKey);

        var response = await admin.SendWithIfMatchAsync(HttpMethod.Patch, "/v1/organisation", new Dictionary<string, string> { [field] = value }, 1);

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task Only_admins_change_the_settings()
    {
        var organisation = await api.CreateOrganisationAsync();
        using var lawyer = api.ClientFor(await api.CreateKeyAsync(organisation, ApiKeyRole.Lawyer));

        await ProblemAssert.IsProblemAsync(await lawyer.SendWithIfMatchAsync(HttpMethod.Patch, "/v1/organisation", new { name = "x" }, 1), HttpStatusCode.Forbidden);
    }
}
