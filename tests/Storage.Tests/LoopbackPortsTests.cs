using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Subscriptions.Testing;

namespace Subscriptions.Storage.Tests;

/// <summary>
/// The ports the tests give their silos lie below the kernel's ephemeral range, where no outgoing connection can take
/// one between the pick and the silo's bind.
/// </summary>
public sealed class LoopbackPortsTests
{
    [Fact]
    public void A_handed_out_port_is_below_the_ephemeral_range_free_to_bind_and_not_handed_out_again()
    {
        var ephemeralLow = int.Parse(
            File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries)[0],
            CultureInfo.InvariantCulture);

        var ports = Enumerable.Range(0, 200).Select(_ => LoopbackPorts.Next()).ToList();

        Assert.All(ports, port => Assert.InRange(port, 10_000, ephemeralLow - 1));
        Assert.Equal(ports.Count, ports.Distinct().Count());
        using var listener = new TcpListener(IPAddress.Loopback, ports[^1]);
        listener.Start();
    }
}
