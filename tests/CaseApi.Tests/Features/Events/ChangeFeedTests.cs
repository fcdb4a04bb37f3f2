using System.Collections.Concurrent;
using System.Diagnostics;
using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Data;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace CaseApi.Tests.Features.Events;

[Collection(RunsAlone.Name)]
public sealed class ChangeFeedTests(CaseApiFactory api) : IClassFixture<CaseApiFactory>
{
    [Fact]
    public async Task Every_change_of_a_scripted_scenario_is_in_the_feed_in_order_with_its_resource()
    {
        var world = await Letters.WorldAsync(api);
        var sent = await world.SendAsync(await world.DraftAsync(), "2025-12-01T10:00:00+01:00", "P14D");
        await world.ReplyAsync(sent.Id, "2025-12-05T10:00:00+01:00");

        var feed = await world.Client.GetFromJsonAsync<JsonElement>("/v1/events?limit=200");

        var types = feed.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("type").GetString()!).ToArray();
        Assert.Equal(["case.created", "letter.created", "deadline.created", "letter.sent", "deadline.met", "letter.received"], types);
        var letterSent = feed.GetProperty("items").EnumerateArray().Single(e => e.GetProperty("type").GetString() == "letter.sent");
        Assert.Equal(sent.Id, letterSent.GetProperty("data").GetProperty("id").GetGuid());
        Assert.Equal("sent", letterSent.GetProperty("data").GetProperty("status").GetString());
        var next = await world.Client.GetFromJsonAsync<JsonElement>($"/v1/events?after={feed.GetProperty("nextCursor").GetString()}");
        Assert.Empty(next.GetProperty("items").EnumerateArray());
        Assert.Equal(feed.GetProperty("nextCursor").GetString(), next.GetProperty("nextCursor").GetString());
    }

    [Fact]
    public async Task An_empty_after_reads_the_feed_from_the_start()
    {
        var organisation = await api.CreateOrganisationAsync();
        using var client = api.ClientFor(organisation.AdminKey);
        await client.CaseAsync();

        var feed = await client.GetFromJsonAsync<JsonElement>("/v1/events?after=");

        Assert.Equal(["case.created"], feed.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("type").GetString()));
    }

    [Fact]
    public async Task An_event_type_with_a_NUL_is_a_400_naming_types()
    {
        using var client = api.ClientFor((await api.CreateOrganisationAsync()).AdminKey);

        await ProblemAssert.NamesInvalidFieldAsync(await client.GetAsync("/v1/events?types=case%00created"), "types");
    }

    [Fact]
    public async Task An_event_whose_transaction_commits_late_is_held_back_rather_than_skipped()
    {
        var organisation = await api.CreateOrganisationAsync();
        using var client = api.ClientFor(organisation.AdminKey);
        await using var slowScope = api.Services.CreateAsyncScope();
        slowScope.ServiceProvider.GetRequiredService<CallerContext>().ActFor(organisation.Id);
        var slow = slowScope.ServiceProvider.GetRequiredService<DbSession>();
        await slow.BeginAsync(readOnly: false, CancellationToken.None);
        // The slow transaction takes its id (and writes its event) first, but commits last.
        await slow.ExecuteAsync("""
            INSERT INTO events (id, organisation_id, type, occurred_at, resource_type, resource_id)
            VALUES (gen_random_uuid(), current_organisation_id(), 'case.updated', now(), 'case', gen_random_uuid())
            """);
        await client.CaseAsync();

        var whileRunning = await client.GetFromJsonAsync<JsonElement>("/v1/events");
        await slow.CommitAsync(CancellationToken.None);
        var afterCommit = await client.GetFromJsonAsync<JsonElement>("/v1/events");

        Assert.Empty(whileRunning.GetProperty("items").EnumerateArray());
        Assert.Equal(["case.updated", "case.created"], afterCommit.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("type").GetString()));
    }

    [Fact]
    public async Task A_reader_polling_while_eight_writers_commit_for_30_seconds_sees_every_event_exactly_once()
    {
        var organisation = await api.CreateOrganisationAsync();
        using var client = api.ClientFor(organisation.AdminKey);
        var until = Stopwatch.StartNew();
        var writers = Enumerable.Range(0, 8).Select(async writer =>
        {
            var written = 0;
            while (until.Elapsed < TimeSpan.FromSeconds(30))
            {
                await client.CaseAsync($"W{writer}-{written++}");
            }
        }).ToArray();
        var seen = new ConcurrentBag<Guid>();
        string? cursor = null;

        async Task PollAsync()
        {
            var page = await client.GetFromJsonAsync<JsonElement>($"/v1/events?limit=200{(cursor is null ? "" : $"&after={cursor}")}");
            foreach (var item in page.GetProperty("items").EnumerateArray())
            {
                seen.Add(item.Id());
            }

            cursor = page.GetProperty("nextCursor").GetString();
        }

        while (!writers.All(w => w.IsCompleted))
        {
            await PollAsync();
        }

        await Task.WhenAll(writers);
        for (var i = 0; i < 5; i++)
        {
            await PollAsync();
        }

        await using var superUser = await api.OpenAsSuperUserAsync();
        var committed = (await superUser.QueryAsync<Guid>("SELECT id FROM events WHERE organisation_id = @Id", new { organisation.Id })).ToHashSet();
        Assert.True(committed.Count > 100, $"only {committed.Count} events were written");
        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.True(committed.SetEquals(seen), $"committed {committed.Count}, seen {seen.Count}, missing {committed.Except(seen).Count()}");
    }
}
