using System.Globalization;
using System.Text.RegularExpressions;
using CaseApi.Features.Cases;
using CaseApi.Features.Complaints;
using CaseApi.Features.Correspondence;
using CaseApi.Features.Deadlines;
using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace CaseApi.Tests.Infrastructure;

/// <summary>
/// With 100,000 cases, 300,000 complaints, 200,000 letters and their deadlines in one organisation, every list query and filter
/// runs on an index, on the plan PostgreSQL runs it on: a generic plan where the list asks for one (migration 0047).
/// The plans are printed: <c>dotnet test --filter ListQueryPlanTests --logger "console;verbosity=detailed"</c>.
/// </summary>
public sealed class ListQueryPlanTests(ListQueryPlanTests.LargeOrganisation data, ITestOutputHelper output) : IClassFixture<ListQueryPlanTests.LargeOrganisation>
{
    public sealed class LargeOrganisation : CaseApiFactory
    {
        public const int Cases = 100_000;
        public const int ComplaintsPerCase = 3;
        public const int LettersPerCase = 2;

        /// <summary>A sending time in the last tenth of the letters' ten years (2015–2024): about one letter in ten is sent after it.</summary>
        public const string RecentSentAfter = "2024-01-01T00:00:00Z";

        /// <summary>A sending time a week before the last letter: a few hundred of 200,000 are sent after it.</summary>
        public const string LastWeekSentAfter = "2024-12-20T00:00:00Z";

        public TestOrganisation Organisation { get; private set; } = null!;

        public Guid SomeDefendantId { get; private set; }

        protected override async Task ArrangeAsync()
        {
            Organisation = await CreateOrganisationAsync("Large organisation");
            await CreateOrganisationAsync("Neighbour");
            await using var superUser = await OpenAsSuperUserAsync();
            // Written with the triggers off, as the load benchmark writes its data set, and the cases' counters and defendant ids
            // recounted after: the counters' and the defendant ids' triggers made this one transaction run for over a minute,
            // and the change feed holds back every event while a transaction older than it runs anywhere in the cluster, so
            // that tests in other classes waiting for their events timed out.
            await superUser.ExecuteAsync("""
                SET session_replication_role = replica;

                INSERT INTO defendants (id, organisation_id, legal_name, created_at, updated_at)
                SELECT gen_random_uuid(), @org, 'Defendant ' || g, now(), now() FROM generate_series(1, 500) g;

                INSERT INTO cases (id, organisation_id, reference, title, summary, status, outcome, tags, opened_on, closed_on, created_at, updated_at)
                SELECT gen_random_uuid(), @org, 'REF-' || g, 'Case ' || g || ' about ' || (ARRAY['cookies','tracking','ai training','dark patterns'])[1 + g % 4],
                       'Summary ' || md5(g::text),
                       (ARRAY['open','open','open','on_hold','closed'])[1 + g % 5],
                       CASE WHEN g % 5 = 4 THEN 'settled' END,
                       ARRAY[(ARRAY['cookies','tracking','ai','consent','meta','google','tiktok','amazon'])[1 + g % 8]],
                       date '2015-01-01' + (g % 3650),
                       CASE WHEN g % 5 = 4 THEN date '2025-01-01' END,
                       now() - g * interval '1 minute', now() - g * interval '1 minute'
                FROM generate_series(1, @cases) g;

                INSERT INTO case_defendants (organisation_id, case_id, defendant_id)
                SELECT c.organisation_id, c.id, d.id
                FROM (SELECT id, organisation_id, row_number() OVER () AS n FROM cases WHERE organisation_id = @org) c
                JOIN (SELECT id, row_number() OVER () AS n FROM defendants WHERE organisation_id = @org) d ON d.n = 1 + c.n % 500;

                INSERT INTO complaints (id, organisation_id, case_id, defendant_id, dpa_id, on_behalf_of, filed_on, status, created_at, updated_at)
                SELECT gen_random_uuid(), cd.organisation_id, cd.case_id, cd.defendant_id,
                       (SELECT id FROM dpas ORDER BY code OFFSET (abs(hashtext(cd.case_id::text || k)) % 50) LIMIT 1),
                       'organisation', date '2024-06-06',
                       (ARRAY['filed','acknowledged','under_investigation','withdrawn','closed','filed'])[1 + abs(hashtext(cd.case_id::text || k)) % 6],
                       now(), now()
                FROM case_defendants cd CROSS JOIN generate_series(1, @perCase) k
                WHERE cd.organisation_id = @org;

                -- A letter out to the case's defendant (one in a hundred still a draft) and one in; one in four with an authority instead.
                INSERT INTO letters (id, organisation_id, case_id, direction, type, defendant_id, dpa_id, channel, subject, status, sent_at, received_at, created_at, updated_at)
                SELECT gen_random_uuid(), cd.organisation_id, cd.case_id,
                       CASE WHEN k = 1 THEN 'outgoing' ELSE 'incoming' END,
                       CASE WHEN k = 1 THEN 'cease_and_desist' ELSE 'reply' END,
                       CASE WHEN h % 4 <> 0 THEN cd.defendant_id END,
                       dpa.id,
                       'email', 'Letter ' || k,
                       CASE WHEN k = 2 THEN 'received' WHEN h % 100 = 0 THEN 'draft' ELSE 'sent' END,
                       CASE WHEN k = 1 AND h % 100 <> 0 THEN timestamptz '2015-01-01T00:00:00Z' + (h % 3650) * interval '1 day' END,
                       CASE WHEN k = 2 THEN timestamptz '2015-01-01T00:00:00Z' + (h % 3650) * interval '1 day' END,
                       now(), now()
                FROM case_defendants cd
                CROSS JOIN generate_series(1, @lettersPerCase) k
                CROSS JOIN LATERAL (SELECT abs(hashtext(cd.case_id::text || 'letter' || k)) AS h) x
                LEFT JOIN (SELECT id, row_number() OVER (ORDER BY code) - 1 AS n FROM dpas) dpa ON x.h % 4 = 0 AND dpa.n = x.h % 50
                WHERE cd.organisation_id = @org;

                -- A response deadline for every letter sent: open, met or missed as its hash says, due over the letters' ten years.
                INSERT INTO deadlines (id, organisation_id, case_id, kind, rule, letter_id, defendant_id, dpa_id, starts_on, period, due_date, due_at,
                    computation, status, met_at, missed_at, created_at, updated_at)
                SELECT gen_random_uuid(), l.organisation_id, l.case_id, 'response', 'bgb.letter_response', l.id, l.defendant_id, l.dpa_id,
                       l.sent_at::date, 'P14D', l.sent_at::date + 14, l.sent_at + interval '15 days', 'Test data.', s.status,
                       CASE WHEN s.status = 'met' THEN l.sent_at + interval '7 days' END, CASE WHEN s.status = 'missed' THEN l.sent_at + interval '15 days' END,
                       now(), now()
                FROM letters l
                CROSS JOIN LATERAL (SELECT (ARRAY['open','met','met','missed'])[1 + abs(hashtext(l.id::text)) % 4] AS status) s
                WHERE l.organisation_id = @org AND l.status = 'sent';

                RESET session_replication_role;
                SELECT recount_case_counters();
                ANALYZE;
                """, new { org = Organisation.Id, cases = Cases, perCase = ComplaintsPerCase, lettersPerCase = LettersPerCase }, commandTimeout: 600);
            SomeDefendantId = await superUser.QuerySingleAsync<Guid>("SELECT defendant_id FROM case_defendants WHERE organisation_id = @org LIMIT 1", new { org = Organisation.Id });
        }
    }

