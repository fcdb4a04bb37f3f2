using System.Globalization;

namespace CaseApi.Benchmarks.Scenarios.Load;

/// <summary>
/// CPU time from /proc: of the whole machine, and of a process with its children (the PostgreSQL server: the
/// postmaster and its backends). proc(5) counts in USER_HZ, 100 a second on Linux.
/// </summary>
internal static class CpuTime
{
    private const double TicksPerSecond = 100;

    /// <summary>Time all cores spent busy, and in all, since boot.</summary>
    public static (TimeSpan Busy, TimeSpan Total) Machine()
    {
        // cpu  user nice system idle iowait irq softirq steal ...
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8)
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        var total = fields.Sum();
        return (Ticks(total - fields[3] - fields[4]), Ticks(total));
    }

    /// <summary>The postmaster of a local server, found as the parent of one of its backends; null when the server is elsewhere.</summary>
    public static int? ParentOf(int pid) => Stat(pid) is { } stat ? int.Parse(stat[1], CultureInfo.InvariantCulture) : null;

    /// <summary>
    /// User and system time of <paramref name="pid"/> and its children, alive or exited: a backend that exited and was
    /// reaped has its time in the parent's cutime and cstime, not among the living (read without them, a backend that
    /// exited during a run took its time out of the sum, and the difference could go negative).
    /// </summary>
    public static TimeSpan ProcessTree(int pid)
    {
        long ticks = 0;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), out var candidate) && Stat(candidate) is { } stat
                && (candidate == pid || stat[1] == pid.ToString(CultureInfo.InvariantCulture)))
            {
                // After the command name: utime, stime at 11 and 12; the reaped children's cutime, cstime at 13 and 14.
                ticks += Field(stat, 11) + Field(stat, 12) + (candidate == pid ? Field(stat, 13) + Field(stat, 14) : 0);
            }
        }

        return Ticks(ticks);
    }

    private static long Field(string[] stat, int index) => long.Parse(stat[index], CultureInfo.InvariantCulture);

    /// <summary>The fields of /proc/PID/stat after the command name (state, ppid, …), or null when the process is gone.</summary>
    private static string[]? Stat(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            return text[(text.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static TimeSpan Ticks(long ticks) => TimeSpan.FromSeconds(ticks / TicksPerSecond);
}
