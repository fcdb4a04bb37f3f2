using Dapper;
using Npgsql;

namespace CaseApi.Infrastructure.Data;

public static class DatabaseSetup
{
    /// <summary>Where the connection strings come from: configuration, or the embedded cluster of demo mode.</summary>
    public static async Task<(DatabaseConnections Connections, EmbeddedPostgres? Embedded)> ResolveAsync(
        IConfiguration configuration, string contentRoot, CancellationToken ct)
    {
        var application = configuration.GetConnectionString("CaseDb");
        if (!string.IsNullOrWhiteSpace(application))
        {
            var migrations = configuration.GetConnectionString("CaseDbMigrations");
            return (new DatabaseConnections(application, string.IsNullOrWhiteSpace(migrations) ? application : migrations), null);
        }

        var embedded = await EmbeddedPostgres.StartAsync(
            // Relative to the project folder, whatever folder the command was started from.
            Path.Combine(contentRoot, configuration["EmbeddedPostgres:DataDirectory"] ?? ".data/postgres"),
            configuration.GetValue("EmbeddedPostgres:Port", 55432),
            binDirectory: configuration["EmbeddedPostgres:BinDirectory"], ct: ct);
        try
        {
            var connections = await DatabaseBootstrap.EnsureDatabaseAsync(
                embedded.ConnectionString("postgres", EmbeddedPostgres.SuperUser, embedded.SuperUserPassword),
                database: "caseapi", await RolePasswordsAsync(embedded, ct), ct: ct);
            return (connections, embedded);
        }
        catch
        {
            await embedded.DisposeAsync();
            throw;
        }
    }

    public static async Task<RolePasswords> RolePasswordsAsync(EmbeddedPostgres embedded, CancellationToken ct) => new(
        await embedded.PasswordAsync(DatabaseBootstrap.OwnerRole, ct),
        await embedded.PasswordAsync(DatabaseBootstrap.ApplicationRole, ct));

    /// <summary>
    /// The application pool's Npgsql settings, as the fastest .NET servers on PostgreSQL set them, wherever the
    /// connection string does not set them itself (README: "Connection pool and Npgsql settings"):
    /// <list type="bullet">
    /// <item>a small pool: a 2-core PostgreSQL does no more work with more connections, only more switching between
    /// them, and three instances with their Hangfire servers must stay within its <c>max_connections</c> of 100;
    /// requests beyond the pool wait for a connection, up to <c>Timeout</c>;</item>
    /// <item>statements prepared on each connection once used five times: every request runs the same few dozen texts,
    /// and a prepared one skips parsing, row-level-security rewriting and (mostly) planning;</item>
    /// <item>no reset when a connection goes back to the pool: everything CaseApi sets lasts one transaction
    /// (<see cref="DbSession"/>), and Npgsql rolls back any transaction still open, so there is nothing to reset, and
    /// the reset would cost five statements on the next use of every connection;</item>
    /// <item>no enlistment in ambient <c>TransactionScope</c>s, which CaseApi does not use: a check saved on every open.</item>
    /// </list>
    /// </summary>
    public static string WithPoolDefaults(string connectionString)
    {
        var tuned = new NpgsqlConnectionStringBuilder
        {
            MaxPoolSize = 16,
            MaxAutoPrepare = 50,
            NoResetOnClose = true,
            Enlist = false,
            ApplicationName = "CaseApi",
        };
        // The connection string's own keys win, the Npgsql defaults that it states as much as any other value.
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        foreach (string key in given.Keys)
        {
            tuned[key] = given[key];
        }

        return tuned.ConnectionString;
    }

    public static IServiceCollection AddDatabase(this IServiceCollection services)
    {
        DefaultTypeMap.MatchNamesWithUnderscores = true;
        SnakeCaseEnumHandler.RegisterAll();
        DateTimeOffsetHandler.Register();
        JsonbHandler<IReadOnlyList<Features.Deadlines.LocalHoliday>>.Register();
        JsonbHandler<IReadOnlyList<Features.Deadlines.AdditionalHoliday>>.Register();
        services.AddSingleton<DatabaseRuntime>();
        services.AddHostedService<DatabaseRuntime.Startup>();
        services.AddSingleton(provider => new NpgsqlDataSourceBuilder(WithPoolDefaults(provider.GetRequiredService<DatabaseRuntime>().Connections.Application))
        {
            Name = "CaseApi",
        }.Build());
        services.AddScoped<DbSession>();
        services.AddSingleton<Migrator>();
        return services;
    }
}