    public static TheoryData<string> CaseListings => new()
    {
        "sort=-openedOn", "sort=openedOn", "sort=reference", "sort=-updatedAt", "status=closed", "status=open&sort=reference",
        "tag=tiktok", "q=tracking", "defendantId", "q=cookies&status=on_hold",
    };

    public static TheoryData<string> DeadlineListings => new()
    {
        "", "cursor", "status=open", "status=missed&cursor", "caseId", "status=open&caseId", $"dueBefore={LargeOrganisation.RecentSentAfter}",
        $"dueAfter={LargeOrganisation.LastWeekSentAfter}", $"status=met&dueAfter={LargeOrganisation.RecentSentAfter}",
    };

    public static TheoryData<string> ComplaintListings => new() { "", "caseId", "status=withdrawn", "dpaId", "defendantId", "status=closed&dpaId" };

    public static TheoryData<string> LetterListings => new()
    {
        "", "cursor", "direction=incoming", "direction=outgoing", "status=draft", "status=received", "defendantId", "dpaId",
        $"sentAfter={LargeOrganisation.RecentSentAfter}", $"sentAfter={LargeOrganisation.LastWeekSentAfter}", "status=sent&defendantId", $"direction=outgoing&dpaId&sentAfter={LargeOrganisation.RecentSentAfter}",
    };

    [Theory]
    [MemberData(nameof(CaseListings))]
    public async Task Case_lists_use_indexes(string listing)
    {
        var query = new ListCases.Query(50, null, Value(listing, "sort") ?? ListCases.DefaultSort,
            Value(listing, "status"),
            Value(listing, "tag"), listing.Contains("defendantId", StringComparison.Ordinal) ? data.SomeDefendantId : null, Value(listing, "q"));

        var plan = await ExplainAsync(ListCases.Sql(query), ListCases.Parameters(query), ListCases.GenericPlanFits(query));

        AssertUsesIndexes(plan, "cases", "case_defendants");
    }

