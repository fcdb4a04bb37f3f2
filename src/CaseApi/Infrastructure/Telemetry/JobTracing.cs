using System.Diagnostics;
using Hangfire.Server;

namespace CaseApi.Infrastructure.Telemetry;

/// <summary>
/// A span for each Hangfire job a server performs (no instrumentation package exists for Hangfire): the database commands
/// and webhook calls a job makes become its children, and a failed run is marked as an error. Hangfire calls the filter
/// around the job's method on the worker's own stack, so the span is <see cref="Activity.Current"/> inside the job.
/// </summary>
public sealed class JobTracing : IServerFilter
{
    public const string SourceName = "CaseApi.Jobs";

    private const string ActivityKey = "caseapi.activity";

    private static readonly ActivitySource Source = new(SourceName);

    public void OnPerforming(PerformingContext context)
    {
        var job = context.BackgroundJob.Job;
        var activity = Source.StartActivity($"{job.Type.Name}.{job.Method.Name}");
        if (activity is null)
        {
            return;
        }

        activity.SetTag("hangfire.job.id", context.BackgroundJob.Id);
        if (context.GetJobParameter<string>("RecurringJobId") is { } recurring)
        {
            activity.SetTag("hangfire.recurring_job.id", recurring);
        }

        context.Items[ActivityKey] = activity;
    }

    public void OnPerformed(PerformedContext context)
    {
        if (!context.Items.TryGetValue(ActivityKey, out var item) || item is not Activity activity)
        {
            return;
        }

        if (context.Exception is { } failure)
        {
            activity.AddException(failure);
            activity.SetStatus(ActivityStatusCode.Error, failure.GetType().Name);
        }

        activity.Stop();
    }
}
