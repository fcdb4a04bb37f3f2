using System.Collections.Concurrent;
using System.Net.Sockets;

namespace CaseApi.Tests.Features.Webhooks;

/// <summary>A receiver that hangs: it accepts connections on 127.0.0.1 and never reads or answers.</summary>
public sealed class SilentReceiver : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly ConcurrentBag<TcpClient> accepted = [];
    private readonly Task accepting;

    private SilentReceiver()
    {
        listener.Start();
        accepting = AcceptAsync();
    }

    /// <summary>How many connections it holds open: how many deliveries are waiting on it.</summary>
    public int Connections => accepted.Count;

    public static SilentReceiver Start() => new();

    public string Url(string path) => $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}{path}";

    public async ValueTask DisposeAsync()
    {
        listener.Stop();
        await accepting;
        foreach (var client in accepted)
        {
            client.Dispose();
        }
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                accepted.Add(await listener.AcceptTcpClientAsync());
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
    }
}
