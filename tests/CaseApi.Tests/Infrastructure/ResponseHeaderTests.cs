using CaseApi.Tests.Support.Contract;

namespace CaseApi.Tests.Infrastructure;

/// <summary>
/// Issue 14 point 6: <c>Location</c> (201), <c>ETag</c> and <c>Retry-After</c> (429, 503) are declared where the API
/// sends them. Every test client checks it on every response (<see cref="ContractCheckingHandler"/>); these tests show
/// that the check sees both ways of getting it wrong.
/// </summary>
public sealed class ResponseHeaderTests(CaseApiFactory api) : IClassFixture<CaseApiFactory>
{
    private static OpenApiContract Contract => OpenApiContract.Instance;

    [Fact]
    public async Task A_created_case_comes_with_its_location_and_etag_as_declared()
    {
        var organisation = await api.CreateOrganisationAsync();
        using var client = api.ClientFor(organisation.AdminKey);

        using var created = await client.PostAsJsonAsync("/v1/cases", new { reference = "HDR-1", title = "Headers" });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.NotNull(created.Headers.Location);
        Assert.NotNull(created.Headers.ETag);
        Assert.Empty(Contract.CheckHeaders(HttpMethod.Post, "/v1/cases", 201, created.Headers.Select(h => h.Key)));
    }

    [Fact]
    public void A_declared_header_left_out_is_reported()
    {
        var path = $"/v1/cases/{Guid.NewGuid()}";

        Assert.Contains(Contract.CheckHeaders(HttpMethod.Post, "/v1/cases", 201, ["ETag"]), v => v.Contains("no Location"));
        Assert.Contains(Contract.CheckHeaders(HttpMethod.Get, path, 200, []), v => v.Contains("no ETag"));
        Assert.Contains(Contract.CheckHeaders(HttpMethod.Get, path, 429, []), v => v.Contains("no Retry-After"));
        Assert.Contains(Contract.CheckHeaders(HttpMethod.Get, path, 503, []), v => v.Contains("no Retry-After"));
    }

    [Fact]
    public void A_header_sent_without_being_declared_is_reported()
    {
        Assert.Contains(Contract.CheckHeaders(HttpMethod.Get, "/v1/cases", 200, ["ETag"]), v => v.Contains("sends ETag"));
        Assert.Contains(Contract.CheckHeaders(HttpMethod.Post, "/v1/cases/" + Guid.NewGuid() + "/deadline-triggers", 201, ["Location"]), v => v.Contains("sends Location"));
        Assert.Empty(Contract.CheckHeaders(HttpMethod.Get, "/v1/cases", 200, ["X-Content-Type-Options"]));
    }
}