    [Theory]
    [MemberData(nameof(DeadlineListings))]
    public async Task Deadline_lists_use_indexes_on_their_generic_plans(string listing)
    {
        await using var superUser = await data.OpenAsSuperUserAsync();
        var sample = await superUser.QuerySingleAsync<(Guid Id, Guid CaseId, DateTimeOffset DueAt)>(
            "SELECT id, case_id, due_at FROM deadlines WHERE organisation_id = @Id ORDER BY due_at, id OFFSET 1000 LIMIT 1", new { data.Organisation.Id });
        var query = new ListDeadlines.Query(50,
            listing.Contains("cursor", StringComparison.Ordinal) ? Cursor.Encode(new ListDeadlines.Key(sample.DueAt, sample.Id)) : null,
            Value(listing, "status"), Instant(listing, "dueBefore"), Instant(listing, "dueAfter"),
            listing.Contains("caseId", StringComparison.Ordinal) ? sample.CaseId : null);

        var plan = await ExplainAsync(ListDeadlines.Sql(query), ListDeadlines.Parameters(query), genericPlan: true);

        AssertUsesIndexes(plan, "deadlines");
        var discarded = Regex.Matches(plan, @"Rows Removed by Filter: (\d+)").Sum(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
        Assert.True(discarded <= 5_000, $"{listing}: the plan read and discarded {discarded} deadlines for a page of 50");
    }

    [Theory]
    [MemberData(nameof(ComplaintListings))]
    public async Task Complaint_lists_use_indexes(string listing)
    {
        await using var superUser = await data.OpenAsSuperUserAsync();
        var sample = await superUser.QuerySingleAsync<(Guid CaseId, Guid DpaId)>(
            "SELECT case_id, dpa_id FROM complaints WHERE organisation_id = @Id LIMIT 1", new { data.Organisation.Id });
        var query = new ListComplaints.Query(50, null,
            listing.Contains("caseId", StringComparison.Ordinal) ? sample.CaseId : null,
            Value(listing, "status"),
            listing.Contains("dpaId", StringComparison.Ordinal) ? sample.DpaId : null,
            listing.Contains("defendantId", StringComparison.Ordinal) ? data.SomeDefendantId : null);

        var plan = await ExplainAsync(ListComplaints.Sql(query), ListComplaints.Parameters(query), genericPlan: true);

        AssertUsesIndexes(plan, "complaints");
    }

    [Theory]
    [MemberData(nameof(LetterListings))]
    public async Task Letter_lists_use_indexes(string listing)
    {
        await using var superUser = await data.OpenAsSuperUserAsync();
        var sample = await superUser.QuerySingleAsync<(Guid Id, Guid DpaId)>(
            "SELECT id, dpa_id FROM letters WHERE organisation_id = @Id AND dpa_id IS NOT NULL ORDER BY id OFFSET 1000 LIMIT 1", new { data.Organisation.Id });
        var query = new ListLetters.Query(50,
            listing.Contains("cursor", StringComparison.Ordinal) ? Cursor.Encode(sample.Id) : null,
            Value(listing, "direction"), Value(listing, "status"),
            listing.Contains("defendantId", StringComparison.Ordinal) ? data.SomeDefendantId : null,
            listing.Contains("dpaId", StringComparison.Ordinal) ? sample.DpaId : null,
            Value(listing, "sentAfter"));

        var plan = await ExplainAsync(ListLetters.Sql, ListLetters.Parameters(query));

        AssertUsesIndexes(plan, "letters");
        // An index that merely yields rows in id order is no help to a filter that keeps one letter in 200: the scan would
        // read tens of thousands to fill a page. Each filter's own index (migration 0029) keeps the waste near zero.
        var discarded = Regex.Matches(plan, @"Rows Removed by Filter: (\d+)").Sum(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
        Assert.True(discarded <= 5_000, $"{listing}: the plan read and discarded {discarded} letters for a page of 50");
    }

    [Fact]
    public async Task A_page_of_cases_reads_its_defendants_names_on_indexes()
    {
        await using var superUser = await data.OpenAsSuperUserAsync();
        var page = (await superUser.QueryAsync<Guid>("SELECT id FROM cases WHERE organisation_id = @Id ORDER BY opened_on DESC, id DESC LIMIT 200", new { data.Organisation.Id })).ToArray();

        var plan = await ExplainAsync(CaseExpansion.DefendantsSql, new { ids = page });

        // What grows with the data is the case_defendants read; the organisation's 500 defendants the planner may rightly hash whole.
        AssertUsesIndexes(plan, "case_defendants");
    }

    [Fact]
    public async Task The_data_set_is_the_size_the_claim_is_about()
    {
        await using var superUser = await data.OpenAsSuperUserAsync();
        var (cases, complaints, letters) = await superUser.QuerySingleAsync<(long, long, long)>(
            "SELECT (SELECT count(*) FROM cases WHERE organisation_id = @Id), (SELECT count(*) FROM complaints WHERE organisation_id = @Id), (SELECT count(*) FROM letters WHERE organisation_id = @Id)",
            new { data.Organisation.Id });

        Assert.Equal(LargeOrganisation.Cases, cases);
        Assert.Equal(LargeOrganisation.Cases * LargeOrganisation.ComplaintsPerCase, complaints);
        Assert.Equal(LargeOrganisation.Cases * LargeOrganisation.LettersPerCase, letters);
    }

    /// <summary>
    /// The plan the API runs <paramref name="sql"/> on. A statement with parameters is planned with their values (a custom
    /// plan), unless it asks for the generic plan: then, as PostgreSQL 15 has no EXPLAIN (GENERIC_PLAN), it is prepared with
    /// its parameters numbered and executed with the values as literals under plan_cache_mode = force_generic_plan.
    /// </summary>
    private async Task<string> ExplainAsync(string sql, object parameters, bool genericPlan = false)
    {
        string plan;
        if (genericPlan)
        {
            await using var superUser = await data.OpenAsSuperUserAsync();
            var (prepared, types, values) = Numbered(sql, parameters);
            await superUser.ExecuteAsync($"""
                SET ROLE {DatabaseBootstrap.ApplicationRole};
                SELECT set_config('caseapi.organisation_id', '{data.Organisation.Id}', false);
                SET plan_cache_mode = force_generic_plan;
                PREPARE listing ({string.Join(", ", types)}) AS {prepared};
                """);
            var explained = await superUser.QueryAsync<string>($"EXPLAIN (ANALYZE, BUFFERS OFF, COSTS OFF) EXECUTE listing ({string.Join(", ", values)})");
            plan = string.Join('\n', explained);
        }
        else
        {
            await using var scope = data.Services.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<CallerContext>().ActFor(data.Organisation.Id);
            var db = scope.ServiceProvider.GetRequiredService<DbSession>();
            await db.BeginAsync(readOnly: true, CancellationToken.None);
            plan = string.Join('\n', await db.QueryAsync<string>($"EXPLAIN (ANALYZE, BUFFERS OFF, COSTS OFF) {sql}", parameters));
        }

        output.WriteLine(plan);
        return plan;
    }

    /// <summary>The statement with its <c>@name</c> parameters as <c>$1</c>, <c>$2</c>…, their types, and their values as SQL literals.</summary>
    private static (string Sql, string[] Types, string[] Values) Numbered(string sql, object parameters)
    {
        var properties = parameters.GetType().GetProperties().ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
        var names = Regex.Matches(sql, @"(?<!:)@(\w+)").Select(m => m.Groups[1].Value).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        var numbered = Regex.Replace(sql, @"(?<!:)@(\w+)",
            m => $"${Array.FindIndex(names, n => string.Equals(n, m.Groups[1].Value, StringComparison.OrdinalIgnoreCase)) + 1}");
        var types = names.Select(n => (Nullable.GetUnderlyingType(properties[n].PropertyType) ?? properties[n].PropertyType) switch
        {
            var t when t == typeof(Guid) => "uuid",
            var t when t == typeof(int) => "integer",
            var t when t == typeof(DateTimeOffset) => "timestamptz",
            var t when t == typeof(DateOnly) => "date",
            _ => "text",
        }).ToArray();
        var values = names.Select(n => properties[n].GetValue(parameters) switch
        {
            null => "NULL",
            int number => number.ToString(CultureInfo.InvariantCulture),
            DateTimeOffset instant => $"'{instant.UtcDateTime:O}'",
            var value => $"'{Convert.ToString(value, CultureInfo.InvariantCulture)!.Replace("'", "''", StringComparison.Ordinal)}'",
        }).ToArray();
        return (numbered, types, values);
    }

    private static DateTimeOffset? Instant(string listing, string name) =>
        Value(listing, name) is { } value ? DateTimeOffset.Parse(value, CultureInfo.InvariantCulture) : null;

    private static void AssertUsesIndexes(string plan, params string[] tables)
    {
        Assert.Contains("Index", plan, StringComparison.Ordinal);
        foreach (var table in tables)
        {
            Assert.DoesNotContain($"Seq Scan on {table}", plan, StringComparison.Ordinal);
        }
    }

    private static string? Value(string listing, string name) =>
        listing.Split('&').Select(part => part.Split('=')).Where(kv => kv.Length == 2 && kv[0] == name).Select(kv => kv[1]).FirstOrDefault();
}
