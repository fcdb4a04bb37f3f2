using System.Data;
using CaseApi.Infrastructure.Auth;
using Dapper;
using Npgsql;

namespace CaseApi.Infrastructure.Data;

/// <summary>
/// The one connection and transaction of a request or job. Handlers run all their SQL through it and never
/// open connections of their own: Npgsql ignores <c>DbCommand.Transaction</c>, so a second connection
/// would silently work outside the unit of work.
/// </summary>
public sealed class DbSession(NpgsqlDataSource dataSource, CallerContext caller) : IAsyncDisposable
{
    /// <summary>Sets the organisation row-level security admits; the load benchmark's bare baseline runs exactly this text.</summary>
    internal const string EnterOrganisationSql = "SELECT set_config('caseapi.organisation_id', @organisationId::text, true)";

    internal const string ReadOnlySql = "SET TRANSACTION READ ONLY";

    private NpgsqlConnection? connection;
    private NpgsqlTransaction? transaction;

    public bool IsOpen => transaction is not null;

    /// <summary>Opens the connection and the transaction; the organisation applies to every statement in it.</summary>
    public async Task BeginAsync(bool readOnly, CancellationToken ct)
    {
        if (transaction is not null)
        {
            throw new InvalidOperationException("A DbSession holds one transaction; handlers must not nest units of work.");
        }

        connection = await dataSource.OpenConnectionAsync(ct);
        transaction = await connection.BeginTransactionAsync(ct);
        // One round trip for both settings, which Npgsql sends after BEGIN: a read costs BEGIN, its query and COMMIT.
        await using var settings = new NpgsqlBatch(connection);
        if (readOnly)
        {
            settings.BatchCommands.Add(new NpgsqlBatchCommand(ReadOnlySql));
        }

        if (caller.OrganisationId is { } organisationId)
        {
            settings.BatchCommands.Add(new NpgsqlBatchCommand(EnterOrganisationSql) { Parameters = { new NpgsqlParameter<Guid>("organisationId", organisationId) } });
        }

        if (settings.BatchCommands.Count > 0)
        {
            await settings.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>
    /// Sets the organisation that row-level security lets this transaction see. Transaction-local
    /// (<c>set_config(…, true)</c>): a session-level SET would outlive the transaction in the pool and behind PgBouncer.
    /// </summary>
    public Task EnterOrganisationAsync(Guid organisationId, CancellationToken ct) =>
        ExecuteAsync(EnterOrganisationSql, new { organisationId }, ct);

    /// <summary>
    /// Runs <paramref name="work"/> in a savepoint, so that one organisation's failing row in a job's batch costs only that
    /// organisation's part: when PostgreSQL refuses a statement, the work's changes (and any organisation it entered) roll
    /// back and the transaction goes on. Returns PostgreSQL's error, or null when the work is kept.
    /// </summary>
    public async Task<PostgresException?> TryInSavepointAsync(Func<Task> work, CancellationToken ct)
    {
        const string name = "isolated";
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
        await Transaction.CommitAsync(ct);
        await DisposeAsync();
    }

    public Task<int> ExecuteAsync(string sql, object? parameters = null, CancellationToken ct = default) =>
        Connection.ExecuteAsync(Command(sql, parameters, ct));

    public Task<T?> QuerySingleOrDefaultAsync<T>(string sql, object? parameters = null, CancellationToken ct = default) =>
        Connection.QuerySingleOrDefaultAsync<T>(Command(sql, parameters, ct));

    public Task<T> QuerySingleAsync<T>(string sql, object? parameters = null, CancellationToken ct = default) =>
        Connection.QuerySingleAsync<T>(Command(sql, parameters, ct));

    public async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, object? parameters = null, CancellationToken ct = default) =>
        (await Connection.QueryAsync<T>(Command(sql, parameters, ct))).AsList();

    /// <summary>Several statements in one round trip (Npgsql sends them as one batch); their results are read in order.</summary>
    public Task<SqlMapper.GridReader> QueryMultipleAsync(string sql, object? parameters = null, CancellationToken ct = default) =>
        Connection.QueryMultipleAsync(Command(sql, parameters, ct));

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

    private CommandDefinition Command(string sql, object? parameters, CancellationToken ct) =>
        new(sql, parameters, Transaction, commandType: CommandType.Text, cancellationToken: ct);
}
