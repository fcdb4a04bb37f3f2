using Dapper;

namespace CaseApi.Tests.Infrastructure;

/// <summary>
/// The second lock (issue 11, point 3): with row-level security switched off on every tenant table, as it effectively is
/// for a superuser, a <c>BYPASSRLS</c> role or the tables' owner, each query's own organisation predicate still keeps
/// one organisation out of another's rows.
/// </summary>
public sealed class OrganisationPredicateTests(OrganisationPredicateTests.WithoutRowLevelSecurity api)
    : IClassFixture<OrganisationPredicateTests.WithoutRowLevelSecurity>
{
    [Fact]
    public async Task Row_level_security_is_off_on_every_tenant_table_of_this_database()
    {
        await using var superUser = await api.OpenAsSuperUserAsync();

        foreach (var table in await WithoutRowLevelSecurity.TablesAsync(superUser))
        {
            Assert.False(await superUser.QuerySingleAsync<bool>("SELECT relrowsecurity FROM pg_class WHERE oid = @table::regclass", new { table }), table);
        }
    }

    [Fact]
    public async Task An_admin_cannot_list_get_or_revoke_another_organisations_keys()
    {
        var a = await api.CreateOrganisationAsync("Organisation A");
        var b = await api.CreateOrganisationAsync("Organisation B");
        await using var superUser = await api.OpenAsSuperUserAsync();
        var keyOfB = await superUser.QuerySingleAsync<Guid>("SELECT id FROM api_keys WHERE organisation_id = @Id", new { b.Id });
        using var adminOfA = api.ClientFor(a.AdminKey);

        var list = await adminOfA.GetStringAsync("/v1/api-keys?includeRevoked=true");
        var get = await adminOfA.GetAsync($"/v1/api-keys/{keyOfB}");
        var revoke = await adminOfA.DeleteAsync($"/v1/api-keys/{keyOfB}");

        Assert.DoesNotContain(keyOfB.ToString(), list, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, revoke.StatusCode);
        Assert.True(await superUser.QuerySingleAsync<bool>("SELECT revoked_at IS NULL FROM api_keys WHERE id = @keyOfB", new { keyOfB }));
    }

    [Fact]
    public Task Organisation_B_gets_404_for_every_resource_of_organisation_A_on_every_route() =>
        TenantIsolationTests.WalkEveryRouteAsBWithIdsOfA(api);

    [Fact]
    public Task Lists_as_B_never_contain_ids_of_A() => TenantIsolationTests.WalkEveryListAsB(api);

    /// <summary>The API on a database whose tenant tables have row-level security disabled.</summary>
    public sealed class WithoutRowLevelSecurity : CaseApiFactory
    {
        internal static async Task<IEnumerable<string>> TablesAsync(Npgsql.NpgsqlConnection superUser) =>
            (await TenantTables.AllAsync(superUser)).Append("organisations");

        protected override async Task ArrangeAsync()
        {
            await using var superUser = await OpenAsSuperUserAsync();
            foreach (var table in await TablesAsync(superUser))
            {
                await superUser.ExecuteAsync($"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY");
            }
        }
    }
}
