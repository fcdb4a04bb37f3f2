using CaseApi.Features.Cases;
using CaseApi.Features.Complaints;
using CaseApi.Features.Demo;
using CaseApi.Features.Timeline;
using CaseApi.Infrastructure.Auth;
using Dapper;

namespace CaseApi.Tests.Features.Complaints;

public sealed class ComplaintTests(CaseApiFactory api) : IClassFixture<CaseApiFactory>
{
    [Fact]
    public async Task A_complaint_recorded_as_filed_counts_in_its_case_and_is_on_the_timeline()
    {
        using var client = api.ClientFor((await api.CreateOrganisationAsync()).AdminKey);
        var defendant = await client.DefendantAsync();
        var @case = await client.CaseAsync(null, defendant.Id());

        var complaint = (await client.ComplaintAsync(@case.Id(), defendant.Id(), "at-dsb", filed: true)).As<ComplaintDto>();

        Assert.Equal(ComplaintStatus.Filed, complaint.Status);
        Assert.Equal(DateOnly.Parse("2024-06-06"), complaint.FiledOn);
        Assert.Equal(1, (await client.GetAsync<CaseDto>($"/v1/cases/{@case.Id()}")).ComplaintCount);
        var kinds = (await client.ItemsAsync<GetCaseTimeline.TimelineEntryDto>($"/v1/cases/{@case.Id()}/timeline")).Select(e => e.Kind);
        Assert.Equal(["complaint.filed", "case.opened", "complaint.created", "deadline.created"], kinds);
    }

