using System.Diagnostics;
using CaseApi.Features.LetterTemplates;
using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Http;
using Dapper;
using FluentValidation;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CaseApi.Tests.Features.LetterTemplates;

/// <summary>
/// Issue 11: one template grew the process to 23 GB. Saving one, drafting a letter from one saved before the limits, and a
/// job drafting from one each fail within a second and with the process's memory growing by less than 50 MB.
/// Runs alone: memory is measured for the whole process, which parallel classes would share.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class HostileTemplateTests(CaseApiFactory api) : IClassFixture<CaseApiFactory>
{
    private const string BillionRange = "{% for x in (1..1000000000) %}a{% endfor %}";

    // 22 doublings: 4 MiB of body, four times what a request may carry.
    private static readonly string Doubling = "{% assign s = 'a' %}" + string.Concat(Enumerable.Repeat("{% assign s = s | append: s %}", 22)) + "{{ s }}";

    // 201 characters a thousand times: one more than a letter's 200,000 for every line.
    private static readonly string TooLongABody = "{% for i in (1..1000) %}" + new string('x', 201) + "{% endfor %}";

    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);
    private const long FiftyMegabytes = 50L << 20;

    [Fact]
    public async Task Saving_a_loop_over_a_billion_numbers_is_a_400_naming_the_body_within_a_second_and_50_MB()
    {
        using var client = await WarmedUpClientAsync();

        var (response, elapsed, allocated, grown) = await MeasureAsync(() => client.PostAsJsonAsync("/v1/letter-templates", Template("Billion", BillionRange)));

        var problem = await ProblemAssert.NamesInvalidFieldAsync(response, "body");
        Assert.Contains("The range (1..1000000000) counts 1000000000 numbers", problem.GetProperty("errors").GetProperty("body")[0].GetString(), StringComparison.Ordinal);
        AssertBounded(elapsed, allocated, grown);
    }

    [Fact]
    public async Task Saving_a_value_doubled_22_times_is_a_400_naming_the_body_within_a_second_and_50_MB()
    {
        using var client = await WarmedUpClientAsync();

        var (response, elapsed, allocated, grown) = await MeasureAsync(() => client.PostAsJsonAsync("/v1/letter-templates", Template("Doubling", Doubling)));

        var problem = await ProblemAssert.NamesInvalidFieldAsync(response, "body");
        Assert.Contains("500,000 characters", problem.GetProperty("errors").GetProperty("body")[0].GetString(), StringComparison.Ordinal);
        AssertBounded(elapsed, allocated, grown);
    }

    [Fact]
    public async Task Drafting_a_letter_from_a_hostile_template_saved_before_the_limits_is_a_422_within_a_second_and_50_MB()
    {
        var world = await Letters.WorldAsync(api);
        var range = await StoreUncheckedAsync(world, BillionRange);
        var doubling = await StoreUncheckedAsync(world, Doubling);
        await DraftAsync(world, BuiltInLetterTemplates.ReminderDe.Id);

        foreach (var template in new[] { range, doubling })
        {
            var (response, elapsed, allocated, grown) = await MeasureAsync(() => DraftAsync(world, template));

            await ProblemAssert.IsProblemAsync(response, HttpStatusCode.UnprocessableEntity, "letter_template_failed");
            AssertBounded(elapsed, allocated, grown);
        }
    }

    [Fact]
    public async Task Drafting_a_body_longer_than_a_letter_may_be_is_a_400_naming_the_body()
    {
        var world = await Letters.WorldAsync(api);
        var template = await StoreUncheckedAsync(world, TooLongABody);

        var response = await DraftAsync(world, template);

        var problem = await ProblemAssert.NamesInvalidFieldAsync(response, "body");
        Assert.Contains("of more than 200,000 characters", problem.GetProperty("errors").GetProperty("body")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_job_drafting_from_a_hostile_template_fails_within_a_second_and_50_MB()
    {
        var world = await Letters.WorldAsync(api);
        var input = new TemplateInput(world.CaseId, world.DefendantId, null, null);
        var templates = new[] { await StoreUncheckedAsync(world, BillionRange), await StoreUncheckedAsync(world, Doubling), await StoreUncheckedAsync(world, TooLongABody) };
        await RenderAsAJobAsync(world, renderer => renderer.RenderAsync(BuiltInLetterTemplates.ReminderEn.Id, input, CancellationToken.None));

        var failures = new List<Exception>();
        foreach (var template in templates)
        {
            var (failure, elapsed, allocated, grown) = await MeasureAsync(() =>
                Assert.ThrowsAnyAsync<Exception>(() => RenderAsAJobAsync(world, renderer => renderer.RenderAsync(template, input, CancellationToken.None))));
            failures.Add(failure);
            AssertBounded(elapsed, allocated, grown);
        }

        Assert.Equal(422, Assert.IsType<ApiProblemException>(failures[0]).Status);
        Assert.Equal(422, Assert.IsType<ApiProblemException>(failures[1]).Status);
        Assert.Equal("body", Assert.Single(Assert.IsType<ValidationException>(failures[2]).Errors).PropertyName);
    }

    [Fact]
    public async Task The_database_refuses_a_letter_body_longer_than_the_maximum()
    {
        var world = await Letters.WorldAsync(api);
        var letter = (await world.DraftAsync()).Id;
        await using var superUser = await api.OpenAsSuperUserAsync();

        await superUser.ExecuteAsync("UPDATE letters SET body = repeat('x', 200000) WHERE id = @letter", new { letter });
        var refused = await Assert.ThrowsAsync<PostgresException>(() =>
            superUser.ExecuteAsync("UPDATE letters SET body = repeat('x', 200001) WHERE id = @letter", new { letter }));

        Assert.Equal(PostgresErrorCodes.CheckViolation, refused.SqlState);
        Assert.Equal("letters_body_length", refused.ConstraintName);
    }

    private static object Template(string name, string body) => new { name, letterType = "other", language = "de", subject = "Betreff", body };

    /// <summary>The first request of a host JITs and caches far more than a template: that is not what is measured.</summary>
    private async Task<HttpClient> WarmedUpClientAsync()
    {
        var client = api.ClientFor((await api.CreateOrganisationAsync()).AdminKey);
        await client.CreatedAsync("/v1/letter-templates", Template($"Warm-up {Guid.NewGuid()}", "{% for x in (1..3) %}{{ case.title | append: x }}{% endfor %}"));
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsJsonAsync("/v1/letter-templates", Template("Broken", "{{ x | nope }}"))).StatusCode);
        return client;
    }

    /// <summary>A template as one saved before templates were checked against the limits: straight into the table.</summary>
    private async Task<Guid> StoreUncheckedAsync(Letters.World world, string body)
    {
        var organisationId = (await world.Client.GetFromJsonAsync<JsonElement>("/v1/organisation")).Id();
        var id = Guid.NewGuid();
        await using var superUser = await api.OpenAsSuperUserAsync();
        await superUser.ExecuteAsync("""
            INSERT INTO letter_templates (id, organisation_id, name, letter_type, language, subject, body, created_at, updated_at)
            VALUES (@id, @organisationId, @name, 'other', 'de', 'Betreff', @body, now(), now())
            """, new { id, organisationId, name = id.ToString(), body });
        return id;
    }

    private static Task<HttpResponseMessage> DraftAsync(Letters.World world, Guid templateId) =>
        world.Client.PostAsJsonAsync($"/v1/cases/{world.CaseId}/letters", new
        {
            direction = "outgoing", type = "other", defendantId = world.DefendantId, channel = "email", templateId,
        });

    /// <summary>As a job does: its own scope and unit of work, acting for the case's organisation.</summary>
    private async Task<RenderedLetter> RenderAsAJobAsync(Letters.World world, Func<LetterTemplateRenderer, Task<RenderedLetter>> render)
    {
        var organisationId = (await world.Client.GetFromJsonAsync<JsonElement>("/v1/organisation")).Id();
        await using var scope = api.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CallerContext>().ActFor(organisationId);
        await scope.ServiceProvider.GetRequiredService<DbSession>().BeginAsync(readOnly: true, CancellationToken.None);
        return await render(scope.ServiceProvider.GetRequiredService<LetterTemplateRenderer>());
    }

    /// <summary>
    /// The time taken, the bytes allocated on the way (a peak that is freed again counts) and how much the live heap grew.
    /// Allocations are counted for the whole process: this class runs alone for that.
    /// </summary>
    private static async Task<(T Result, TimeSpan Elapsed, long Allocated, long Grown)> MeasureAsync<T>(Func<Task<T>> act)
    {
        var live = GC.GetTotalMemory(forceFullCollection: true);
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var watch = Stopwatch.StartNew();
        var result = await act();
        var elapsed = watch.Elapsed;
        return (result, elapsed, GC.GetTotalAllocatedBytes(precise: true) - allocated, GC.GetTotalMemory(forceFullCollection: true) - live);
    }

    private static void AssertBounded(TimeSpan elapsed, long allocated, long grown)
    {
        Assert.True(elapsed < Second, $"took {elapsed.TotalMilliseconds:0} ms");
        Assert.True(allocated < FiftyMegabytes, $"allocated {allocated >> 20} MB");
        Assert.True(grown < FiftyMegabytes, $"grew by {grown >> 20} MB");
    }
}
