using CaseApi.Features.Cases;
using CaseApi.Features.Timeline;
using CaseApi.Infrastructure.Json;
using Dapper;

namespace CaseApi.Tests.Features.Cases;

public sealed class CaseTests(CaseApiFactory api) : IClassFixture<CaseApiFactory>
{
    [Fact]
    public async Task Opening_a_case_returns_201_with_its_location_etag_and_timeline_entry()
    {
        using var client = api.ClientFor((await api.CreateOrganisationAsync()).AdminKey);
        var meta = await client.DefendantAsync();

        var response = await client.PostAsJsonAsync("/v1/cases", new { reference = "VZ-2025-0142", title = "Meta AI training", defendantIds = new[] { meta.Id() } });

        var created = await response.ReadAsync<CaseDto>(HttpStatusCode.Created);
        Assert.Equal($"/v1/cases/{created.Id}", response.Headers.Location?.OriginalString);
        Assert.Equal("\"1\"", response.Headers.ETag?.Tag);
        Assert.Equal(CaseStatus.Open, created.Status);
        Assert.Equal([meta.Id()], created.DefendantIds);
        Assert.Equal(DateOnly.Parse("2025-04-30"), created.OpenedOn);
        var opened = (await client.ItemsAsync<GetCaseTimeline.TimelineEntryDto>($"/v1/cases/{created.Id}/timeline")).Single();
        Assert.Equal("case.opened", opened.Kind);
        Assert.NotNull(opened.ApiKeyId);
    }

    [Fact]
    public async Task A_cases_defendants_read_back_in_id_order_after_they_are_replaced_on_the_case_and_in_the_list()
    {
        using var client = api.ClientFor((await api.CreateOrganisationAsync()).AdminKey);
        var meta = await client.DefendantAsync();
        var google = await client.DefendantAsync("Google Ireland Limited");
        var tiktok = await client.DefendantAsync("TikTok Technology Limited");
        var opened = await client.CreatedAsync("/v1/cases", new { reference = "D-1", title = "Platforms", defendantIds = new[] { meta.Id(), google.Id() } });
        var path = $"/v1/cases/{opened.Id()}";

        var removed = await client.SendWithIfMatchAsync(HttpMethod.Patch, path, new { defendantIds = new[] { google.Id() } }, 1);
        var patched = await client.SendWithIfMatchAsync(HttpMethod.Patch, path, new { defendantIds = new[] { tiktok.Id(), google.Id() } }, 2);

        // Since migration 0042 the ids are a column of the case, kept by triggers on case_defendants: the one removed must go (a change
        // that only removes), the one added come.
        Assert.Equal([google.Id()], (await removed.ReadAsync<CaseDto>()).DefendantIds);
        Guid[] expected = [.. new[] { google.Id(), tiktok.Id() }.Order()];
        Assert.Equal(expected, (await patched.ReadAsync<CaseDto>()).DefendantIds);
        Assert.Equal(expected, (await client.GetAsync<CaseDto>(path)).DefendantIds);
        Assert.Equal(expected, (await client.ItemsAsync<CaseDto>("/v1/cases")).Single().DefendantIds);
    }

    [Fact]
    public async Task A_reference_is_unique_within_an_organisation_but_not_across_them()
    {
        using var first = api.ClientFor((await api.CreateOrganisationAsync()).AdminKey);
        using var second = api.ClientFor((await api.CreateOrganisationAsync("Other")).AdminKey);
        await first.CaseAsync("SAME-1");

        await ProblemAssert.IsProblemAsync(await first.PostAsJsonAsync("/v1/cases", new { reference = "SAME-1", title = "Again" }), HttpStatusCode.Conflict, "duplicate");
        await second.CaseAsync("SAME-1");
    }

