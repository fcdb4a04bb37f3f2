using System.Text;
using CaseApi.Infrastructure.Http;

namespace CaseApi.Tests.Infrastructure;

/// <summary>Limits that only a real server enforces: the in-memory test server reads no header limit and sends no Server header.</summary>
public sealed class KestrelLimitsTests(KestrelLimitsTests.KestrelApi api) : IClassFixture<KestrelLimitsTests.KestrelApi>
{
    public sealed class KestrelApi : CaseApiFactory
    {
        public KestrelApi() => UseKestrel(0);
    }

    [Fact]
    public async Task Headers_over_32_KB_in_total_get_431_and_the_app_serves_the_next_request()
    {
        using var client = api.ClientFor(null);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/health/ready");
        request.Headers.Add("X-Padding", new string('x', 33 * 1024));

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
    }

    [Fact]
    public async Task More_than_100_headers_get_431_and_the_app_serves_the_next_request()
    {
        using var client = api.ClientFor(null);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/health/ready");
        for (var i = 0; i < 101; i++)
        {
            request.Headers.Add($"X-Header-{i}", "x");
        }

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
    }

    [Fact]
    public async Task Kestrel_does_not_name_itself_and_sends_the_security_headers()
    {
        var organisation = await api.CreateOrganisationAsync();
        using var client = api.ClientFor(organisation.AdminKey);

        var response = await client.GetAsync("/v1/organisation");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Server"), $"Server: {string.Join(", ", response.Headers.Server)}");
        SecurityHeaderTests.AssertSecurityHeaders(response, SecurityHeaders.DataPolicy, "GET /v1/organisation over Kestrel");
    }

    [Fact]
    public async Task A_chunked_body_over_the_limit_gets_413_problem()
    {
        var organisation = await api.CreateOrganisationAsync();
        using var client = api.ClientFor(organisation.AdminKey);
        var huge = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { name = new string('x', 2 * 1024 * 1024), role = "admin" }));
        // No Content-Length: only Kestrel's own count while reading can stop it.
        using var content = new StreamContent(new UnknownLengthStream(huge));
        content.Headers.ContentType = new("application/json");

        var response = await client.PostAsync("/v1/api-keys", content);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
    }

    private sealed class UnknownLengthStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
