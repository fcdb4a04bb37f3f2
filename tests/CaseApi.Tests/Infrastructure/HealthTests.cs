using Dapper;

namespace CaseApi.Tests.Infrastructure;

public sealed class HealthTests(CaseApiFactory api) : IClassFixture<CaseApiFactory>
{
    [Fact]
    public async Task Live_and_ready_answer_200_without_a_key()
    {
        using var client = api.ClientFor(null);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
    }

    [Fact]
    public async Task Ready_is_503_while_a_migration_this_build_carries_is_not_applied()
    {
        using var client = api.ClientFor(null);
        await using var superUser = await api.OpenAsSuperUserAsync();
        var hidden = await superUser.QuerySingleAsync<(int Id, string Name, DateTime Applied)>(
            "DELETE FROM schema_migrations WHERE scriptname = (SELECT max(scriptname) FROM schema_migrations) RETURNING schemaversionsid, scriptname, applied");
        HttpResponseMessage whileMissing;
        try
        {
            whileMissing = await client.GetAsync("/health/ready");
        }
        finally
        {
            await superUser.ExecuteAsync("INSERT INTO schema_migrations (schemaversionsid, scriptname, applied) VALUES (@Id, @Name, @Applied)", new { hidden.Id, hidden.Name, hidden.Applied });
        }

        var afterwards = await client.GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, whileMissing.StatusCode);
        Assert.Equal(HttpStatusCode.OK, afterwards.StatusCode);
    }
}
