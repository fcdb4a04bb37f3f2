using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Data;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CaseApi.Tests.Infrastructure;

/// <summary>
/// The pool runs with No Reset On Close: a connection goes back to the pool as the last request left it. That is safe
/// only while nothing a request sets outlives its transaction; with a pool of one connection, every request here gets
/// the connection the one before it used.
/// </summary>
public sealed class ConnectionPoolTests(ConnectionPoolTests.OneConnectionApi api) : IClassFixture<ConnectionPoolTests.OneConnectionApi>
{
    public sealed class OneConnectionApi : CaseApiFactory
    {
        protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
        {
            ["ConnectionStrings:CaseDb"] = Database.Application + ";Maximum Pool Size=1",
        };
    }

    private sealed record SessionState(int Backend, string? Organisation, string ReadOnly, string? KeyPrefix);

    [Fact]
    public void The_pool_defaults_apply_where_the_connection_string_is_silent_and_its_own_values_win()
    {
        var tuned = new NpgsqlConnectionStringBuilder(DatabaseSetup.WithPoolDefaults("Host=db;Username=app;Maximum Pool Size=40;No Reset On Close=false"));

        Assert.Equal(40, tuned.MaxPoolSize);
        Assert.False(tuned.NoResetOnClose);
        Assert.Equal(50, tuned.MaxAutoPrepare);
        Assert.False(tuned.Enlist);
        Assert.Equal("CaseApi", tuned.ApplicationName);
        Assert.Equal(("db", "app"), (tuned.Host, tuned.Username));
    }

    [Fact]
    public async Task A_request_never_sees_the_organisation_read_only_mode_or_key_prefix_of_the_one_before_on_the_same_connection()
    {
        var organisation = await api.CreateOrganisationAsync();
        using var client = api.ClientFor(organisation.AdminKey);
        // Authentication looks the key up in a transaction of its own that names the key's prefix.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/organisation")).StatusCode);

        var committed = await InSessionAsync(organisation.Id, readOnly: true, commit: true);
        var rolledBack = await InSessionAsync(organisation.Id, readOnly: true, commit: false);
        var next = await InSessionAsync(organisationId: null, readOnly: false, commit: true);

        Assert.Equal((organisation.Id.ToString(), "on", ""), (committed.Organisation, committed.ReadOnly, committed.KeyPrefix));
        Assert.Equal((organisation.Id.ToString(), "on"), (rolledBack.Organisation, rolledBack.ReadOnly));
        Assert.Equal(committed.Backend, next.Backend);
        // An organisation set for one transaction leaves the setting defined but empty, which current_organisation_id() reads as none.
        Assert.Equal(("", "off", ""), (next.Organisation, next.ReadOnly, next.KeyPrefix));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_querys_round_trips_are_read_only_transactions_of_their_own_in_the_callers_organisation_a_commands_one_transaction(bool readOnly)
    {
        var organisation = await api.CreateOrganisationAsync();
        await using var scope = api.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CallerContext>().ActFor(organisation.Id);
        var db = scope.ServiceProvider.GetRequiredService<DbSession>();
        await db.BeginAsync(readOnly, CancellationToken.None);
        const string probe = """
            SELECT now() AS began, current_setting('caseapi.organisation_id', true) AS organisation, current_setting('transaction_read_only') AS readonly
            """;

        var first = await db.QuerySingleAsync<RoundTrip>(probe);
        var second = await db.QuerySingleAsync<RoundTrip>(probe);
        var write = await Record.ExceptionAsync(() => db.ExecuteAsync("CREATE TEMPORARY TABLE written (id int)"));

        Assert.Equal(readOnly, first.Began != second.Began);
        Assert.All(new[] { first, second }, t => Assert.Equal((organisation.Id.ToString(), readOnly ? "on" : "off"), (t.Organisation, t.ReadOnly)));
        Assert.Equal(readOnly ? PostgresErrorCodes.ReadOnlySqlTransaction : null, (write as PostgresException)?.SqlState);
    }

    private sealed record RoundTrip(DateTimeOffset Began, string? Organisation, string ReadOnly);

    [Fact]
    public async Task A_query_that_asks_for_a_generic_plan_gets_it_for_its_own_round_trip_only()
    {
        var organisation = await api.CreateOrganisationAsync();
        await using var scope = api.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CallerContext>().ActFor(organisation.Id);
        var db = scope.ServiceProvider.GetRequiredService<DbSession>();
        await db.BeginAsync(readOnly: true, CancellationToken.None);
        const string probe = "SELECT current_setting('plan_cache_mode')";

        var generic = await db.QueryAsync<string>(probe, ct: CancellationToken.None, genericPlan: true);
        var after = await db.QueryAsync<string>(probe);

        Assert.Equal(("force_generic_plan", "auto"), (generic.Single(), after.Single()));
    }

    [Fact]
    public async Task A_command_cannot_ask_for_a_generic_plan()
    {
        await using var scope = api.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DbSession>();
        await db.BeginAsync(readOnly: false, CancellationToken.None);

        // Its settings would last the whole transaction, and reach statements that need custom plans.
        await Assert.ThrowsAsync<InvalidOperationException>(() => db.QueryAsync<string>("SELECT 1", genericPlan: true));
    }

    private async Task<SessionState> InSessionAsync(Guid? organisationId, bool readOnly, bool commit)
    {
        await using var scope = api.Services.CreateAsyncScope();
        if (organisationId is { } id)
        {
            scope.ServiceProvider.GetRequiredService<CallerContext>().ActFor(id);
        }

        var db = scope.ServiceProvider.GetRequiredService<DbSession>();
        await db.BeginAsync(readOnly, CancellationToken.None);
        var state = await db.QuerySingleAsync<SessionState>("""
            SELECT pg_backend_pid() AS backend, current_setting('caseapi.organisation_id', true) AS organisation, current_setting('transaction_read_only') AS readonly,
                   current_setting('caseapi.api_key_prefix', true) AS keyprefix
            """);
        if (commit)
        {
            await db.CommitAsync(CancellationToken.None);
        }

        return state;
    }
}
