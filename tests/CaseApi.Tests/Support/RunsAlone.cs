namespace CaseApi.Tests.Support;

/// <summary>
/// Test classes that must not share the PostgreSQL server with others running at the same time. The change feed holds
/// back events of transactions newer than the oldest one still running (pg_snapshot_xmin), and transaction ids are
/// shared by every database of a server: another class's long transaction (ListQueryPlanTests inserts 100,000 cases)
/// would hold back the feed in every test database, so feed tests run after the parallel classes, one at a time.
/// Hangfire's logger is process-wide too: each test host points it at its own logger factory and leaves it pointing
/// at a disposed one when it stops, so the test that uses a Hangfire client (EscalationWorkersTests) must not overlap
/// another host's shutdown. HostileTemplateTests measure the whole process's allocations and heap, which parallel
/// classes would add to.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunsAlone
{
    public const string Name = "Runs alone";
}
