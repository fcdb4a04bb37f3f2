using System.Text.Json.Nodes;
using CaseApi.Features.Demo;

namespace CaseApi.Tests.Infrastructure;

/// <summary>
/// Issue 14, points 3 to 5: a field the contract requires is a 400 <c>validation_failed</c> naming it when left out, never a
/// default (an enum's first member, 0, 0001-01-01); a wrong type in a PATCH names the field, not <c>$</c>; and messages
/// spell fields as JSON does.
/// </summary>
public sealed class RequiredFieldTests(CaseApiFactory api) : IClassFixture<CaseApiFactory>
{
    private const string Letter = """
        {"direction":"outgoing","type":"reminder","channel":"post","subject":"Reminder","body":"Please answer.","defendantId":"{defendant}"}
        """;

    private const string Reply = """
        {"direction":"incoming","type":"other","channel":"post","subject":"Re","body":"We declare.","defendantId":"{defendant}","inReplyTo":"{any}",
         "ceaseAndDesistReply":{"kind":"declaration","penalty":{"kind":"fixed","amount":5001,"currency":"EUR"}}}
        """;

    private const string Template = """{"name":"Erinnerung","letterType":"reminder","language":"de","subject":"Erinnerung","body":"Bitte antworten Sie."}""";

    private const string Policy = """{"dueSoonWorkingDays":3,"reminderPeriod":"P7D","rules":{"default":{"remind":true,"escalate":false,"recommendation":"Call the client."}}}""";

