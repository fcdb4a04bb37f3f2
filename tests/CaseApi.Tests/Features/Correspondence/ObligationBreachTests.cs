namespace CaseApi.Tests.Features.Correspondence;

/// <summary>
/// A breach of an accepted declaration starts the contractual-penalty claim. BGB §§ 195, 199(1): three years from the end of the year of knowledge.
/// Known on 10 June 2025 → from 31 December 2025, three years end on Sunday 31 December 2028 (BGB § 188(2)); § 193 by analogy (BGH WM 1978, 461):
/// Monday 1 January 2029 is New Year's Day, so Tuesday 2 January 2029. Hand-computed; the organisation is in DE-NW.
/// </summary>
public sealed class ObligationBreachTests(CaseApiFactory api) : IClassFixture<CaseApiFactory>
{
    [Fact]
    public async Task A_breach_known_on_10_June_2025_starts_the_penalty_claim_s_limitation_ending_on_2_January_2029()
    {
        var world = await Letters.WorldAsync(api);
        var sent = await world.SendAsync(await world.DraftAsync(), "2025-04-30T10:00:00+02:00", period: "P14D");
        await world.Client.CreatedAsync($"/v1/cases/{world.CaseId}/letters", new
        {
            direction = "incoming", type = "reply", defendantId = world.DefendantId, channel = "email", subject = "Unterlassungserklärung", inReplyTo = sent.Id,
            receivedAt = "2025-05-12T10:00:00+02:00",
            ceaseAndDesistReply = new { kind = "declaration", penalty = new { kind = "fixed", amount = 5100, currency = "EUR" }, acceptedAsAdequate = true },
        });
        var obligation = (await world.Client.GetFromJsonAsync<JsonElement>($"/v1/cases/{world.CaseId}/obligations")).EnumerateArray().Single();

        var breached = await world.Client.PostAsJsonAsync($"/v1/obligations/{obligation.Id()}/breaches",
            new { occurredOn = "2025-06-03", knownOn = "2025-06-10", description = "The banner was online again." });

        Assert.Equal(HttpStatusCode.OK, breached.StatusCode);
        var breach = (await breached.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("breaches").EnumerateArray().Single();
        var deadline = await world.Client.GetFromJsonAsync<JsonElement>($"/v1/deadlines/{breach.GetProperty("deadlineId").GetGuid()}");
        Assert.Equal("bgb.penalty_limitation_195", deadline.GetProperty("rule").GetString());
        Assert.Equal("2029-01-02", deadline.GetProperty("dueDate").GetString());
        Assert.Contains("BGB §§ 195, 199(1)", deadline.GetProperty("computation").GetString(), StringComparison.Ordinal);
    }

    // The demo data holds no obligation (a declaration would meet its deadline, which other tests read), so the route walk of
    // TenantIsolationTests sees only an empty list: this proves isolation with a row in both new tables.
    [Fact]
    public async Task Another_organisation_neither_sees_an_obligation_nor_records_a_breach_of_it()
    {
        var world = await DeclaredAsync();
        var obligation = (await world.Client.GetFromJsonAsync<JsonElement>($"/v1/cases/{world.CaseId}/obligations")).EnumerateArray().Single();
        Assert.Equal(HttpStatusCode.OK, (await world.Client.PostAsJsonAsync($"/v1/obligations/{obligation.Id()}/breaches",
            new { occurredOn = "2025-06-03", description = "First breach." })).StatusCode);
        var other = await Letters.WorldAsync(api);

        var list = await other.Client.GetAsync($"/v1/cases/{world.CaseId}/obligations");
        var breach = await other.Client.PostAsJsonAsync($"/v1/obligations/{obligation.Id()}/breaches", new { occurredOn = "2025-06-04", description = "Foreign." });

        await ProblemAssert.IsProblemAsync(list, HttpStatusCode.NotFound, "not_found");
        await ProblemAssert.IsProblemAsync(breach, HttpStatusCode.NotFound, "not_found");
        var after = (await world.Client.GetFromJsonAsync<JsonElement>($"/v1/cases/{world.CaseId}/obligations")).EnumerateArray().Single();
        Assert.Single(after.GetProperty("breaches").EnumerateArray());
    }

    private async Task<Letters.World> DeclaredAsync()
    {
        var world = await Letters.WorldAsync(api);
        var sent = await world.SendAsync(await world.DraftAsync(), "2025-04-30T10:00:00+02:00", period: "P14D");
        await world.Client.CreatedAsync($"/v1/cases/{world.CaseId}/letters", new
        {
            direction = "incoming", type = "reply", defendantId = world.DefendantId, channel = "email", subject = "UE", inReplyTo = sent.Id,
            receivedAt = "2025-05-12T10:00:00+02:00",
            ceaseAndDesistReply = new { kind = "declaration", penalty = new { kind = "hamburger_brauch" }, acceptedAsAdequate = true },
        });
        return world;
    }

    [Fact]
    public async Task A_breach_before_the_declaration_is_a_400_naming_occurredOn()
    {
        var world = await DeclaredAsync();
        var obligation = (await world.Client.GetFromJsonAsync<JsonElement>($"/v1/cases/{world.CaseId}/obligations")).EnumerateArray().Single();

        var response = await world.Client.PostAsJsonAsync($"/v1/obligations/{obligation.Id()}/breaches", new { occurredOn = "2025-05-01", description = "Before." });

        await ProblemAssert.NamesInvalidFieldAsync(response, "occurredOn");
    }
}
