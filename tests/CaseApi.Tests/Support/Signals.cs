using System.Runtime.InteropServices;

namespace CaseApi.Tests.Support;

/// <summary>POSIX signals to processes the tests started: .NET can kill a process, but not ask it to stop.</summary>
public static class Signals
{
    public const int Interrupt = 2;
    public const int Quit = 3;
    public const int Terminate = 15;

    public static void Send(int pid, int signal) =>
        Assert.True(Kill(pid, signal) == 0, $"kill({pid}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");

    /// <summary>Signal 0 checks that the process exists without disturbing it.</summary>
    public static bool IsAlive(int pid) => Kill(pid, 0) == 0;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
