using CaseApi.Features.Deadlines;
using CaseApi.Features.Inbox;
using CaseApi.Infrastructure.Auth;
using CaseApi.Infrastructure.Data;
using CaseApi.Infrastructure.Mediation;
using CaseApi.Infrastructure.Telemetry;
using Hangfire;
using Hangfire.Common;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http.Features;

namespace CaseApi.Infrastructure.Jobs;

/// <summary>What a process runs: the API, the background jobs, or both (the default).</summary>
public enum RunMode
{
    All,
    Api,
    Worker,
}

public static class JobsSetup
{
    public static RunMode ModeOf(IConfiguration configuration) =>
        Enum.TryParse<RunMode>(configuration["Mode"] ?? nameof(RunMode.All), ignoreCase: true, out var mode)
            ? mode
            : throw new InvalidOperationException($"Mode must be all, api or worker, not '{configuration["Mode"]}'.");

    public static IServiceCollection AddJobs(this IServiceCollection services, IConfiguration configuration, RunMode mode)
    {
        services.AddHangfire((provider, hangfire) => hangfire
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings());
        services.AddSingleton<JobStorage>(provider => new DeferredJobStorage(() =>
        {
            var options = new PostgreSqlStorageOptions
            {
                SchemaName = "hangfire",
                PrepareSchemaIfNecessary = true,
                // A job fetched by a process that is then killed becomes visible again after this long. Sliding
                // invisibility keeps long runs invisible while their process lives; without it the default is 30 minutes.
                UseSlidingInvisibilityTimeout = true,
                InvisibilityTimeout = TimeSpan.FromMinutes(1),
                // A killed holder's lock row would otherwise block others for the default 10 minutes.
                DistributedLockTimeout = TimeSpan.FromSeconds(30),
                QueuePollInterval = TimeSpan.FromSeconds(1),
            };
            return new PostgreSqlStorage(new NpgsqlConnectionFactory(provider.GetRequiredService<DatabaseRuntime>().Connections.Application, options), options);
        }));
        services.AddTransient<SweepDeadlinesJob>();
        services.AddTransient<PollMailboxJob>();
        services.AddTransient<PurgeIdempotencyKeysJob>();
        if (mode != RunMode.Api)
        {
            services.AddHangfireServer(options =>
            {
                options.WorkerCount = configuration.GetValue("Jobs:WorkerCount", 4);
                options.ServerName = $"{Environment.MachineName}:{Environment.ProcessId}";
                // Recurring jobs are checked this often; the webhook dispatcher's schedule is in seconds.
                options.SchedulePollingInterval = TimeSpan.FromSeconds(configuration.GetValue("Jobs:SchedulePollingSeconds", 1));
                // This server's filters: Hangfire's global ones, and a span per job. Not added to the global (static) filters,
                // which every host in the process shares.
                options.FilterProvider = new JobFilterProviderCollection(JobFilterProviders.Providers, new JobFilterCollection { new JobTracing() });
            });
            services.AddHostedService<RecurringJobsRegistration>();
        }

        if (mode == RunMode.Worker)
        {
            services.AddSingleton<IServer, NoHttpServer>();
        }

        return services;
    }

    /// <summary>
    /// Hangfire's dashboard at <c>/hangfire</c>, for the operator only (<see cref="OperatorCredential"/>): it shows and
    /// changes every organisation's jobs, and the machines that run them. Not served at all without the credential.
    /// </summary>
    public static void UseJobsDashboard(this WebApplication app)
    {
        var credential = app.Services.GetRequiredService<OperatorCredential>();
        if (!credential.IsConfigured)
        {
            return;
        }

        app.UseHangfireDashboard("/hangfire", new DashboardOptions
        {
            Authorization = [new DashboardAuthorization(credential)],
            DashboardTitle = "CaseApi jobs",
            AppPath = "/swagger",
        });
    }

    /// <summary>Worker mode: the same composition as the API, with no HTTP listener.</summary>
    private sealed class NoHttpServer : IServer
    {
        public IFeatureCollection Features { get; } = new FeatureCollection();

        public Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken) where TContext : notnull => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public void Dispose()
        {
        }
    }
}
