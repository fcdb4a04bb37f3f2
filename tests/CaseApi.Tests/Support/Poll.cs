using System.Diagnostics;

namespace CaseApi.Tests.Support;

/// <summary>Waiting on real processes: there is no clock to move there, only a database or a receiver to watch.</summary>
public static class Poll
{
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(watch.Elapsed < (timeout ?? TimeSpan.FromSeconds(60)), $"Timed out waiting for {what}.");
            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }
    }

    public static Task UntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        UntilAsync(() => Task.FromResult(condition()), what, timeout);
}
