using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Data;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CaseApi.Tests.Infrastructure;

public sealed class TenantIsolationTests(CaseApiFactory api) : IClassFixture<CaseApiFactory>
{
    /// <summary>
    /// Routes whose every parameter is the id of global reference data, shared by all organisations, each with the list
    /// that names such ids. No organisation owns what they return, so the walk below cannot expect an owner to see it;
    /// <see cref="Every_organisation_reads_the_same_global_reference_data"/> shows instead that A and B read the same.
    /// </summary>
    private static readonly Dictionary<string, string> GlobalReferenceData = new()
    {
        ["GET /v1/dpas/{id}"] = "/v1/dpas",
        ["GET /v1/courts/{id}"] = "/v1/courts",
    };

    [Fact]
    public Task Organisation_B_gets_404_for_every_resource_of_organisation_A_on_every_route() => WalkEveryRouteAsBWithIdsOfA(api);

    [Fact]
    public Task Lists_as_B_never_contain_ids_of_A() => WalkEveryListAsB(api);

    /// <summary>B sends every route with every id of A's: each answer must be the one for an id that does not exist.</summary>
    internal static async Task WalkEveryRouteAsBWithIdsOfA(CaseApiFactory api)
    {
        var a = await api.SeedDemoAsync();
        var b = await api.CreateOrganisationAsync("Organisation B");
        await using var superUser = await api.OpenAsSuperUserAsync();
        var idsOfA = await TenantTables.IdsOfAsync(superUser, a.Id);
        var before = await TenantTables.SnapshotAsync(superUser, a.Id);
        using var clientA = api.ClientFor(a.AdminKey);
        using var clientB = api.ClientFor(b.AdminKey);
        var routesWithIds = Routes.All(api.Services).Where(route => route.ParameterNames.Count > 0).ToArray();
        Assert.NotEmpty(routesWithIds);

        foreach (var route in routesWithIds)
        {
            var unknownIds = route.ParameterNames.ToDictionary(name => name, _ => Guid.NewGuid().ToString());
            var unknownResponse = await clientB.SendAsync(Routes.Request(route, route.Path(unknownIds)));
            var answerForUnknown = unknownResponse.StatusCode;
            var bodyForUnknown = Normalise(await unknownResponse.Content.ReadAsStringAsync(), unknownIds);
            var seenByA = false;
            foreach (var values in Combinations(route.ParameterNames, idsOfA))
            {
                var path = route.Path(values);
                var response = await clientB.SendAsync(Routes.Request(route, path));
                var body = await response.Content.ReadAsStringAsync();
                // Whatever B does with A's ids, the answer must be the one for an id that does not exist.
                Assert.True(answerForUnknown == response.StatusCode, $"{route} as B on {path}: {(int)response.StatusCode}, but {(int)answerForUnknown} for an unknown id");
                Assert.False(response.IsSuccessStatusCode, $"{route} as B on {path} succeeded: {body}");
                Assert.Equal(bodyForUnknown, Normalise(body, values));
                if (route.Method == "GET")
                {
                    seenByA |= (await clientA.GetAsync(path)).IsSuccessStatusCode;
                }
            }

            Assert.True(route.Method != "GET" || seenByA || GlobalReferenceData.ContainsKey(route.ToString()),
                $"{route}: the demo data (SeedDemo) has nothing this route returns to its owner, so the walk proves nothing for it. Seed one.");
        }

        Assert.Equal(before, await TenantTables.SnapshotAsync(superUser, a.Id));
    }

    [Fact]
    public void The_global_reference_data_allow_list_names_only_routes_that_exist()
    {
        var routes = Routes.All(api.Services).Select(route => route.ToString()).ToHashSet();

        Assert.All(GlobalReferenceData.Keys, route => Assert.Contains(route, routes));
    }

    [Fact]
    public async Task Every_organisation_reads_the_same_global_reference_data()
    {
        var a = await api.SeedDemoAsync();
        var b = await api.CreateOrganisationAsync("Organisation B");
        using var clientA = api.ClientFor(a.AdminKey);
        using var clientB = api.ClientFor(b.AdminKey);

        foreach (var route in Routes.All(api.Services).Where(route => GlobalReferenceData.ContainsKey(route.ToString())))
        {
            var list = await clientA.GetFromJsonAsync<JsonElement>(GlobalReferenceData[route.ToString()]);
            var id = list.GetProperty("items")[0].GetProperty("id").GetString()!;
            var path = route.Path(route.ParameterNames.ToDictionary(name => name, _ => id));

            var asA = await clientA.GetAsync(path);
            var asB = await clientB.GetAsync(path);

            Assert.Equal(HttpStatusCode.OK, asA.StatusCode);
            Assert.Equal(HttpStatusCode.OK, asB.StatusCode);
            Assert.Equal(await asA.Content.ReadAsStringAsync(), await asB.Content.ReadAsStringAsync());
        }
    }

