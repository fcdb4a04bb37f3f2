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
                database: "caseapi", rolePassword: embedded.SuperUserPassword, ct: ct);
            return (connections, embedded);
        }
        catch
        {
            await embedded.DisposeAsync();
            throw;
        }
    }

    public static IServiceCollection AddDatabase(this IServiceCollection services)
    {
        DefaultTypeMap.MatchNamesWithUnderscores = true;
        DateTimeOffsetHandler.Register();
        services.AddSingleton<DatabaseRuntime>();
        services.AddHostedService<DatabaseRuntime.Startup>();
        services.AddSingleton(provider => new NpgsqlDataSourceBuilder(provider.GetRequiredService<DatabaseRuntime>().Connections.Application)
        {
            Name = "CaseApi",
        }.Build());
        services.AddScoped<DbSession>();
        services.AddSingleton<Migrator>();
        return services;
    }
}
