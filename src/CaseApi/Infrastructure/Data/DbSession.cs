using System.Data;
using CaseApi.Infrastructure.Auth;
using Dapper;
using Npgsql;

namespace CaseApi.Infrastructure.Data;

/// <summary>
/// The one connection and transaction of a request or job. Handlers run all their SQL through it and never
/// open connections of their own: Npgsql ignores <c>DbCommand.Transaction</c>, so a second connection
/// would silently work outside the unit of work. A query's statements run without BEGIN and COMMIT, each round trip a
/// read-only transaction of its own (migration 0045); under READ COMMITTED each statement sees what had committed when
/// it began either way.
/// </summary>
public sealed class DbSession(NpgsqlDataSource dataSource, CallerContext caller) : IAsyncDisposable
{
    /// <summary>
    /// Sets the organisation row-level security admits, for the rest of a command's transaction, and confirms the caller's API
    /// key when it was remembered rather than looked up (migration 0046).
    /// </summary>
    private const string EnterOrganisationSql = $"CALL enter_organisation(@{EnteredOrganisationParameter}, @{UnconfirmedApiKeyParameter})";

    /// <summary>The parameters of the settings' statements: names no handler's statement uses, since they go ahead of one.</summary>
    internal const string EnteredOrganisationParameter = "caseapiEnteredOrganisation";

    /// <inheritdoc cref="EnteredOrganisationParameter"/>
    internal const string UnconfirmedApiKeyParameter = "caseapiUnconfirmedApiKey";

    /// <inheritdoc cref="EnteredOrganisationParameter"/>
    internal const string GenericPlanParameter = "caseapiGenericPlan";

    /// <summary>
    /// Makes a query's round trip read-only and enters the caller's organisation, if any, confirming an API key as
    /// <see cref="EnterOrganisationSql"/> does; the load benchmark's bare baseline runs it too.
    /// </summary>
    internal const string EnterReadOnlySql =
        $"CALL enter_read_only(@{EnteredOrganisationParameter}, @{UnconfirmedApiKeyParameter}, @{GenericPlanParameter})";

    private NpgsqlConnection? connection;

    /// <summary>A command's transaction; none for a query.</summary>
    private NpgsqlTransaction? transaction;

    /// <summary>The settings of a command's transaction not yet sent: they go with its first statement (migration 0043).</summary>
    private string? pendingSettings;

    /// <summary>
    /// Opens the connection, and for a command the transaction; the organisation applies to every statement. Nothing is sent
    /// yet: Npgsql sends BEGIN with a command's first statement, and the settings go ahead of that statement in the same round
    /// trip, as statements that return no rows. A query's settings go ahead of each of its statements, and there is nothing to
    /// commit: a read costs one round trip for its statement (issue 16).
    /// </summary>
    public async Task BeginAsync(bool readOnly, CancellationToken ct)
    {
        if (connection is not null)
        {
            throw new InvalidOperationException("A DbSession holds one transaction; handlers must not nest units of work.");
        }

        connection = await dataSource.OpenConnectionAsync(ct);
        pendingSettings = readOnly || caller.OrganisationId is null ? null : $"{EnterOrganisationSql};\n";
        if (!readOnly)
        {
            transaction = await connection.BeginTransactionAsync(ct);
        }
    }

    /// <summary>
    /// Sets the organisation that row-level security lets this transaction see. Transaction-local
    /// (<c>set_config(…, true)</c>): a session-level SET would outlive the transaction in the pool and behind PgBouncer.
    /// </summary>
    public Task EnterOrganisationAsync(Guid organisationId, CancellationToken ct)
    {
        if (IsQuery)
        {
            throw new InvalidOperationException("A query reads for its caller's organisation: its settings last one round trip.");
        }

        var entered = new DynamicParameters();
        entered.Add(EnteredOrganisationParameter, organisationId);
        entered.Add(UnconfirmedApiKeyParameter, null, DbType.Guid);
        return ExecuteAsync(EnterOrganisationSql, entered, ct);
    }

    /// <summary>
    /// Runs <paramref name="work"/> in a savepoint, so that one organisation's failing row in a job's batch costs only that
    /// organisation's part: when PostgreSQL refuses a statement, the work's changes (and any organisation it entered) roll
    /// back and the transaction goes on. Returns PostgreSQL's error, or null when the work is kept.
    /// </summary>
    public async Task<PostgresException?> TryInSavepointAsync(Func<Task> work, CancellationToken ct)
    {
        const string name = "isolated";
        // The settings belong to the transaction, not to the savepoint: rolled back with it, they would be lost.
        await SendPendingSettingsAsync(ct);
        await Transaction.SaveAsync(name, ct);
        try
        {
            await work();
        }
        catch (PostgresException refused)
        {
            await Transaction.RollbackAsync(name, ct);
            return refused;
        }

        await Transaction.ReleaseAsync(name, ct);
        return null;
    }

    public async Task CommitAsync(CancellationToken ct)
    {
        if (caller.UnconfirmedApiKeyId is not null)
        {
            // The handler sent no statement, so nothing confirmed the key it was called with: a revoked one gets no response.
            await ExecuteAsync("SELECT /* confirms the caller's API key */", ct: ct);
        }

        if (transaction is not null)
        {
            await transaction.CommitAsync(ct);
        }

        await DisposeAsync();
    }

