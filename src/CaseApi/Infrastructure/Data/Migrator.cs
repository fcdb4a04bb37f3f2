using System.Reflection;
using DbUp;
using DbUp.Engine.Output;
using Npgsql;

namespace CaseApi.Infrastructure.Data;

/// <summary>Applies the plain-SQL migrations in <c>db/migrations</c> (embedded in the assembly) with DbUp.</summary>
public sealed class Migrator(ILogger<Migrator> logger)
{
    // Any 64-bit constant works; it only has to be the same for every CaseApi instance sharing the database.
    private const long MigrationLockKey = 0x4361_7365_4170_6901;
    private const string ResourcePrefix = "migrations/";
    private const string JournalSchema = "public";
    private const string JournalTable = "schema_migrations";
    private const string DpaRegistryResource = "data/dpas.json";
    private const string DpaRegistryQuoteTag = "$dpa_json$";

    public static IReadOnlyList<string> ScriptNames { get; } = typeof(Migrator).Assembly.GetManifestResourceNames()
        .Where(name => name.StartsWith(ResourcePrefix, StringComparison.Ordinal))
        .Order(StringComparer.Ordinal)
        .ToArray();

    /// <summary>
    /// Several instances may start at once against one database: the session-level advisory lock makes
    /// them take turns, and whoever comes second finds the journal up to date.
    /// </summary>
    public async Task MigrateAsync(DatabaseConnections connections, CancellationToken ct = default)
    {
        // Unpooled: migrations run once at start; pooled connections would outlive them for nothing.
        var migrations = new NpgsqlConnectionStringBuilder(connections.Migrations) { Pooling = false }.ConnectionString;
        await using var lockConnection = new NpgsqlConnection(migrations);
        await lockConnection.OpenAsync(ct);
        await using (var take = new NpgsqlCommand($"SELECT pg_advisory_lock({MigrationLockKey})", lockConnection))
        {
            await take.ExecuteNonQueryAsync(ct);
        }

        try
        {
            var applicationRole = new NpgsqlConnectionStringBuilder(connections.Application).Username
                ?? throw new InvalidOperationException("The application connection string names no user.");
            var result = DeployChanges.To
                .PostgresqlDatabase(migrations)
                .WithScriptsEmbeddedInAssembly(Assembly.GetExecutingAssembly(), name => name.StartsWith(ResourcePrefix, StringComparison.Ordinal))
                .JournalToPostgresqlTable(JournalSchema, JournalTable)
                .WithVariable("app_role", QuoteIdentifier(applicationRole))
                .WithVariable("dpa_registry", DpaRegistryLiteral())
                .WithTransactionPerScript()
                .LogTo(new UpgradeLog(logger))
                .Build()
                .PerformUpgrade();
            if (!result.Successful)
            {
                throw new InvalidOperationException($"Migration {result.ErrorScript?.Name} failed: {result.Error.Message}", result.Error);
            }
        }
        finally
        {
            await using var release = new NpgsqlCommand($"SELECT pg_advisory_unlock({MigrationLockKey})", lockConnection);
            await release.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    /// <summary>The migrations this build carries that the database has not recorded as applied.</summary>
    public static async Task<IReadOnlyList<string>> PendingAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            $"SELECT scriptname FROM {JournalSchema}.{JournalTable} WHERE scriptname = ANY(@names)", connection);
        command.Parameters.AddWithValue("names", ScriptNames.ToArray());
        var applied = new HashSet<string>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            applied.Add(reader.GetString(0));
        }

        return ScriptNames.Where(name => !applied.Contains(name)).ToArray();
    }

    /// <summary>
    /// A role name as a quoted SQL identifier, as PostgreSQL's <c>quote_ident</c> writes it but always quoted: the migrations
    /// paste <c>$app_role$</c> where an identifier goes (<c>GRANT … TO $app_role$</c>), and a name that is a reserved word
    /// (<c>check</c>), has capitals or a double quote would otherwise break the migration or name another role (issue 11).
    /// Applied migrations cannot change, so the value comes quoted instead.
    /// </summary>
    internal static string QuoteIdentifier(string name) => '"' + name.Replace("\"", "\"\"", StringComparison.Ordinal) + '"';

    /// <summary>
    /// <c>db/data/dpas.json</c> as a dollar-quoted SQL literal, for the migrations that load the DPA registry.
    /// The tag lives only here: DbUp reads any <c>$word$</c> in a script as a variable and fails on one it does not know,
    /// so a .sql file could not spell it. DbUp pastes a value in verbatim, without looking for variables in it.
    /// </summary>
    internal static string DpaRegistryLiteral()
    {
        using var stream = typeof(Migrator).Assembly.GetManifestResourceStream(DpaRegistryResource)
            ?? throw new InvalidOperationException($"The assembly carries no {DpaRegistryResource}.");
        using var reader = new StreamReader(stream);
        var json = reader.ReadToEnd();
        return json.Contains(DpaRegistryQuoteTag, StringComparison.Ordinal)
            ? throw new InvalidOperationException($"{DpaRegistryResource} contains {DpaRegistryQuoteTag}, which would end the SQL literal early.")
            : DpaRegistryQuoteTag + json + DpaRegistryQuoteTag;
    }

    private sealed class UpgradeLog(ILogger logger) : IUpgradeLog
    {
        public void LogTrace(string format, params object[] args) => logger.LogTrace("{Message}", string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args));

        public void LogDebug(string format, params object[] args) => logger.LogDebug("{Message}", string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args));

        public void LogInformation(string format, params object[] args) => logger.LogInformation("{Message}", string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args));

        public void LogWarning(string format, params object[] args) => logger.LogWarning("{Message}", string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args));

        public void LogError(string format, params object[] args) => logger.LogError("{Message}", string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args));

        public void LogError(Exception ex, string format, params object[] args) => logger.LogError(ex, "{Message}", string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args));
    }
}
