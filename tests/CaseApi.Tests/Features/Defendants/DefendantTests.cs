using CaseApi.Features.Defendants;

namespace CaseApi.Tests.Features.Defendants;

public sealed class DefendantTests(CaseApiFactory api) : IClassFixture<CaseApiFactory>
{
    [Fact]
    public async Task A_defendant_established_in_Ireland_gets_the_DPC_proposed_as_lead_authority()
    {
        using var client = api.ClientFor((await api.CreateOrganisationAsync()).AdminKey);

        var meta = (await client.DefendantAsync("Meta Platforms Ireland Limited", "IE")).As<DefendantDto>();

        Assert.Equal(CaseApi.Features.Demo.DemoData.DpaId("ie-dpc"), meta.LeadDpaId);
        Assert.True(meta.LeadDpaProposed);
    }

    [Fact]
    public async Task A_German_main_establishment_proposes_its_Land_authority_only_when_the_region_is_known()
    {
        using var client = api.ClientFor((await api.CreateOrganisationAsync()).AdminKey);

        var withoutRegion = await client.CreatedAsync<DefendantDto>("/v1/defendants", new { legalName = "Beispiel GmbH", mainEstablishmentCountry = "DE" });
        var inBavaria = await client.CreatedAsync<DefendantDto>("/v1/defendants", new { legalName = "Beispiel AG", mainEstablishmentCountry = "DE", mainEstablishmentRegion = "DE-BY" });

        Assert.Null(withoutRegion.LeadDpaId);
        Assert.Equal(CaseApi.Features.Demo.DemoData.DpaId("de-by-lda"), inBavaria.LeadDpaId);
    }

    // GDPR Art. 4(16) defines the main establishment as one "in the Union", and Art. 56 gives a lead authority only for it:
    // a controller run from the United Kingdom or Switzerland has none, so neither the ICO nor the FDPIC leads.
    [Theory]
    [InlineData("GB")]
    [InlineData("CH")]
    public async Task A_main_establishment_outside_the_EU_and_EEA_proposes_no_lead_authority_and_says_why_GDPR_Art_4_16_and_56(string country)
    {
        using var client = api.ClientFor((await api.CreateOrganisationAsync()).AdminKey);

        var defendant = await client.CreatedAsync<DefendantDto>("/v1/defendants", new { legalName = "Example Ltd", mainEstablishmentCountry = country });

        Assert.Null(defendant.LeadDpaId);
        Assert.False(defendant.LeadDpaProposed);
        Assert.Contains("Art. 4(16)", defendant.LeadAuthorityNote);
        Assert.Contains("Art. 56", defendant.LeadAuthorityNote);
    }

    // The EEA states took the GDPR into the EEA Agreement: Norway's Datatilsynet leads for a Norwegian main establishment.
    [Fact]
    public async Task A_main_establishment_in_an_EEA_state_outside_the_EU_gets_its_authority_proposed()
    {
        using var client = api.ClientFor((await api.CreateOrganisationAsync()).AdminKey);

        var defendant = await client.CreatedAsync<DefendantDto>("/v1/defendants", new { legalName = "Eksempel AS", mainEstablishmentCountry = "NO" });

        Assert.Equal(CaseApi.Features.Demo.DemoData.DpaId("no-datatilsynet"), defendant.LeadDpaId);
        Assert.Null(defendant.LeadAuthorityNote);
    }

    [Fact]
    public async Task A_lead_authority_given_by_the_organisation_is_kept()
    {
        using var client = api.ClientFor((await api.CreateOrganisationAsync()).AdminKey);
        var cnil = CaseApi.Features.Demo.DemoData.DpaId("fr-cnil");

        var defendant = await client.CreatedAsync<DefendantDto>("/v1/defendants", new { legalName = "Exemple SA", mainEstablishmentCountry = "IE", leadDpaId = cnil });

        Assert.Equal(cnil, defendant.LeadDpaId);
        Assert.False(defendant.LeadDpaProposed);
    }

    [Fact]
    public async Task Patching_changes_only_the_fields_sent_and_null_clears_one()
    {
        using var client = api.ClientFor((await api.CreateOrganisationAsync()).AdminKey);
        var created = await client.CreatedAsync<DefendantDto>("/v1/defendants", new { legalName = "Old name", website = "https://example.com", address = "Somewhere 1" });

        var response = await client.SendWithIfMatchAsync(HttpMethod.Patch, $"/v1/defendants/{created.Id}",
            new { legalName = "New name", website = (string?)null }, created.Version);

        var patched = await response.ReadAsync<DefendantDto>();
        Assert.Equal("New name", patched.LegalName);
        Assert.Null(patched.Website);
        Assert.Equal("Somewhere 1", patched.Address);
        Assert.Equal("\"2\"", response.Headers.ETag?.Tag);
    }

    [Fact]
    public async Task A_defendant_named_in_a_case_cannot_be_deleted()
    {
        using var client = api.ClientFor((await api.CreateOrganisationAsync()).AdminKey);
        var defendant = await client.DefendantAsync();
        var unused = await client.DefendantAsync("Unused Ltd");
        await client.CaseAsync(null, defendant.Id());

        await ProblemAssert.IsProblemAsync(await client.DeleteAsync($"/v1/defendants/{defendant.Id()}"), HttpStatusCode.Conflict, "defendant_in_use");
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/v1/defendants/{unused.Id()}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/v1/defendants/{unused.Id()}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/v1/defendants/{defendant.Id()}")).StatusCode);
    }

    [Fact]
    public async Task Defendants_are_found_by_name_search_and_listed_by_name()
    {
        using var client = api.ClientFor((await api.CreateOrganisationAsync()).AdminKey);
        await client.DefendantAsync("Zeta Corp");
        await client.CreatedAsync("/v1/defendants", new { legalName = "Meta Platforms Ireland Limited", otherNames = new[] { "Instagram" } });
        await client.DefendantAsync("Alpha GmbH", "DE");

        var all = await client.ItemsAsync<DefendantDto>("/v1/defendants");
        var found = await client.ItemsAsync<DefendantDto>("/v1/defendants?q=instagram");
        var german = await client.ItemsAsync<DefendantDto>("/v1/defendants?country=DE");

        Assert.Equal(["Alpha GmbH", "Meta Platforms Ireland Limited", "Zeta Corp"], all.Select(d => d.LegalName));
        Assert.Equal("Meta Platforms Ireland Limited", found.Single().LegalName);
        Assert.Equal("Alpha GmbH", german.Single().LegalName);
    }

    [Theory]
    [InlineData("""{"legalName":""}""", "legalName")]
    [InlineData("""{"legalName":"x","country":"Ireland"}""", "country")]
    [InlineData("""{"legalName":"x","website":"javascript:alert(1)"}""", "website")]
    [InlineData("""{"legalName":"x","mainEstablishmentCountry":"DE","mainEstablishmentRegion":"FR-75"}""", "mainEstablishmentRegion")]
    [InlineData("""{"legalName":"x","leadDpaId":"00000000-0000-0000-0000-000000000001"}""", null)]
    public async Task Invalid_defendants_are_refused_naming_the_field(string body, string? field)
    {
        using var client = api.ClientFor((await api.CreateOrganisationAsync()).AdminKey);

        var response = await client.PostAsync("/v1/defendants", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        if (field is null)
        {
            await ProblemAssert.IsProblemAsync(response, HttpStatusCode.UnprocessableEntity, "unknown_reference");
        }
        else
        {
            var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        }
    }
}
