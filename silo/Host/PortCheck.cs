using System.Net;
using System.Net.Sockets;

namespace Subscriptions.Silo;

/// <summary>
/// Checks, before anything starts, that nothing listens on the ports this silo listens on: a second silo on one machine
/// left on the first one's ports is refused with one line naming the setting, instead of sharing its ports (Orleans
/// listens with SO_REUSEPORT, so the kernel would split connections between the two) or failing in Kestrel after it
/// joined the cluster. The check connects rather than binds: a port whose last connections wait in TIME_WAIT after a
/// restart is free, a port something accepts on is not.
/// </summary>
public static class PortCheck
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(2);

    /// <summary>Throws <see cref="InvalidOperationException"/> naming the first of the silo's ports something already listens on.</summary>
    public static async Task RequireFreeAsync(IConfiguration configuration, SiloSettings settings)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(settings);
        var cluster = OrleansSetup.ListenAddress(settings);
        var grpc = configuration.GetSection("Grpc");
        var grpcAddress = IPAddress.TryParse(grpc["Address"], out var parsed) ? parsed : IPAddress.Any;
        await RequireAsync(cluster, settings.SiloPort, "Cluster:SiloPort");
        await RequireAsync(cluster, settings.GatewayPort, "Cluster:GatewayPort");
        await RequireAsync(grpcAddress, grpc.GetValue("Port", 5080), "Grpc:Port");
        await RequireAsync(grpcAddress, grpc.GetValue<int?>("WebPort") ?? 0, "Grpc:WebPort");
        if (Observability.OpsPortOptions.From(configuration) is { } ops)
        {
            await RequireAsync(ops.Address, ops.Port, "Ops:Port");
        }
    }

    private static async Task RequireAsync(IPAddress address, int port, string setting)
    {
        if (port is <= 0 or > 65535)
        {
            return;
        }

        var target = address.Equals(IPAddress.Any) ? IPAddress.Loopback : address.Equals(IPAddress.IPv6Any) ? IPAddress.IPv6Loopback : address;
        using var probe = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        using var timeout = new CancellationTokenSource(ConnectTimeout);
        try
        {
            await probe.ConnectAsync(new IPEndPoint(target, port), timeout.Token);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            // Nothing accepts there: the port is free for this silo.
            return;
        }

        throw new InvalidOperationException(
            $"{setting} {port} on {address} is in use on this machine (another silo, or another program listens there): give each silo on one machine its own {setting}.");
    }
}
