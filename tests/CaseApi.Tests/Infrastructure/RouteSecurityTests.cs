using Microsoft.AspNetCore.Authorization;

namespace CaseApi.Tests.Infrastructure;

public sealed class RouteSecurityTests(CaseApiFactory api) : IClassFixture<CaseApiFactory>
{
    private static readonly HashSet<string> Anonymous = ["GET /health/live", "GET /health/ready"];

    [Fact]
    public async Task Every_route_but_health_rejects_calls_without_a_key()
    {
        var routes = Routes.All(api.Services);
        Assert.NotEmpty(routes);
        using var client = api.ClientFor(null);
        foreach (var route in routes)
        {
            var path = route.Path(route.ParameterNames.ToDictionary(name => name, _ => Guid.NewGuid().ToString()));
            var response = await client.SendAsync(Routes.Request(route, path));
            if (Anonymous.Contains(route.ToString()))
            {
                Assert.True(response.IsSuccessStatusCode, $"{route} should be anonymous, got {(int)response.StatusCode}");
            }
            else
            {
                Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{route} answered {(int)response.StatusCode} without a key");
                await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
            }
        }
    }

    [Fact]
    public void The_allow_list_names_only_routes_that_exist_and_are_marked_anonymous()
    {
        var anonymousRoutes = Routes.All(api.Services)
            .Where(route => route.Endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null)
            .Select(route => route.ToString())
            .ToHashSet();

        Assert.Equal(Anonymous.Order(), anonymousRoutes.Order());
    }

    [Fact]
    public async Task Swagger_UI_and_the_OpenAPI_document_load_without_a_key()
    {
        using var client = api.ClientFor(null);

        var ui = await client.GetAsync("/swagger/index.html");
        var document = await client.GetAsync("/swagger/v1/swagger.json");

        Assert.Equal(HttpStatusCode.OK, ui.StatusCode);
        Assert.Contains("swagger-ui", await ui.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, document.StatusCode);
    }

    [Fact]
    public async Task A_viewer_key_cannot_write()
    {
        var organisation = await api.CreateOrganisationAsync();
        using var viewer = api.ClientFor(await api.CreateKeyAsync(organisation, CaseApi.Infrastructure.Auth.ApiKeyRole.Viewer));
        var writes = Routes.All(api.Services).Where(route => route.Method != "GET" && !Anonymous.Contains(route.ToString()));

        foreach (var route in writes)
        {
            var path = route.Path(route.ParameterNames.ToDictionary(name => name, _ => Guid.NewGuid().ToString()));
            var response = await viewer.SendAsync(Routes.Request(route, path));
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{route} answered {(int)response.StatusCode} to a viewer");
        }
    }
}
