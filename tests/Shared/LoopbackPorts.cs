using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Subscriptions.Testing;

/// <summary>
/// Loopback ports for the silos and endpoints that tests and benchmarks start, picked below the kernel's ephemeral
/// range (<c>/proc/sys/net/ipv4/ip_local_port_range</c>). A port the kernel picked for a bind to port 0 and that was then
/// released is back in that range: any outgoing connection of any process on the machine (a database client, a gRPC
/// channel) may take it as its local port before the silo binds it, and the silo then fails with "address already in
/// use". Below the range only a listener that names its port takes one. Each port is tried with a bind before it is
/// handed out, and none is handed out twice by one process; processes running side by side draw at random.
/// </summary>
internal static class LoopbackPorts
{
    private const int Lowest = 10_000;
    private static readonly HashSet<int> Given = [];
    private static readonly Lock Gate = new();
    private static readonly int Highest = EphemeralLow() - 1;

    /// <summary>A loopback port nothing listens on right now, and that the kernel gives no outgoing connection.</summary>
    public static int Next()
    {
        if (Highest - Lowest < 1_000)
        {
            throw new InvalidOperationException(
                $"The kernel's ephemeral ports start at {Highest + 1}, leaving too few below them for test listeners; set net.ipv4.ip_local_port_range to start at 32768 or above.");
        }

        lock (Gate)
        {
            for (var attempt = 0; attempt < 1_000; attempt++)
            {
                var port = Random.Shared.Next(Lowest, Highest + 1);
                if (!Given.Contains(port) && IsFree(port))
                {
                    Given.Add(port);
                    return port;
                }
            }
        }

        throw new InvalidOperationException($"No free loopback port between {Lowest} and {Highest} in 1,000 tries.");
    }

    private static bool IsFree(int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
            socket.Listen();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int EphemeralLow()
    {
        const int LinuxDefault = 32_768;
        try
        {
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
            return int.Parse(range[0], NumberStyles.None, CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return LinuxDefault;
        }
    }
}
