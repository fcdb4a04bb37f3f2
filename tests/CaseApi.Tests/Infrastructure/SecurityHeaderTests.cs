using CaseApi.Infrastructure.Http;
using Microsoft.AspNetCore.Mvc.Testing;

namespace CaseApi.Tests.Infrastructure;

public sealed class SecurityHeaderTests(CaseApiFactory api) : IClassFixture<CaseApiFactory>
{
    [Fact]
    public async Task Every_route_answers_with_the_security_headers_and_case_data_is_never_stored()
    {
        var organisation = await api.CreateOrganisationAsync();
        using var anonymous = api.ClientFor(null);
        using var admin = api.ClientFor(organisation.AdminKey);
        var responses = new List<(string What, HttpResponseMessage Response)>();
        foreach (var route in Routes.All(api.Services))
        {
            var path = route.Path(route.ParameterNames.ToDictionary(name => name, _ => Guid.NewGuid().ToString()));
            responses.Add(($"{route} without a key", await anonymous.SendAsync(Routes.Request(route, path))));
        }

        responses.Add(("a 200 with data", await admin.GetAsync("/v1/organisation")));
        // Answered by the exception handler, which clears the headers set so far.
        responses.Add(("a binding failure", await admin.GetAsync("/v1/api-keys?limit=abc")));

        foreach (var (what, response) in responses)
        {
            AssertSecurityHeaders(response, SecurityHeaders.DataPolicy, what);
            if (response.RequestMessage!.RequestUri!.AbsolutePath.StartsWith("/v1/", StringComparison.Ordinal))
            {
                Assert.True(response.Headers.CacheControl?.NoStore == true, $"{what}: Cache-Control is '{response.Headers.CacheControl}'");
            }
        }
    }

    [Fact]
    public async Task Swagger_UI_may_run_its_own_scripts_and_nothing_else()
    {
        using var client = api.ClientFor(null);

        foreach (var path in new[] { "/swagger/index.html", "/swagger/index.js", "/swagger/v1/swagger.json" })
        {
            var response = await client.GetAsync(path);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            AssertSecurityHeaders(response, SecurityHeaders.PagePolicy, path);
        }

        Assert.DoesNotContain("'unsafe-inline'", SecurityHeaders.PagePolicy, StringComparison.Ordinal);
        Assert.DoesNotContain("'unsafe-eval'", SecurityHeaders.PagePolicy, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Swagger_UI_keeps_the_key_it_is_given_out_of_the_browsers_storage()
    {
        using var client = api.ClientFor(null);

        // Swagger UI's configuration, as the page reads it.
        var script = await client.GetStringAsync("/swagger/index.js");

        Assert.Contains("\"persistAuthorization\":false", script.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Strict_Transport_Security_is_sent_over_https_only()
    {
        using var https = api.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://caseapi.example.org") });
        using var http = api.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("http://caseapi.example.org") });

        var secure = await https.GetAsync("/health/live");
        var plain = await http.GetAsync("/health/live");

        Assert.Equal("max-age=31536000", Assert.Single(secure.Headers.GetValues("Strict-Transport-Security")));
        Assert.False(plain.Headers.Contains("Strict-Transport-Security"));
    }

    internal static void AssertSecurityHeaders(HttpResponseMessage response, string contentSecurityPolicy, string what)
    {
        Assert.True(response.Headers.TryGetValues("Content-Security-Policy", out var policy), $"{what}: no Content-Security-Policy");
        Assert.Equal(contentSecurityPolicy, Assert.Single(policy));
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
    }
}
