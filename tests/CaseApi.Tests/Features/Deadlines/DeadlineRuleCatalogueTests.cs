using CaseApi.Features.Deadlines;
using Npgsql;

namespace CaseApi.Tests.Features.Deadlines;

/// <summary>Issue 13 point 1: the catalogue served at GET /v1/deadline-rules, and today's deadlines on it.</summary>
public sealed class DeadlineRuleCatalogueTests(CaseApiFactory api) : IClassFixture<CaseApiFactory>
{
    [Fact]
    public async Task The_catalogue_lists_every_rule_with_its_basis_period_counting_and_whether_it_is_a_Notfrist()
    {
        var world = await Letters.WorldAsync(api);

        var catalogue = await world.Client.GetFromJsonAsync<JsonElement>("/v1/deadline-rules");

        var rules = catalogue.GetProperty("rules").EnumerateArray().ToDictionary(r => r.GetProperty("code").GetString()!);
        Assert.Equal(
            ["bgb.letter_response", "gdpr.art12_3", "gdpr.art78_2", "gdpr.art78_appeal", "uwg.urgency_window", "uwg.limitation_11", "zpo.appeal_517",
             "zpo.appeal_grounds_520_2", "zpo.enforcement_929_2", "vwgo.action_74", "vdug.register_closing_46", "gdpr_proc.admissibility", "gdpr_proc.transmission",
             "gdpr_proc.investigation", "gdpr_proc.simple_cooperation", "bgb.penalty_limitation_195", "vdug.settlement_opt_out_10",
             "caseapi.letter_delivery"],
            rules.Keys);
        Assert.All(rules.Values, rule => Assert.False(string.IsNullOrWhiteSpace(rule.GetProperty("basis").GetString())));
        // Hand-written from the statutes: ZPO § 517 "einen Monat; sie ist eine Notfrist"; § 520(2) "zwei Monate", extendable (sentences 2, 3);
        // VDuG § 46(1) "drei Wochen", "§ 193 ... findet keine Anwendung"; § 10(1) "innerhalb einer Frist von einem Monat", § 193 not excluded; GDPR Art. 12(3) "one month", Reg. 1182/71.
        Assert.Equal(("P1M", "zpo222", true, false), Shape(rules["zpo.appeal_517"]));
        Assert.Equal(("P2M", "zpo222", false, true), Shape(rules["zpo.appeal_grounds_520_2"]));
        Assert.Equal(("P3W", "no_shift", false, false), Shape(rules["vdug.register_closing_46"]));
        Assert.Equal(("P1M", "bgb", false, false), Shape(rules["vdug.settlement_opt_out_10"]));
        Assert.Equal(("P1M", "reg1182", false, true), Shape(rules["gdpr.art12_3"]));
        Assert.Equal(("P6M", "bgb", false, false), Shape(rules["uwg.limitation_11"]));
        // Reg. (EU) 2025/2518 Art. 4(2): "within two weeks of receiving that complaint"; the transmission's six weeks (Art. 4). EU-law periods
        // (Reg. 1182/71), the authority's own duty: its calendar.
        Assert.Equal(("P2W", "reg1182", false, false), Shape(rules["gdpr_proc.admissibility"]));
        Assert.Equal(("P6W", "reg1182", false, false), Shape(rules["gdpr_proc.transmission"]));
        Assert.Equal(("Reg. (EU) 2025/2518 Art. 4(2), with Art. 37", "authority"),
            (rules["gdpr_proc.admissibility"].GetProperty("basis").GetString(), rules["gdpr_proc.admissibility"].GetProperty("calendar").GetString()));
        Assert.StartsWith("Reg. (EU) 2025/2518 Art. 4", rules["gdpr_proc.transmission"].GetProperty("basis").GetString(), StringComparison.Ordinal);
        // Chapter III (Art. 36: complaints lodged after 2 April 2027): fifteen months, extendable once by at most twelve (Art. 12); twelve months in the
        // simple cooperation procedure (Art. 6(1), 12(6)), not extendable.
        Assert.Equal(("P15M", "reg1182", false, true), Shape(rules["gdpr_proc.investigation"]));
        Assert.Equal("P12M", rules["gdpr_proc.investigation"].GetProperty("maxExtension").GetString());
        Assert.Equal(("P12M", "reg1182", false, false), Shape(rules["gdpr_proc.simple_cooperation"]));
        Assert.Equal("Reg. (EU) 2025/2518 Art. 6(1), 12(6), with Art. 36", rules["gdpr_proc.simple_cooperation"].GetProperty("basis").GetString());
        // BGB § 195 "drei Jahre", from the year's end (§ 199(1)); § 193 by analogy; suspended (§ 204), not extended.
        Assert.Equal(("P3Y", "bgb", false, false), Shape(rules["bgb.penalty_limitation_195"]));
        // Issue 15: a failed e-mail delivery's alarm, the organisation's own rule without a period or a statute behind it.
        Assert.Equal((null, "no_shift", false, false), Shape(rules["caseapi.letter_delivery"]));
        Assert.StartsWith("None: the organisation's own rule", rules["caseapi.letter_delivery"].GetProperty("basis").GetString(), StringComparison.Ordinal);
        Assert.Contains(catalogue.GetProperty("urgencyPractices").EnumerateArray(),
            p => p.GetProperty("court").GetString() == "de-kg" && p.GetProperty("period").GetString() == "P2M");
    }

    // The CHECK on deadlines.rule is rewritten by each migration that adds rules (0020, 0024): one that drops another's codes fails here.
    [Fact]
    public async Task The_database_admits_every_rule_of_the_catalogue()
    {
        await using var connection = new NpgsqlConnection(api.Database.Migrations);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'deadlines_rule_check'", connection);

        var definition = (string)(await command.ExecuteScalarAsync())!;

        Assert.All(DeadlineRuleCatalogue.All, rule => Assert.Contains($"'{rule.Code}'", definition, StringComparison.Ordinal));
    }

    private static (string?, string?, bool, bool) Shape(JsonElement rule) => (rule.GetProperty("period").GetString(), rule.GetProperty("counting").GetString(),
        rule.GetProperty("notfrist").GetBoolean(), rule.GetProperty("extendable").GetBoolean());

    // Today's deadlines move onto the catalogue unchanged: P1M from Thursday 30 April 2026 is still Monday 1 June (BGB § 193 / Art. 3(4)).
    [Fact]
    public async Task A_letter_s_response_deadline_names_its_rule_and_keeps_its_date()
    {
        api.Clock.SetUtcNow(new DateTimeOffset(2026, 5, 2, 9, 0, 0, TimeSpan.Zero));
        var world = await Letters.WorldAsync(api);

        var deadline = (await world.SendAsync(await world.DraftAsync(), "2026-04-30T10:00:00+02:00", period: "P1M")).Deadline!;

        Assert.Equal("bgb.letter_response", deadline.Rule);
        Assert.Equal(DateOnly.Parse("2026-06-01"), deadline.DueDate);
    }
}