    public Task<int> ExecuteAsync(string sql, object? parameters = null, CancellationToken ct = default) =>
        RunAsync(sql, parameters, Connection.ExecuteAsync, ct);

    public Task<T?> QuerySingleOrDefaultAsync<T>(string sql, object? parameters = null, CancellationToken ct = default) =>
        RunAsync(sql, parameters, Connection.QuerySingleOrDefaultAsync<T>, ct);

    public Task<T> QuerySingleAsync<T>(string sql, object? parameters = null, CancellationToken ct = default) =>
        RunAsync(sql, parameters, Connection.QuerySingleAsync<T>, ct);

    /// <summary>
    /// The rows of a statement. <paramref name="genericPlan"/>, for a query's statement that finds its rows through a btree
    /// the same way whatever its parameters' values (a list built by <see cref="OptionalFilters"/> without full-text or
    /// array filters): run it on PostgreSQL's generic plan, planned once per connection, where the plan cache would plan it
    /// for every request (migration 0047).
    /// </summary>
    public async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, object? parameters = null, CancellationToken ct = default, bool genericPlan = false) =>
        (await RunAsync(sql, parameters, Connection.QueryAsync<T>, ct, genericPlan)).AsList();

    /// <summary>Several statements in one round trip (Npgsql sends them as one batch); their results are read in order.</summary>
    public Task<SqlMapper.GridReader> QueryMultipleAsync(string sql, object? parameters = null, CancellationToken ct = default) =>
        RunAsync(sql, parameters, Connection.QueryMultipleAsync, ct);

    public async ValueTask DisposeAsync()
    {
        if (transaction is not null)
        {
            await transaction.DisposeAsync();
            transaction = null;
        }

        if (connection is not null)
        {
            await connection.DisposeAsync();
            connection = null;
        }
    }

    private NpgsqlConnection Connection => connection ?? throw new InvalidOperationException(
        "No transaction is open: requests reach handlers through the unit-of-work behaviour, jobs through DbSession.BeginAsync.");

    private NpgsqlTransaction Transaction => transaction ?? throw new InvalidOperationException("No transaction is open.");

    /// <summary>A query's session: an open connection without a transaction.</summary>
    private bool IsQuery => connection is not null && transaction is null;

    /// <summary>Sends the statement; once the settings that went with it confirmed the caller's API key, later ones need not.</summary>
    private async Task<T> RunAsync<T>(string sql, object? parameters, Func<CommandDefinition, Task<T>> run, CancellationToken ct, bool genericPlan = false)
    {
        var carriesSettings = IsQuery || pendingSettings is not null;
        var command = await CommandAsync(sql, parameters, ct, genericPlan);
        var result = await run(command);
        if (carriesSettings)
        {
            caller.ConfirmApiKey();
        }

        return result;
    }

    /// <summary>The statement, with the settings ahead of it: a query's every time, a command's transaction's when it is the first.</summary>
    private async ValueTask<CommandDefinition> CommandAsync(string sql, object? parameters, CancellationToken ct, bool genericPlan)
    {
        var listOfParameterSets = parameters is System.Collections.IEnumerable and not string;
        if (IsQuery)
        {
            // Dapper would send each parameter set in a round trip of its own, without the settings.
            return listOfParameterSets
                ? throw new InvalidOperationException("A query sends each statement once, with its settings.")
                : WithSettings($"{EnterReadOnlySql};\n", sql, parameters, ct, genericPlan);
        }

        if (genericPlan)
        {
            // A command's settings last its whole transaction: they would reach statements that need custom plans.
            throw new InvalidOperationException("Only a query's statement runs on a generic plan.");
        }

        // Dapper runs a statement once per item of a list of parameter sets: the settings go on their own ahead of those.
        if (listOfParameterSets)
        {
            await SendPendingSettingsAsync(ct);
        }

        if (pendingSettings is not { } settings)
        {
            return new(sql, parameters, Transaction, commandType: CommandType.Text, cancellationToken: ct);
        }

        pendingSettings = null;
        return WithSettings(settings, sql, parameters, ct, genericPlan: false);
    }

    private CommandDefinition WithSettings(string settings, string sql, object? parameters, CancellationToken ct, bool genericPlan)
    {
        var withSettings = new DynamicParameters(parameters);
        withSettings.Add(EnteredOrganisationParameter, caller.OrganisationId, DbType.Guid);
        withSettings.Add(UnconfirmedApiKeyParameter, caller.UnconfirmedApiKeyId, DbType.Guid);
        if (IsQuery)
        {
            withSettings.Add(GenericPlanParameter, genericPlan, DbType.Boolean);
        }

        return new(settings + sql, withSettings, transaction, commandType: CommandType.Text, cancellationToken: ct);
    }

    private async Task SendPendingSettingsAsync(CancellationToken ct)
    {
        if (pendingSettings is not null)
        {
            await ExecuteAsync("SELECT /* the transaction's settings, on their own */", ct: ct);
        }
    }
}