    /// <summary>B reads every list: none names an id of A's.</summary>
    internal static async Task WalkEveryListAsB(CaseApiFactory api)
    {
        var a = await api.SeedDemoAsync();
        var b = await api.CreateOrganisationAsync("Organisation B");
        await using var superUser = await api.OpenAsSuperUserAsync();
        var idsOfA = (await TenantTables.IdsOfAsync(superUser, a.Id)).Select(id => id.ToString()).ToArray();
        using var clientB = api.ClientFor(b.AdminKey);
        // Feeds authenticate with their own token in the URL: B reads B's feed.
        var feedTokenOfB = (await clientB.CreatedAsync("/v1/calendar-feeds", new { name = "B" })).GetProperty("token").GetString();
        // A singleton the organisation sets before it can be read (404 until then): B reads its own.
        using var mailOfB = new HttpRequestMessage(HttpMethod.Put, "/v1/organisation/mail")
        {
            Content = new StringContent(CaseApi.Infrastructure.OpenApi.Examples.RequestBodies[typeof(CaseApi.Features.Organisations.MailSettingsFields)],
                System.Text.Encoding.UTF8, "application/json"),
            Headers = { IfMatch = { new System.Net.Http.Headers.EntityTagHeaderValue("\"0\"") } },
        };
        Assert.Equal(HttpStatusCode.OK, (await clientB.SendAsync(mailOfB)).StatusCode);

        foreach (var route in Routes.All(api.Services).Where(route => route.Method == "GET" && route.ParameterNames.Count == 0))
        {
            var isFeed = route.Endpoint.Metadata.GetOrderedMetadata<Microsoft.AspNetCore.Authorization.IAuthorizeData>()
                .Any(a => a.Policy == FeedTokenAuthenticationHandler.Policy);
            var response = await clientB.GetAsync(route.Path(new Dictionary<string, string>()) + (isFeed ? $"?token={feedTokenOfB}" : ""));
            var body = await response.Content.ReadAsStringAsync();
            // A route that needs query input (GET /v1/dpas/competent) answers 400 without it; its body must not leak either.
            Assert.True(response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.BadRequest, $"{route}: {(int)response.StatusCode} {body}");
            Assert.All(idsOfA, id => Assert.DoesNotContain(id, body, StringComparison.OrdinalIgnoreCase));
        }
    }

    [Fact]
    public async Task A_query_that_forgets_its_organisation_filter_still_sees_only_its_own_rows()
    {
        var a = await api.SeedDemoAsync();
        var b = await api.CreateOrganisationAsync("Organisation B");
        await using var superUser = await api.OpenAsSuperUserAsync();
        var tables = await TenantTables.AllAsync(superUser);
        Assert.Contains("api_keys", tables);

        await using var scope = api.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CallerContext>().ActFor(b.Id);
        var db = scope.ServiceProvider.GetRequiredService<DbSession>();
        await db.BeginAsync(readOnly: false, CancellationToken.None);

        Assert.Equal([b.Id], await db.QueryAsync<Guid>("SELECT id FROM organisations"));
        foreach (var table in tables)
        {
            var owners = await db.QueryAsync<Guid>($"SELECT organisation_id FROM {table}");
            Assert.All(owners, owner => Assert.Equal(b.Id, owner));
            if (await db.QuerySingleAsync<bool>("SELECT has_table_privilege(@table, 'UPDATE')", new { table }))
            {
                var updated = await db.ExecuteAsync($"UPDATE {table} SET organisation_id = organisation_id");
                Assert.Equal(owners.Count, updated);
            }
        }

        Assert.Equal(0, await db.ExecuteAsync("DELETE FROM api_keys WHERE organisation_id = @Id", new { a.Id }));
        var write = await Assert.ThrowsAsync<PostgresException>(() => db.ExecuteAsync("""
            INSERT INTO api_keys (id, organisation_id, name, prefix, secret_hash, role, created_at)
            VALUES (gen_random_uuid(), @Id, 'planted', '0123456789ab', sha256('x'), 'admin', now())
            """, new { a.Id }));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, write.SqlState);
    }

    [Fact]
    public async Task Every_tenant_table_forces_row_level_security()
    {
        await using var superUser = await api.OpenAsSuperUserAsync();
        var tables = (await TenantTables.AllAsync(superUser)).Append("organisations");

        foreach (var table in tables)
        {
            var (enabled, forced) = await superUser.QuerySingleAsync<(bool, bool)>(
                "SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE oid = @table::regclass", new { table });
            Assert.True(enabled && forced, $"{table}: row-level security enabled={enabled}, forced={forced}");
        }
    }

    [Fact]
    public async Task The_application_role_owns_nothing_and_cannot_bypass_row_level_security()
    {
        await using var connection = new NpgsqlConnection(api.Database.Application);
        await connection.OpenAsync();

        var role = await connection.QuerySingleAsync<(string Name, bool Super, bool Bypass)>(
            "SELECT rolname, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user");
        var owned = await connection.QuerySingleAsync<long>(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND pg_get_userbyid(c.relowner) = current_user");

        Assert.False(role.Super);
        Assert.False(role.Bypass);
        Assert.Equal(0, owned);
    }

    /// <summary>The answer with the ids the client itself sent and the trace id blanked out.</summary>
    private static string Normalise(string body, Dictionary<string, string> ids) =>
        System.Text.RegularExpressions.Regex.Replace(
            ids.Aggregate(body, (text, id) => text.Replace(id.Value, "{id}", StringComparison.OrdinalIgnoreCase)),
            "\"traceId\":\"[^\"]*\"", "\"traceId\":\"\"");

    private static IEnumerable<Dictionary<string, string>> Combinations(IReadOnlyList<string> names, IReadOnlyList<Guid> ids) =>
        names.Aggregate(
            (IEnumerable<Dictionary<string, string>>)[new Dictionary<string, string>()],
            (partial, name) => partial.SelectMany(values => ids.Select(id => new Dictionary<string, string>(values) { [name] = id.ToString() })));
}
