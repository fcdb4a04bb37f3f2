using CaseApi.Infrastructure.Jobs;
using Hangfire;
using Hangfire.Storage;
using Npgsql;

namespace CaseApi.Tests.Infrastructure;

public sealed class DeferredJobStorageTests
{
    [Fact]
    public void Hangfire_storage_first_used_while_the_database_is_down_is_created_at_the_next_use()
    {
        var attempts = 0;
        var storage = new DeferredJobStorage(() => ++attempts == 1
            ? throw new NpgsqlException("Failed to connect", new System.Net.Sockets.SocketException(111))
            : new ReadyStorage());

        Assert.Throws<NpgsqlException>(() => storage.LinearizableReads);
        Assert.True(storage.LinearizableReads);
        Assert.Equal(2, attempts);
    }

    private sealed class ReadyStorage : JobStorage
    {
        public override bool LinearizableReads => true;

        public override IMonitoringApi GetMonitoringApi() => throw new NotSupportedException();

        public override IStorageConnection GetConnection() => throw new NotSupportedException();
    }
}
