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

    [Fact]
    public async Task Two_first_uses_at_once_create_the_storage_once()
    {
        // Creating the real storage installs Hangfire's schema; two installs side by side collide in PostgreSQL's
        // catalogue (seen at start, when the job server and the recurring-job registration first used it together).
        using var entered = new SemaphoreSlim(0);
        using var release = new ManualResetEventSlim();
        var storage = new DeferredJobStorage(() =>
        {
            entered.Release();
            release.Wait(TimeSpan.FromSeconds(10));
            return new ReadyStorage();
        });

        var first = Task.Run(() => storage.LinearizableReads);
        Assert.True(await entered.WaitAsync(TimeSpan.FromSeconds(10)));
        var second = Task.Run(() => storage.LinearizableReads);
        // Without the lock the second use starts a creation of its own while the first is still inside; give it a second.
        var secondCreation = await entered.WaitAsync(TimeSpan.FromSeconds(1));
        release.Set();

        Assert.True(await first);
        Assert.True(await second);
        Assert.False(secondCreation, "a second creation started while the first was still running");
    }

    private sealed class ReadyStorage : JobStorage
    {
        public override bool LinearizableReads => true;

        public override IMonitoringApi GetMonitoringApi() => throw new NotSupportedException();

        public override IStorageConnection GetConnection() => throw new NotSupportedException();
    }
}
