using System.Globalization;
using System.Net;
using Subscriptions.Domain;

namespace Subscriptions.Silo.Observability;

/// <summary>
/// The ops HTTP port (configuration section "Ops"): the Orleans Dashboard and Prometheus metrics on an HTTP/1.1
/// endpoint of their own, for callers with the ops role. Off while <c>Ops:Port</c> is unset or empty; on
/// <c>Ops:Address</c>, loopback (127.0.0.1) unless set.
/// </summary>
public sealed record OpsPortOptions(IPAddress Address, int Port)
{
    /// <summary>The configuration section the options are read from.</summary>
    public const string SectionName = "Ops";

    /// <summary>
    /// The ops port's settings, or null when <c>Ops:Port</c> is unset or empty (no ops port). Throws naming the
    /// setting when the port is not 1 to 65535, the address is not an IP address, or the port is one the gRPC
    /// endpoints already use.
    /// </summary>
    public static OpsPortOptions? From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(SectionName);
        var configured = section["Port"];
        if (string.IsNullOrWhiteSpace(configured))
        {
            return null;
        }

        var isNumber = int.TryParse(configured, NumberStyles.Integer, CultureInfo.InvariantCulture, out var port);
        if (!isNumber || port is < 1 or > 65535)
        {
            throw new InvalidOperationException(
                $"Configuration \"Ops:Port\" is {(isNumber ? port.ToString(CultureInfo.InvariantCulture) : Quoted.Of(configured))}; it must be a TCP port, 1 to 65535 (leave it unset for no ops port).");
        }

        var address = section["Address"] is { Length: > 0 } text
            ? IPAddress.TryParse(text, out var parsed) ? parsed
                : throw new ArgumentException($"Ops:Address {Quoted.Of(text)} is not an IP address (e.g. 127.0.0.1, 0.0.0.0 or ::).", nameof(configuration))
            : IPAddress.Loopback;
        var grpc = configuration.GetSection("Grpc");
        foreach (var (setting, used) in new[] { ("Grpc:Port", grpc["Port"] ?? "5080"), ("Grpc:WebPort", grpc["WebPort"]) })
        {
            if (int.TryParse(used, NumberStyles.Integer, CultureInfo.InvariantCulture, out var taken) && taken == port)
            {
                throw new InvalidOperationException($"Ops:Port {port} is also {setting}: give the ops pages a port of their own.");
            }
        }

        return new OpsPortOptions(address, port);
    }
}