    [Theory]
    [InlineData(ApiKeyRole.Admin, true)]
    [InlineData(ApiKeyRole.Lawyer, true)]
    [InlineData(ApiKeyRole.Integration, false)]
    [InlineData(ApiKeyRole.Viewer, false)]
    public async Task Complainants_are_shown_to_lawyers_and_admins_only(ApiKeyRole role, bool sees)
    {
        var organisation = await api.CreateOrganisationAsync();
        using var admin = api.ClientFor(organisation.AdminKey);
        var defendant = await admin.DefendantAsync();
        var complaint = await admin.ComplaintAsync((await admin.CaseAsync(null, defendant.Id())).Id(), defendant.Id());
        using var client = api.ClientFor(await api.CreateKeyAsync(organisation, role));

        var body = await client.GetStringAsync($"/v1/complaints/{complaint.Id()}");

        Assert.Equal(sees, body.Contains("jane@example.org", StringComparison.Ordinal));
        Assert.DoesNotContain("jane@example.org", await client.GetStringAsync("/v1/complaints"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Erasing_a_complainant_pseudonymises_them_and_keeps_the_history()
    {
        var organisation = await api.CreateOrganisationAsync();
        using var admin = api.ClientFor(organisation.AdminKey);
        var defendant = await admin.DefendantAsync();
        var @case = await admin.CaseAsync(null, defendant.Id());
        var complaint = (await admin.ComplaintAsync(@case.Id(), defendant.Id(), filed: true)).As<ComplaintDto>();
        var complainantId = complaint.Complainants![0].Id;
        using var integration = api.ClientFor(await api.CreateKeyAsync(organisation, ApiKeyRole.Integration));

        await ProblemAssert.IsProblemAsync(await integration.DeleteAsync($"/v1/complainants/{complainantId}"), HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/v1/complainants/{complainantId}")).StatusCode);

        var after = await admin.GetAsync<ComplaintDto>($"/v1/complaints/{complaint.Id}");
        var person = after.Complainants![0];
        Assert.Equal("Erased complainant", person.Name);
        Assert.Null(person.Email);
        Assert.NotNull(person.ErasedAt);
        Assert.Equal(ComplaintStatus.Filed, after.Status);
        await using var superUser = await api.OpenAsSuperUserAsync();
        Assert.Equal(0, await superUser.QuerySingleAsync<long>(
            "SELECT count(*) FROM complainants WHERE id = @complainantId AND (email IS NOT NULL OR name = 'Jane Doe')", new { complainantId }));
        var kinds = (await admin.ItemsAsync<GetCaseTimeline.TimelineEntryDto>($"/v1/cases/{@case.Id()}/timeline")).Select(e => e.Kind).ToArray();
        Assert.Contains("complainant.erased", kinds);
        Assert.Contains("complaint.created", kinds);
    }

    [Fact]
    public async Task Complaints_are_listed_by_case_status_authority_and_defendant()
    {
        using var client = api.ClientFor((await api.CreateOrganisationAsync()).AdminKey);
        var meta = await client.DefendantAsync();
        var other = await client.DefendantAsync("Other Ltd");
        var first = await client.CaseAsync(null, meta.Id(), other.Id());
        var second = await client.CaseAsync(null, meta.Id());
        var atIreland = await client.ComplaintAsync(first.Id(), meta.Id(), "ie-dpc", filed: true);
        var atAustria = await client.ComplaintAsync(first.Id(), other.Id(), "at-dsb");
        var inSecond = await client.ComplaintAsync(second.Id(), meta.Id(), "nl-ap", filed: true);

        // The fake clock stands still, so the ids share their time part and their order is the random part's.
        async Task<Guid[]> Ids(string query) => (await client.ItemsAsync<ComplaintDto>($"/v1/complaints?{query}")).Select(c => c.Id).Order().ToArray();

        Assert.Equal(new[] { atIreland.Id(), atAustria.Id() }.Order(), await Ids($"caseId={first.Id()}"));
        Assert.Equal(new[] { atIreland.Id(), inSecond.Id() }.Order(), await Ids("status=filed"));
        Assert.Equal([atAustria.Id()], await Ids($"dpaId={DemoData.DpaId("at-dsb")}"));
        Assert.Equal([atAustria.Id()], await Ids($"defendantId={other.Id()}"));
    }

    [Fact]
    public async Task A_complaint_needs_complainants_when_lodged_on_their_behalf()
    {
        using var client = api.ClientFor((await api.CreateOrganisationAsync()).AdminKey);
        var defendant = await client.DefendantAsync();
        var @case = await client.CaseAsync(null, defendant.Id());

        var response = await client.PostAsJsonAsync($"/v1/cases/{@case.Id()}/complaints",
            new { defendantId = defendant.Id(), dpaId = DemoData.DpaId("ie-dpc"), onBehalfOf = "complainants" });
        var ownName = await client.PostAsJsonAsync($"/v1/cases/{@case.Id()}/complaints",
            new { defendantId = defendant.Id(), dpaId = DemoData.DpaId("ie-dpc"), onBehalfOf = "organisation" });

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("complainants", out _));
        Assert.Equal(HttpStatusCode.Created, ownName.StatusCode);
    }

    [Theory]
    [InlineData("""{"onBehalfOf":"complainants","mandateDocument":"Mandate.pdf","complainants":[{"email":"jane@example.org"}]}""", "complainants[0].name")]
    // GDPR Art. 80(1): acting for data subjects takes their mandate; Art. 80(2): acting in one's own right has none.
    [InlineData("""{"onBehalfOf":"complainants","complainants":[{"name":"Jane Doe"}]}""", "mandateDocument")]
    [InlineData("""{"onBehalfOf":"organisation","mandateDocument":"Mandate.pdf"}""", "mandateDocument")]
    [InlineData("""{"onBehalfOf":"complainants","complainants":[{"name":"Jane Doe","email":"jane\u0000@example.org"}]}""", "complainants[0].email")]
    [InlineData("""{"onBehalfOf":"organisation","filedOn":"9999-12-31"}""", "filedOn")]
    public async Task A_bad_complaint_is_a_400_naming_the_field(string fields, string field)
    {
        using var client = api.ClientFor((await api.CreateOrganisationAsync()).AdminKey);
        var defendant = await client.DefendantAsync();
        var @case = await client.CaseAsync(null, defendant.Id());
        var body = System.Text.Json.Nodes.JsonNode.Parse(fields)!.AsObject();
        body["defendantId"] = defendant.Id();
        body["dpaId"] = DemoData.DpaId("ie-dpc");

        var response = await client.PostAsync($"/v1/cases/{@case.Id()}/complaints", new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }
}
