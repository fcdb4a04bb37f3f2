using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace CaseApi.Infrastructure.Data;

/// <summary>Ready means: the database answers, and it carries every migration this build knows.</summary>
public sealed class DatabaseReadyCheck(NpgsqlDataSource dataSource) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            var pending = await Migrator.PendingAsync(connection, cancellationToken);
            return pending.Count == 0
                ? HealthCheckResult.Healthy($"{Migrator.ScriptNames.Count} migrations applied.")
                : HealthCheckResult.Unhealthy($"Migrations not applied: {string.Join(", ", pending)}.");
        }
        catch (NpgsqlException e)
        {
            return HealthCheckResult.Unhealthy("The database is unreachable.", e);
        }
    }
}