    [Fact]
    public async Task A_case_cannot_name_another_organisations_defendant_and_nothing_is_written()
    {
        using var mine = api.ClientFor((await api.CreateOrganisationAsync()).AdminKey);
        using var theirs = api.ClientFor((await api.CreateOrganisationAsync("Other")).AdminKey);
        var foreign = await theirs.DefendantAsync();

        var response = await mine.PostAsJsonAsync("/v1/cases", new { reference = "X-1", title = "Borrowed defendant", defendantIds = new[] { foreign.Id() } });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.UnprocessableEntity, "unknown_reference");
        Assert.Empty(await mine.ItemsAsync<CaseDto>("/v1/cases"));
    }

    [Fact]
    public async Task Patching_without_If_Match_is_428_and_with_a_stale_one_412()
    {
        using var client = api.ClientFor((await api.CreateOrganisationAsync()).AdminKey);
        var created = await client.CaseAsync();
        var path = $"/v1/cases/{created.Id()}";

        await ProblemAssert.IsProblemAsync(await client.SendWithIfMatchAsync(HttpMethod.Patch, path, new { title = "x" }, null), HttpStatusCode.PreconditionRequired, "precondition_required");
        var first = await client.SendWithIfMatchAsync(HttpMethod.Patch, path, new { title = "First edit" }, 1);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var stale = await client.SendWithIfMatchAsync(HttpMethod.Patch, path, new { title = "Lost update" }, 1);

        await ProblemAssert.IsProblemAsync(stale, HttpStatusCode.PreconditionFailed, "precondition_failed");
        var current = await client.GetAsync(path);
        Assert.Equal("\"2\"", current.Headers.ETag?.Tag);
        Assert.Equal("First edit", (await current.ReadAsync<CaseDto>()).Title);
    }

    [Fact]
    public async Task Closing_needs_an_outcome_and_is_on_the_timeline()
    {
        using var client = api.ClientFor((await api.CreateOrganisationAsync()).AdminKey);
        var created = await client.CaseAsync();
        var path = $"/v1/cases/{created.Id()}";

        var withoutOutcome = await client.SendWithIfMatchAsync(HttpMethod.Patch, path, new { status = "closed" }, 1);
        var problem = await ProblemAssert.IsProblemAsync(withoutOutcome, HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("outcome", out _));

        var closed = await client.SendWithIfMatchAsync(HttpMethod.Patch, path, new { status = "closed", outcome = "Meta paused the training." }, 1);
        var body = await closed.ReadAsync<CaseDto>();
        Assert.Equal(CaseStatus.Closed, body.Status);
        Assert.Equal(DateOnly.Parse("2025-04-30"), body.ClosedOn);
        Assert.Equal(["case.opened", "case.closed"], (await client.ItemsAsync<GetCaseTimeline.TimelineEntryDto>($"{path}/timeline")).Select(e => e.Kind));
    }

    [Fact]
    public async Task Cases_are_filtered_searched_sorted_and_paged()
    {
        using var client = api.ClientFor((await api.CreateOrganisationAsync()).AdminKey);
        var meta = await client.DefendantAsync();
        var alpha = await client.CreatedAsync("/v1/cases", new { reference = "A-1", title = "Cookie banners", tags = new[] { "cookies" }, openedOn = "2025-01-10" });
        var beta = await client.CreatedAsync("/v1/cases", new { reference = "B-2", title = "Training AI on posts", defendantIds = new[] { meta.Id() }, openedOn = "2025-04-30" });
        var gamma = await client.CreatedAsync("/v1/cases", new { reference = "C-3", title = "Dark patterns", summary = "Consent for AI", openedOn = "2025-03-01" });

        async Task<Guid[]> Ids(string query) => (await client.ItemsAsync<CaseDto>($"/v1/cases?{query}")).Select(c => c.Id).ToArray();

        Assert.Equal([beta.Id(), gamma.Id(), alpha.Id()], await Ids(""));
        Assert.Equal([alpha.Id(), beta.Id(), gamma.Id()], await Ids("sort=reference"));
        Assert.Equal([alpha.Id()], await Ids("tag=cookies"));
        Assert.Equal([beta.Id()], await Ids($"defendantId={meta.Id()}"));
        Assert.Equal([beta.Id(), gamma.Id()], await Ids("q=AI"));
        Assert.Empty(await Ids("status=closed"));
        Assert.Equal(3, (await Ids("status=open")).Length);
        Assert.Empty(await Ids("status=on_hold"));
        var badStatus = await ProblemAssert.IsProblemAsync(await client.GetAsync("/v1/cases?status=sleeping"), HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(badStatus.GetProperty("errors").TryGetProperty("status", out _));

        var seen = new List<Guid>();
        string? cursor = null;
        do
        {
            var page = await client.GetAsync<Page<CaseDto>>($"/v1/cases?sort=openedOn&limit=1{(cursor is null ? "" : $"&cursor={cursor}")}");
            seen.AddRange(page.Items.Select(c => c.Id));
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        Assert.Equal([alpha.Id(), gamma.Id(), beta.Id()], seen);
        await ProblemAssert.IsProblemAsync(await client.GetAsync("/v1/cases?sort=title"), HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task A_cursor_from_one_sort_order_is_refused_in_another()
    {
        using var client = api.ClientFor((await api.CreateOrganisationAsync()).AdminKey);
        await client.CaseAsync();
        await client.CaseAsync();
        var cursor = (await client.GetAsync<Page<CaseDto>>("/v1/cases?sort=reference&limit=1")).NextCursor;

        await ProblemAssert.IsProblemAsync(await client.GetAsync($"/v1/cases?sort=openedOn&cursor={cursor}"), HttpStatusCode.BadRequest, "validation_failed");
    }

    [Theory]
    [InlineData("""{"Sort":"-openedOn","Value":"not a date","Id":"0196a1d0-0000-7000-8000-000000000000"}""")]
    [InlineData("""{"Sort":"-updatedAt","Value":"2025-02-30","Id":"0196a1d0-0000-7000-8000-000000000000"}""")]
    [InlineData("""{"Sort":"-openedOn","Value":"2025-01-01\u0000","Id":"0196a1d0-0000-7000-8000-000000000000"}""")]
    public async Task A_forged_cursor_is_a_400_naming_cursor(string json)
    {
        using var client = api.ClientFor((await api.CreateOrganisationAsync()).AdminKey);
        var sort = JsonDocument.Parse(json).RootElement.GetProperty("Sort").GetString();
        var cursor = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

        await ProblemAssert.NamesInvalidFieldAsync(await client.GetAsync($"/v1/cases?sort={sort}&cursor={cursor}"), "cursor");
    }

    [Fact]
    public async Task An_empty_cursor_reads_the_first_page()
    {
        using var client = api.ClientFor((await api.CreateOrganisationAsync()).AdminKey);
        var only = await client.CaseAsync();

        var page = await client.ItemsAsync<CaseDto>("/v1/cases?cursor=");

        Assert.Equal([only.Id()], page.Select(c => c.Id));
    }

    [Fact]
    public async Task The_timeline_is_append_only_even_for_the_table_owner()
    {
        using var client = api.ClientFor((await api.CreateOrganisationAsync()).AdminKey);
        await client.CaseAsync();
        await using var owner = new Npgsql.NpgsqlConnection(api.Database.Migrations);
        await owner.OpenAsync();
        await using var superUser = await api.OpenAsSuperUserAsync();

        var update = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => superUser.ExecuteAsync("UPDATE timeline_entries SET summary = 'rewritten'"));
        var delete = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => superUser.ExecuteAsync("DELETE FROM timeline_entries"));
        var truncate = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => owner.ExecuteAsync("TRUNCATE timeline_entries"));

        Assert.All([update, delete, truncate], e => Assert.Equal(Npgsql.PostgresErrorCodes.InsufficientPrivilege, e.SqlState));
        Assert.True(await superUser.QuerySingleAsync<long>("SELECT count(*) FROM timeline_entries") > 0);
    }
}
