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
    // Creating the storage connects to the database. A Lazy that cached the exception of a first use while PostgreSQL
    // was down (in api mode, the dashboard's first request) would fail every use after it came back; this one tries again.
    private readonly Lazy<JobStorage> storage = new(create, LazyThreadSafetyMode.PublicationOnly);

    public override bool LinearizableReads => storage.Value.LinearizableReads;

    public override IMonitoringApi GetMonitoringApi() => storage.Value.GetMonitoringApi();

    public override IStorageConnection GetConnection() => storage.Value.GetConnection();

    public override IStorageConnection GetReadOnlyConnection() => storage.Value.GetReadOnlyConnection();

    [Obsolete("Hangfire still calls it; the storage passes it on.")]
    public override IEnumerable<IServerComponent> GetComponents() => storage.Value.GetComponents();

    public override IEnumerable<IBackgroundProcess> GetServerRequiredProcesses() => storage.Value.GetServerRequiredProcesses();

    public override IEnumerable<IBackgroundProcess> GetStorageWideProcesses() => storage.Value.GetStorageWideProcesses();

    public override IEnumerable<IStateHandler> GetStateHandlers() => storage.Value.GetStateHandlers();

    public override void WriteOptionsToLog(ILog logger) => storage.Value.WriteOptionsToLog(logger);

    public override bool HasFeature(string featureId) => storage.Value.HasFeature(featureId);

    public override string ToString() => storage.IsValueCreated ? storage.Value.ToString() ?? "" : "Hangfire storage (not yet connected)";
}
