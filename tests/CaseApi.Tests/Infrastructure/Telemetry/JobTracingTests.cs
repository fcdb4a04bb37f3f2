using CaseApi.Infrastructure.Telemetry;
using CaseApi.Tests.Features.Webhooks;

namespace CaseApi.Tests.Infrastructure.Telemetry;

/// <summary>
/// Issue 16: a worker exports each Hangfire job it performs as a span (<see cref="JobTracing"/>), with the job's statements
/// inside it. A real worker process, exporting to a collector on the loopback interface; alone, as every test of a job server.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class JobTracingTests(CaseApiFactory api) : IClassFixture<CaseApiFactory>
{
    [Fact]
    public async Task A_worker_exports_the_sweep_it_runs_as_a_span_of_the_recurring_job_with_its_claim_inside()
    {
        await using var collector = await LoopbackReceiver.StartAsync();
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__CaseDb"] = api.Database.Application,
            ["ConnectionStrings__CaseDbMigrations"] = api.Database.Migrations,
            ["Mode"] = "worker",
            ["Demo__Enabled"] = "false",
            // Every second rather than every minute.
            ["Jobs__SweepCron"] = "* * * * * *",
            [TelemetrySetup.OtlpEndpointKey] = collector.Url("").TrimEnd('/'),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "50",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        using var worker = CaseApiProcess.Start(environment);
        try
        {
            // The claim's statement names the watch list; a statement outside any request or job is not exported, so it came
            // from inside the job's span.
            await Poll.UntilAsync(() => Traces(collector) is var traces
                                        && traces.Contains("SweepDeadlinesJob.RunAsync", StringComparison.Ordinal)
                                        && traces.Contains("hangfire.recurring_job.id", StringComparison.Ordinal)
                                        && traces.Contains("deadline-sweep", StringComparison.Ordinal)
                                        && traces.Contains("FROM jobs.deadline_watch", StringComparison.Ordinal),
                "the sweep's span and its claim exported", () => worker.HasExited ? $"The worker exited with {worker.ExitCode}." : "");
        }
        finally
        {
            worker.Kill(entireProcessTree: true);
            await worker.WaitForExitAsync();
        }
    }

    private static string Traces(LoopbackReceiver collector) => string.Concat(collector.At("/v1/traces").Select(r => r.Body));
}
