using Subscriptions.Testing;

namespace Subscriptions.TestHost;

/// <summary>Free TCP ports on the loopback interface, for silos and endpoints started by tests.</summary>
public static class FreePorts
{
    /// <summary>A port nothing listens on right now, below the kernel's ephemeral range (see <see cref="LoopbackPorts"/>).</summary>
    public static int Next() => LoopbackPorts.Next();

    /// <summary>Command-line settings giving a silo its own silo and gateway ports on 127.0.0.1.</summary>
    public static string[] SiloArguments() =>
        ["--Cluster:AdvertisedAddress=127.0.0.1", $"--Cluster:SiloPort={Next()}", $"--Cluster:GatewayPort={Next()}"];
}
