using Hangfire;
using Hangfire.Logging;
using Hangfire.Server;
using Hangfire.States;
using Hangfire.Storage;

namespace CaseApi.Infrastructure.Jobs;

/// <summary>
/// Hangfire's storage, created on first use. The host resolves Hangfire's services while it is built, before
/// the database is known (demo mode starts its own cluster at start-up); this stands in until then.
/// </summary>
internal sealed class DeferredJobStorage(Func<JobStorage> create) : JobStorage
{
    // Creating the storage connects to the database and installs Hangfire's schema, so it happens once, under a lock:
    // two first uses at once (the job server and the recurring-job registration start side by side) would each install
    // the schema and one would fail on PostgreSQL's catalogue. A failure is not cached (as a Lazy caches it): a first use
    // while PostgreSQL was down (in api mode, the dashboard's first request) would otherwise fail every use after it.
    private readonly Lock gate = new();
    private JobStorage? created;

    private JobStorage Storage
    {
        get
        {
            if (Volatile.Read(ref created) is { } ready)
            {
                return ready;
            }

            lock (gate)
            {
                return created ??= create();
            }
        }
    }

    public override bool LinearizableReads => Storage.LinearizableReads;

    public override IMonitoringApi GetMonitoringApi() => Storage.GetMonitoringApi();

    public override IStorageConnection GetConnection() => Storage.GetConnection();

    public override IStorageConnection GetReadOnlyConnection() => Storage.GetReadOnlyConnection();

    [Obsolete("Hangfire still calls it; the storage passes it on.")]
    public override IEnumerable<IServerComponent> GetComponents() => Storage.GetComponents();

    public override IEnumerable<IBackgroundProcess> GetServerRequiredProcesses() => Storage.GetServerRequiredProcesses();

    public override IEnumerable<IBackgroundProcess> GetStorageWideProcesses() => Storage.GetStorageWideProcesses();

    public override IEnumerable<IStateHandler> GetStateHandlers() => Storage.GetStateHandlers();

    public override void WriteOptionsToLog(ILog logger) => Storage.WriteOptionsToLog(logger);

    public override bool HasFeature(string featureId) => Storage.HasFeature(featureId);

    public override string ToString() => Volatile.Read(ref created) is { } ready ? ready.ToString() ?? "" : "Hangfire storage (not yet connected)";
}