    /// <summary>Every request body's required enum, id, date and number fields (the string ones were required already).</summary>
    public static TheoryData<string, string, string, string> Bodies => new()
    {
        { "POST /v1/cases/{case}/letters", Letter, "direction", "direction" },
        { "POST /v1/cases/{case}/letters", Letter, "type", "type" },
        { "POST /v1/cases/{case}/letters", Letter, "channel", "channel" },
        { "POST /v1/cases/{case}/letters", Reply, "ceaseAndDesistReply.kind", "ceaseAndDesistReply.kind" },
        { "POST /v1/cases/{case}/letters", Reply, "ceaseAndDesistReply.penalty.kind", "ceaseAndDesistReply.penalty.kind" },
        { "POST /v1/letter-templates", Template, "letterType", "letterType" },
        { "PUT /v1/letter-templates/{template}", Template, "letterType", "letterType" },
        { "POST /v1/complaints/{complaint}/transitions", """{"to":"filed","at":"2025-04-29T10:00:00Z"}""", "to", "to" },
        { "POST /v1/cases/{case}/complaints", """{"defendantId":"{defendant}","dpaId":"{dpa}","onBehalfOf":"complainants","complainants":[{"name":"Jane Doe"}]}""", "defendantId", "defendantId" },
        { "POST /v1/cases/{case}/complaints", """{"defendantId":"{defendant}","dpaId":"{dpa}","onBehalfOf":"complainants","complainants":[{"name":"Jane Doe"}]}""", "dpaId", "dpaId" },
        { "POST /v1/cases/{case}/complaints", """{"defendantId":"{defendant}","dpaId":"{dpa}","onBehalfOf":"complainants","complainants":[{"name":"Jane Doe"}]}""", "onBehalfOf", "onBehalfOf" },
        { "PUT /v1/escalation-policy", Policy, "dueSoonWorkingDays", "dueSoonWorkingDays" },
        { "PUT /v1/escalation-policy", Policy, "reminderPeriod", "reminderPeriod" },
        { "PUT /v1/escalation-policy", Policy, "rules.default.remind", "rules.default.remind" },
        { "PUT /v1/escalation-policy", Policy, "rules.default.escalate", "rules.default.escalate" },
        { "POST /v1/cases/{case}/proceedings", """{"kind":"main_action","courtId":"{any}","parties":[{"name":"Meta","role":"defendant"}]}""", "kind", "kind" },
        { "POST /v1/cases/{case}/proceedings", """{"kind":"main_action","courtId":"{any}","parties":[{"name":"Meta","role":"defendant"}]}""", "courtId", "courtId" },
        { "POST /v1/cases/{case}/proceedings", """{"kind":"main_action","courtId":"{any}","parties":[{"name":"Meta","role":"defendant"}]}""", "parties.0.role", "parties[0].role" },
        { "POST /v1/proceedings/{any}/events", """{"kind":"filed","occurredOn":"2025-04-01"}""", "kind", "kind" },
        { "POST /v1/proceedings/{any}/events", """{"kind":"filed","occurredOn":"2025-04-01"}""", "occurredOn", "occurredOn" },
        { "PUT /v1/proceedings/{any}/representative", """{"qualifiedEntity":{"name":"vzbv","list":"uklag"},"implementationStage":"none"}""", "implementationStage", "implementationStage" },
        { "PUT /v1/proceedings/{any}/representative", """{"qualifiedEntity":{"name":"vzbv","list":"uklag"},"implementationStage":"none"}""", "qualifiedEntity.list", "qualifiedEntity.list" },
        { "POST /v1/proceedings/{any}/registrations", """{"countedOn":"2025-04-01","registered":60}""", "countedOn", "countedOn" },
        { "POST /v1/proceedings/{any}/registrations", """{"countedOn":"2025-04-01","registered":60}""", "registered", "registered" },
        { "POST /v1/proceedings/{any}/settlements", """{"approvedOn":"2025-04-01","publishedOn":"2025-04-08"}""", "approvedOn", "approvedOn" },
        { "POST /v1/proceedings/{any}/settlements", """{"approvedOn":"2025-04-01","publishedOn":"2025-04-08"}""", "publishedOn", "publishedOn" },
        { "POST /v1/cases/{case}/deadline-triggers", """{"kind":"infringement_known","occurredOn":"2025-04-01"}""", "kind", "kind" },
        { "POST /v1/cases/{case}/deadline-triggers", """{"kind":"infringement_known","occurredOn":"2025-04-01"}""", "occurredOn", "occurredOn" },
        { "POST /v1/obligations/{any}/breaches", """{"occurredOn":"2025-04-01","description":"Still training on posts."}""", "occurredOn", "occurredOn" },
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task A_required_field_left_out_is_a_400_naming_it_and_nothing_is_written(string route, string body, string leftOut, string field)
    {
        var organisation = await api.CreateOrganisationAsync();
        using var client = api.ClientFor(organisation.AdminKey);
        var defendant = await client.DefendantAsync();
        var @case = await client.CaseAsync(null, defendant.Id());
        var complaint = await client.ComplaintAsync(@case.Id(), defendant.Id());
        var template = await client.CreatedAsync("/v1/letter-templates", JsonNode.Parse(Template)!);
        var ids = new Dictionary<string, Guid>
        {
            ["{case}"] = @case.Id(), ["{defendant}"] = defendant.Id(), ["{complaint}"] = complaint.Id(), ["{template}"] = template.Id(),
            ["{dpa}"] = DemoData.DpaId("ie-dpc"), ["{any}"] = Guid.NewGuid(),
        };
        var (method, path) = (route.Split(' ')[0], ids.Aggregate(route.Split(' ')[1], (p, id) => p.Replace(id.Key, id.Value.ToString(), StringComparison.Ordinal)));
        var json = JsonNode.Parse(ids.Aggregate(body, (b, id) => b.Replace(id.Key, id.Value.ToString(), StringComparison.Ordinal)))!;
        var parent = leftOut.Split('.')[..^1].Aggregate(json, (node, step) => int.TryParse(step, out var index) ? node[index]! : node[step]!);
        Assert.True(parent.AsObject().Remove(leftOut.Split('.')[^1]), $"{leftOut} is not in the body");
        var before = await RowsAsync(organisation);

        var response = await client.SendWithIfMatchAsync(new HttpMethod(method), path, json, method == "PUT" ? (path.Contains("letter-templates") ? 1 : 0) : null);

        var problem = await ProblemAssert.NamesInvalidFieldAsync(response, field);
        Assert.Equal("This field is required.", problem.GetProperty("errors").GetProperty(field)[0].GetString());
        Assert.Equal(before, await RowsAsync(organisation));
    }

    [Fact]
    public async Task A_letter_left_without_direction_type_and_channel_names_all_three_instead_of_drafting_a_cease_and_desist_email()
    {
        var organisation = await api.CreateOrganisationAsync();
        using var client = api.ClientFor(organisation.AdminKey);
        var defendant = await client.DefendantAsync();
        var @case = await client.CaseAsync(null, defendant.Id());

        var response = await client.PostAsJsonAsync($"/v1/cases/{@case.Id()}/letters", new { defendantId = defendant.Id(), subject = "Abmahnung", body = "…" });

        var problem = await ProblemAssert.NamesInvalidFieldAsync(response, "direction");
        Assert.True(problem.GetProperty("errors").TryGetProperty("type", out _), problem.ToString());
        Assert.True(problem.GetProperty("errors").TryGetProperty("channel", out _), problem.ToString());
        Assert.Equal(0, (await client.GetFromJsonAsync<JsonElement>($"/v1/cases/{@case.Id()}/letters")).GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Replacing_a_reminder_template_without_letterType_keeps_it_a_reminder()
    {
        using var client = api.ClientFor((await api.CreateOrganisationAsync()).AdminKey);
        var template = await client.CreatedAsync("/v1/letter-templates", JsonNode.Parse(Template)!);
        var path = $"/v1/letter-templates/{template.Id()}";

        var response = await client.SendWithIfMatchAsync(HttpMethod.Put, path, new { name = "Erinnerung", language = "de", subject = "Erinnerung", body = "Neu." }, 1);

        await ProblemAssert.NamesInvalidFieldAsync(response, "letterType");
        var after = await client.GetFromJsonAsync<JsonElement>(path);
        Assert.Equal("reminder", after.GetProperty("letterType").GetString());
        Assert.Equal(1, after.GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task A_transition_without_to_is_a_400_naming_it_not_a_409_about_draft()
    {
        using var client = api.ClientFor((await api.CreateOrganisationAsync()).AdminKey);
        var defendant = await client.DefendantAsync();
        var complaint = await client.ComplaintAsync((await client.CaseAsync(null, defendant.Id())).Id(), defendant.Id(), filed: true);

        var response = await client.SendWithIfMatchAsync(HttpMethod.Post, $"/v1/complaints/{complaint.Id()}/transitions", new { note = "Acknowledged by phone." }, 1);

        await ProblemAssert.NamesInvalidFieldAsync(response, "to");
        Assert.Equal("filed", (await client.GetFromJsonAsync<JsonElement>($"/v1/complaints/{complaint.Id()}")).GetProperty("status").GetString());
    }

    public static TheoryData<string, string, string> PatchTypeErrors => new()
    {
        { "/v1/cases/{case}", """{"title":123}""", "title" },
        { "/v1/cases/{case}", """{"tags":"x"}""", "tags" },
        { "/v1/cases/{case}", """{"tags":[1]}""", "tags[0]" },
        { "/v1/defendants/{defendant}", """{"legalName":123}""", "legalName" },
        { "/v1/defendants/{defendant}", """{"otherNames":"x"}""", "otherNames" },
        { "/v1/organisation", """{"name":123}""", "name" },
        { "/v1/organisation", """{"localHolidays":"x"}""", "localHolidays" },
    };

    [Theory]
    [MemberData(nameof(PatchTypeErrors))]
    public async Task A_wrong_type_in_a_PATCH_names_the_field_not_the_root(string pathTemplate, string body, string field)
    {
        using var client = api.ClientFor((await api.CreateOrganisationAsync()).AdminKey);
        var defendant = await client.DefendantAsync();
        var @case = await client.CaseAsync(null, defendant.Id());
        var path = pathTemplate.Replace("{case}", @case.Id().ToString(), StringComparison.Ordinal).Replace("{defendant}", defendant.Id().ToString(), StringComparison.Ordinal);

        var response = await client.SendWithIfMatchAsync(HttpMethod.Patch, path, JsonNode.Parse(body)!, 1);

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "malformed_body");
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out _), problem.ToString());
        Assert.False(errors.TryGetProperty("$", out _), problem.ToString());
    }

    [Fact]
    public async Task Messages_name_fields_as_the_client_spells_them()
    {
        using var client = api.ClientFor((await api.CreateOrganisationAsync()).AdminKey);

        var policy = await client.SendWithIfMatchAsync(HttpMethod.Put, "/v1/escalation-policy", JsonNode.Parse(Policy.Replace("\"dueSoonWorkingDays\":3", "\"dueSoonWorkingDays\":99", StringComparison.Ordinal))!, 0);
        var list = await client.GetAsync("/v1/cases?limit=0");
        var @case = await client.CaseAsync();
        var patch = await client.SendWithIfMatchAsync(HttpMethod.Patch, $"/v1/cases/{@case.Id()}", new { title = "" }, 1);

        Assert.StartsWith("'dueSoonWorkingDays' must be between 0 and 30", await MessageAsync(policy, "dueSoonWorkingDays"), StringComparison.Ordinal);
        Assert.StartsWith("'limit' must be between 1 and 200", await MessageAsync(list, "limit"), StringComparison.Ordinal);
        Assert.Equal("'title' must not be empty.", await MessageAsync(patch, "title"));
    }

    private static async Task<string> MessageAsync(HttpResponseMessage response, string field) =>
        (await ProblemAssert.NamesInvalidFieldAsync(response, field)).GetProperty("errors").GetProperty(field)[0].GetString()!;

    private async Task<string> RowsAsync(TestOrganisation organisation)
    {
        await using var superUser = await api.OpenAsSuperUserAsync();
        return await TenantTables.SnapshotAsync(superUser, organisation.Id);
    }
}
