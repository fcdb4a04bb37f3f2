using CaseApi.Infrastructure.Auth;

namespace CaseApi.Tests.Features.Escalation;

public sealed class EscalationPolicyTests(CaseApiFactory api) : IClassFixture<CaseApiFactory>
{
    [Fact]
    public async Task The_default_policy_warns_three_working_days_ahead_and_knows_what_a_cease_and_desist_letter_escalates_to()
    {
        using var client = api.ClientFor((await api.CreateOrganisationAsync()).AdminKey);

        var response = await client.GetAsync("/v1/escalation-policy");
        var policy = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal("\"0\"", response.Headers.ETag?.Tag);
        Assert.Equal(3, policy.GetProperty("dueSoonWorkingDays").GetInt32());
        Assert.Equal("P7D", policy.GetProperty("reminderPeriod").GetString());
        Assert.Contains("injunction", policy.GetProperty("rules").GetProperty("cease_and_desist").GetProperty("recommendation").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Admins_replace_the_policy_and_new_deadlines_follow_it()
    {
        var organisation = await api.CreateOrganisationAsync();
        using var admin = api.ClientFor(organisation.AdminKey);
        var policy = new
        {
            dueSoonWorkingDays = 5,
            reminderPeriod = "P10D",
            rules = new Dictionary<string, object> { ["default"] = new { remind = true, escalate = false, recommendation = "Call the client." } },
        };

        var saved = await admin.SendWithIfMatchAsync(HttpMethod.Put, "/v1/escalation-policy", policy, 0);
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        Assert.Equal("\"1\"", saved.Headers.ETag?.Tag);
        var stale = await ProblemAssert.IsProblemAsync(await admin.SendWithIfMatchAsync(HttpMethod.Put, "/v1/escalation-policy", policy, 0), HttpStatusCode.PreconditionFailed);
        Assert.Equal("The escalation policy has changed since you read it; GET it again and reapply your change.", stale.GetProperty("detail").GetString());

        var current = await admin.GetFromJsonAsync<JsonElement>("/v1/escalation-policy");
        Assert.Equal(5, current.GetProperty("dueSoonWorkingDays").GetInt32());
        Assert.False(current.GetProperty("rules").GetProperty("default").GetProperty("escalate").GetBoolean());
    }

    [Theory]
    [InlineData("""{"dueSoonWorkingDays":99,"reminderPeriod":"P7D","rules":{"default":{"remind":true,"escalate":true,"recommendation":"x"}}}""", "dueSoonWorkingDays")]
    [InlineData("""{"dueSoonWorkingDays":3,"reminderPeriod":"a week","rules":{"default":{"remind":true,"escalate":true,"recommendation":"x"}}}""", "reminderPeriod")]
    [InlineData("""{"dueSoonWorkingDays":3,"reminderPeriod":"P7D","rules":{"telegram":{"remind":true,"escalate":true,"recommendation":"x"},"default":{"remind":true,"escalate":true,"recommendation":"x"}}}""", "rules")]
    [InlineData("""{"dueSoonWorkingDays":3,"reminderPeriod":"P7D","rules":{"cease_and_desist":{"remind":true,"escalate":true,"recommendation":"x"}}}""", "rules")]
    public async Task An_invalid_policy_is_refused_naming_the_field(string body, string field)
    {
        using var admin = api.ClientFor((await api.CreateOrganisationAsync()).AdminKey);
        using var request = new HttpRequestMessage(HttpMethod.Put, "/v1/escalation-policy") { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue("\"0\""));

        var problem = await ProblemAssert.IsProblemAsync(await admin.SendAsync(request), HttpStatusCode.BadRequest, "validation_failed");

        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task A_PUT_replaces_the_whole_policy_so_a_setting_left_out_is_refused_naming_each_not_reset_to_its_default()
    {
        using var admin = api.ClientFor((await api.CreateOrganisationAsync()).AdminKey);
        var policy = new
        {
            dueSoonWorkingDays = 5,
            reminderPeriod = "P10D",
            rules = new Dictionary<string, object> { ["default"] = new { remind = false, escalate = false, recommendation = "Call the client." } },
        };
        Assert.Equal(HttpStatusCode.OK, (await admin.SendWithIfMatchAsync(HttpMethod.Put, "/v1/escalation-policy", policy, 0)).StatusCode);

        var withoutSettings = await admin.SendWithIfMatchAsync(HttpMethod.Put, "/v1/escalation-policy",
            new { rules = new Dictionary<string, object> { ["default"] = new { remind = false, escalate = false, recommendation = "Call the client." } } }, 1);
        var ruleWithoutFlags = await admin.SendWithIfMatchAsync(HttpMethod.Put, "/v1/escalation-policy",
            new { dueSoonWorkingDays = 5, reminderPeriod = "P10D", rules = new Dictionary<string, object> { ["default"] = new { recommendation = "Call the client." } } }, 1);

        var settings = (await ProblemAssert.NamesInvalidFieldAsync(withoutSettings, "dueSoonWorkingDays")).GetProperty("errors");
        Assert.True(settings.TryGetProperty("reminderPeriod", out _), settings.ToString());
        var flags = (await ProblemAssert.NamesInvalidFieldAsync(ruleWithoutFlags, "rules.default.remind")).GetProperty("errors");
        Assert.True(flags.TryGetProperty("rules.default.escalate", out _), flags.ToString());
        var current = await admin.GetFromJsonAsync<JsonElement>("/v1/escalation-policy");
        Assert.Equal(1, current.GetProperty("version").GetInt32());
        Assert.Equal(5, current.GetProperty("dueSoonWorkingDays").GetInt32());
        Assert.Equal("P10D", current.GetProperty("reminderPeriod").GetString());
        Assert.False(current.GetProperty("rules").GetProperty("default").GetProperty("remind").GetBoolean());
        Assert.False(current.GetProperty("rules").GetProperty("default").GetProperty("escalate").GetBoolean());
    }

    [Fact]
    public async Task A_version_in_the_body_is_refused_the_version_goes_in_If_Match_as_for_every_versioned_write()
    {
        using var admin = api.ClientFor((await api.CreateOrganisationAsync()).AdminKey);
        var policy = new
        {
            dueSoonWorkingDays = 5,
            reminderPeriod = "P10D",
            rules = new Dictionary<string, object> { ["default"] = new { remind = true, escalate = false, recommendation = "Call the client." } },
            version = 7,
        };

        var response = await admin.SendWithIfMatchAsync(HttpMethod.Put, "/v1/escalation-policy", policy, 0);

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "malformed_body");
        Assert.Equal("This field is not part of the request.", problem.GetProperty("errors").GetProperty("version")[0].GetString());
        Assert.Equal("\"0\"", (await admin.GetAsync("/v1/escalation-policy")).Headers.ETag?.Tag);
    }

    [Fact]
    public async Task Only_admins_change_the_policy()
    {
        var organisation = await api.CreateOrganisationAsync();
        using var lawyer = api.ClientFor(await api.CreateKeyAsync(organisation, ApiKeyRole.Lawyer));

        await ProblemAssert.IsProblemAsync(
            await lawyer.SendWithIfMatchAsync(HttpMethod.Put, "/v1/escalation-policy", new { dueSoonWorkingDays = 1, reminderPeriod = "P7D", rules = new { } }, 0),
            HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task The_overview_counts_deadlines_and_lists_the_next_ones()
    {
        var world = await Letters.WorldAsync(api);
        await world.SendAsync(await world.DraftAsync(), "2025-12-01T10:00:00+01:00", "P1M");
        await world.SendAsync(await world.DraftAsync(), "2025-12-02T10:00:00+01:00", "P1M");

        var overview = await world.Client.GetFromJsonAsync<JsonElement>("/v1/deadlines/overview");

        Assert.Equal(2, overview.GetProperty("open").GetInt32());
        Assert.Equal(2, overview.GetProperty("next").GetArrayLength());
        Assert.Equal("2026-01-02", overview.GetProperty("next")[0].GetProperty("dueDate").GetString());
    }
}
