using System.Net;
using System.Net.Sockets;

namespace Subscriptions.TestHost;

/// <summary>
/// A loopback TCP forwarder placed between the silos and PostgreSQL, so a test can cut the database away
/// (close every connection and refuse new ones) and bring it back, without touching the shared server.
/// </summary>
public sealed class TcpProxy : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly string targetHost;
    private readonly int targetPort;
    private readonly CancellationTokenSource stopping = new();
    private readonly Lock gate = new();
    private readonly List<TcpClient> open = [];
    private readonly Task accepting;
    private volatile bool cut;

    public TcpProxy(string targetHost, int targetPort)
    {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        listener.Start();
        accepting = AcceptAsync();
    }

    /// <summary>The local port to connect to instead of the target.</summary>
    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    /// <summary>Drops every open connection and refuses new ones until <see cref="Restore"/>.</summary>
    public void Cut()
    {
        cut = true;
        lock (gate)
        {
            foreach (var client in open)
            {
                client.Close();
            }

            open.Clear();
        }
    }

    /// <summary>Forwards new connections again.</summary>
    public void Restore() => cut = false;

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        listener.Stop();
        Cut();
        try
        {
            await accepting;
        }
        catch (OperationCanceledException)
        {
            // Stopping the listener ends the accept loop.
        }
    }

    private async Task AcceptAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stopping.Token);
            }
            catch (Exception e) when (e is ObjectDisposedException or SocketException or OperationCanceledException)
            {
                return;
            }

            if (cut)
            {
                client.Close();
                continue;
            }

            _ = ForwardAsync(client);
        }
    }

    private async Task ForwardAsync(TcpClient client)
    {
        var upstream = new TcpClient();
        try
        {
            await upstream.ConnectAsync(targetHost, targetPort, stopping.Token);
            lock (gate)
            {
                open.Add(client);
                open.Add(upstream);
            }

            using var both = CancellationTokenSource.CreateLinkedTokenSource(stopping.Token);
            var up = client.GetStream().CopyToAsync(upstream.GetStream(), both.Token);
            var down = upstream.GetStream().CopyToAsync(client.GetStream(), both.Token);
            await Task.WhenAny(up, down);
            await both.CancelAsync();
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // A cut or closed connection ends the forwarding; the client sees the connection drop, as with a lost database.
        }
        finally
        {
            client.Close();
            upstream.Close();
        }
    }
}
