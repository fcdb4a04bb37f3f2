using System.Diagnostics;

namespace CaseApi.Tests.Support;

/// <summary>
/// Waits for a condition on real processes and servers, where there is no clock to move, only state to watch. The timeout
/// is generous, for a 2-core machine shared with other builds; the poll is short, so a fast machine does not wait for it.
/// </summary>
public static class Poll
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    public static Task UntilAsync(Func<bool> condition, string what, Func<string>? context = null, TimeSpan? timeout = null) =>
        UntilAsync(() => Task.FromResult(condition()), what, context, timeout);

    /// <param name="condition">Checked every 20 ms.</param>
    /// <param name="what">Named in the failure.</param>
    /// <param name="context">More for the failure message, such as a process's last log lines.</param>
    /// <param name="timeout">How long to wait at most; <see cref="DefaultTimeout"/> when left out.</param>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, Func<string>? context = null, TimeSpan? timeout = null)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(watch.Elapsed < (timeout ?? DefaultTimeout), $"Timed out after {watch.Elapsed.TotalSeconds:0} s waiting for {what}.\n{context?.Invoke()}");
            await Task.Delay(TimeSpan.FromMilliseconds(20));
        }
    }
}
