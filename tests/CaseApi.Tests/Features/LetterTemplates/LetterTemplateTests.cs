using CaseApi.Features.LetterTemplates;

namespace CaseApi.Tests.Features.LetterTemplates;

public sealed class LetterTemplateTests(CaseApiFactory api) : IClassFixture<CaseApiFactory>
{
    private static object Template(string name = "Abmahnung KI-Training", string subject = "Abmahnung – Unser Zeichen {{ case.reference }}",
        string body = "Sehr geehrte Damen und Herren,\n\n{{ defendant.legal_name }} …", string letterType = "cease_and_desist", string language = "de") =>
        new { name, letterType, language, subject, body };

    [Fact]
    public async Task A_template_is_created_read_replaced_with_If_Match_and_deleted()
    {
        using var client = api.ClientFor((await api.CreateOrganisationAsync()).AdminKey);

        var created = await client.CreatedAsync("/v1/letter-templates", Template());
        var path = $"/v1/letter-templates/{created.Id()}";
        var read = await client.GetAsync(path);
        var withoutIfMatch = await client.PutAsJsonAsync(path, Template(name: "Renamed"));
        var stale = await client.SendWithIfMatchAsync(HttpMethod.Put, path, Template(name: "Renamed"), 7);
        var replaced = await client.SendWithIfMatchAsync(HttpMethod.Put, path, Template(name: "Renamed", language: "en"), 1);

        Assert.False(created.GetProperty("builtIn").GetBoolean());
        Assert.Equal(1, created.GetProperty("version").GetInt32());
        Assert.Equal("\"1\"", read.Headers.ETag?.Tag);
        await ProblemAssert.IsProblemAsync(withoutIfMatch, HttpStatusCode.PreconditionRequired, "precondition_required");
        await ProblemAssert.IsProblemAsync(stale, HttpStatusCode.PreconditionFailed, "precondition_failed");
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        Assert.Equal("\"2\"", replaced.Headers.ETag?.Tag);
        var after = await client.GetFromJsonAsync<JsonElement>(path);
        Assert.Equal("Renamed", after.GetProperty("name").GetString());
        Assert.Equal("en", after.GetProperty("language").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync(path)).StatusCode);
        await ProblemAssert.IsProblemAsync(await client.GetAsync(path), HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task A_template_that_does_not_parse_is_a_400_naming_the_field_line_and_column()
    {
        using var client = api.ClientFor((await api.CreateOrganisationAsync()).AdminKey);

        var response = await client.PostAsJsonAsync("/v1/letter-templates",
            Template(body: "Sehr geehrte Damen und Herren,\n\nIhr Zeichen: {{ case.reference | }}\n"));

        var problem = await ProblemAssert.NamesInvalidFieldAsync(response, "body");
        var message = problem.GetProperty("errors").GetProperty("body")[0].GetString();
        // Column 33 is where the filter name should have begun, right after the "|".
        Assert.StartsWith("Line 3, column 33: An identifier was expected after the '|' sign", message, StringComparison.Ordinal);
        Assert.False(problem.GetProperty("errors").TryGetProperty("subject", out _), problem.ToString());
    }

    [Fact]
    public async Task A_subject_that_does_not_parse_is_named_too()
    {
        using var client = api.ClientFor((await api.CreateOrganisationAsync()).AdminKey);

        var response = await client.PostAsJsonAsync("/v1/letter-templates", Template(subject: "Abmahnung {% if case %}"));

        var problem = await ProblemAssert.NamesInvalidFieldAsync(response, "subject");
        Assert.StartsWith("Line 1, column ", problem.GetProperty("errors").GetProperty("subject")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_template_that_parses_but_cannot_render_is_refused_on_save()
    {
        using var client = api.ClientFor((await api.CreateOrganisationAsync()).AdminKey);

        var misspeltFilter = await client.PostAsJsonAsync("/v1/letter-templates", Template(body: "Vom {{ answered.sent_on | date_lnog }}"));
        var unknownLanguage = await client.PostAsJsonAsync("/v1/letter-templates", Template(name: "Other", body: "Vom {{ answered.sent_on | date_long: 'fr' }}"));

        var problem = await ProblemAssert.NamesInvalidFieldAsync(misspeltFilter, "body");
        Assert.Contains("date_lnog", problem.GetProperty("errors").GetProperty("body")[0].GetString(), StringComparison.Ordinal);
        await ProblemAssert.NamesInvalidFieldAsync(unknownLanguage, "body");
    }

    [Fact]
    public async Task Names_are_unique_in_an_organisation()
    {
        using var client = api.ClientFor((await api.CreateOrganisationAsync()).AdminKey);
        await client.CreatedAsync("/v1/letter-templates", Template(name: "Same"));
        var other = await client.CreatedAsync("/v1/letter-templates", Template(name: "Other"));

        var second = await client.PostAsJsonAsync("/v1/letter-templates", Template(name: "Same"));
        var renamed = await client.SendWithIfMatchAsync(HttpMethod.Put, $"/v1/letter-templates/{other.Id()}", Template(name: "Same"), 1);

        await ProblemAssert.IsProblemAsync(second, HttpStatusCode.Conflict, "letter_template_name_taken");
        await ProblemAssert.IsProblemAsync(renamed, HttpStatusCode.Conflict, "letter_template_name_taken");
    }

    [Fact]
    public async Task Built_in_templates_are_listed_readable_and_cannot_be_changed_or_deleted()
    {
        using var client = api.ClientFor((await api.CreateOrganisationAsync()).AdminKey);
        var reminder = BuiltInLetterTemplates.CeaseAndDesistReminderDe;
        var path = $"/v1/letter-templates/{reminder.Id}";

        var listed = (await client.GetFromJsonAsync<JsonElement>("/v1/letter-templates")).GetProperty("items").EnumerateArray().ToArray();
        var read = await client.GetAsync(path);
        var replaced = await client.SendWithIfMatchAsync(HttpMethod.Put, path, Template(), 1);
        var deleted = await client.DeleteAsync(path);

        Assert.Equal(BuiltInLetterTemplates.All.Select(t => t.Id).Order(), listed.Where(t => t.GetProperty("builtIn").GetBoolean()).Select(t => t.Id()).Order());
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        var template = await read.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(template.GetProperty("builtIn").GetBoolean());
        Assert.Equal("reminder", template.GetProperty("letterType").GetString());
        Assert.Equal(JsonValueKind.Null, template.GetProperty("createdAt").ValueKind);
        await ProblemAssert.IsProblemAsync(replaced, HttpStatusCode.Conflict, "letter_template_built_in");
        await ProblemAssert.IsProblemAsync(deleted, HttpStatusCode.Conflict, "letter_template_built_in");
    }

    [Fact]
    public async Task Built_in_ids_are_the_same_in_every_organisation()
    {
        using var a = api.ClientFor((await api.CreateOrganisationAsync("A")).AdminKey);
        using var b = api.ClientFor((await api.CreateOrganisationAsync("B")).AdminKey);

        var ofA = await a.GetStringAsync($"/v1/letter-templates/{BuiltInLetterTemplates.DpaSilenceReminderEn.Id}");
        var ofB = await b.GetStringAsync($"/v1/letter-templates/{BuiltInLetterTemplates.DpaSilenceReminderEn.Id}");

        Assert.Equal(ofA, ofB);
    }

    [Fact]
    public async Task Lists_filter_by_letter_type_and_language_and_page_by_name()
    {
        using var client = api.ClientFor((await api.CreateOrganisationAsync()).AdminKey);
        await client.CreatedAsync("/v1/letter-templates", Template(name: "Abmahnung"));
        await client.CreatedAsync("/v1/letter-templates", Template(name: "Cease and desist", language: "en"));
        await client.CreatedAsync("/v1/letter-templates", Template(name: "Zweite Erinnerung", letterType: "reminder"));

        var ceaseAndDesist = await NamesAsync(client, "/v1/letter-templates?letterType=cease_and_desist");
        var germanReminders = await NamesAsync(client, "/v1/letter-templates?letterType=reminder&language=de");
        var badFilter = await client.GetAsync("/v1/letter-templates?letterType=love_letter");
        var all = await NamesAsync(client, "/v1/letter-templates?limit=200");
        var paged = new List<string>();
        string? cursor = null;
        do
        {
            var page = await client.GetFromJsonAsync<JsonElement>($"/v1/letter-templates?limit=2{(cursor is null ? "" : $"&cursor={cursor}")}");
            paged.AddRange(page.GetProperty("items").EnumerateArray().Select(t => t.GetProperty("name").GetString()!));
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);

        Assert.Equal(["Abmahnung", "Cease and desist"], ceaseAndDesist);
        Assert.Equal(
            new[] { "Zweite Erinnerung" }.Concat(BuiltInLetterTemplates.All.Where(t => t.Language == "de").Select(t => t.Name)).Order(StringComparer.Ordinal),
            germanReminders);
        await ProblemAssert.NamesInvalidFieldAsync(badFilter, "letterType");
        Assert.Equal(3 + BuiltInLetterTemplates.All.Count, all.Length);
        Assert.Equal(all.Order(StringComparer.Ordinal), all);
        Assert.Equal(all, paged);
    }

    [Fact]
    public async Task A_template_of_another_organisation_is_404_and_cannot_draft_a_letter()
    {
        using var a = api.ClientFor((await api.CreateOrganisationAsync("A")).AdminKey);
        var world = await Letters.WorldAsync(api);
        var ofA = await a.CreatedAsync("/v1/letter-templates", Template());
        var path = $"/v1/letter-templates/{ofA.Id()}";

        await ProblemAssert.IsProblemAsync(await world.Client.GetAsync(path), HttpStatusCode.NotFound, "not_found");
        await ProblemAssert.IsProblemAsync(await world.Client.SendWithIfMatchAsync(HttpMethod.Put, path, Template(), 1), HttpStatusCode.NotFound, "not_found");
        await ProblemAssert.IsProblemAsync(await world.Client.DeleteAsync(path), HttpStatusCode.NotFound, "not_found");
        Assert.DoesNotContain(ofA.Id().ToString(), await world.Client.GetStringAsync("/v1/letter-templates"), StringComparison.OrdinalIgnoreCase);
        var letter = await world.Client.PostAsJsonAsync($"/v1/cases/{world.CaseId}/letters", new
        {
            direction = "outgoing", type = "cease_and_desist", defendantId = world.DefendantId, channel = "email", templateId = ofA.Id(),
        });
        await ProblemAssert.IsProblemAsync(letter, HttpStatusCode.UnprocessableEntity, "unknown_reference");
        Assert.Equal(HttpStatusCode.OK, (await a.GetAsync(path)).StatusCode);
    }

    private static async Task<string[]> NamesAsync(HttpClient client, string path) =>
        (await client.GetFromJsonAsync<JsonElement>(path)).GetProperty("items").EnumerateArray().Select(t => t.GetProperty("name").GetString()!).ToArray();
}
