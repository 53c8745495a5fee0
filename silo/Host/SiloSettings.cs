using System.Net;

namespace Subscriptions.Silo;

/// <summary>
/// The silo's settings: the database (ConnectionStrings:Subscriptions), start-up (section "Silo") and the cluster
/// (section "Cluster"). Every silo of one cluster shares the database, the cluster id and the service id.
/// </summary>
public sealed class SiloSettings
{
    /// <summary>PostgreSQL connection string (ConnectionStrings:Subscriptions).</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>Attempts to reach the database at start-up before giving up with exit code 3 (one every 2 seconds).</summary>
    public int StartupAttempts { get; set; } = 5;

    /// <summary>Apply pending schema migrations at start-up.</summary>
    public bool MigrateOnStart { get; set; } = true;

    /// <summary>The Orleans cluster id: silos with the same id on the same database form one cluster.</summary>
    public string ClusterId { get; set; } = "subscriptions";

    /// <summary>The Orleans service id: names the service's grain state and reminders; never change it once data exists.</summary>
    public string ServiceId { get; set; } = "subscriptions";

    /// <summary>The port silos talk to each other on.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>The port Orleans clients connect to (the gRPC API runs in the silo and does not need it).</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>The address other silos reach this one at (advertised in the membership table).</summary>
    public string AdvertisedAddress { get; set; } = "127.0.0.1";

    /// <summary>Reads the settings from configuration; throws an ArgumentException naming a bad one.</summary>
    public static SiloSettings From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var settings = new SiloSettings();
        configuration.GetSection("Silo").Bind(settings);
        configuration.GetSection("Cluster").Bind(settings);
        settings.ConnectionString = configuration.GetConnectionString("Subscriptions") ?? "";
        settings.Validate();
        return settings;
    }

    /// <summary>The advertised address as an IP address.</summary>
    public IPAddress AdvertisedIPAddress => IPAddress.Parse(AdvertisedAddress);

    private void Validate()
    {
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            throw new ArgumentException("No PostgreSQL connection string is configured (ConnectionStrings:Subscriptions).", nameof(ConnectionString));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(StartupAttempts, 1, "Silo:StartupAttempts");
        ArgumentException.ThrowIfNullOrWhiteSpace(ClusterId, "Cluster:ClusterId");
        ArgumentException.ThrowIfNullOrWhiteSpace(ServiceId, "Cluster:ServiceId");
        if (SiloPort is < 0 or > 65535 || GatewayPort is < 0 or > 65535)
        {
            throw new ArgumentException($"Cluster:SiloPort ({SiloPort}) and Cluster:GatewayPort ({GatewayPort}) must be TCP ports.", nameof(SiloPort));
        }

        if (!IPAddress.TryParse(AdvertisedAddress, out _))
        {
            throw new ArgumentException($"Cluster:AdvertisedAddress {Subscriptions.Domain.Quoted.Of(AdvertisedAddress)} is not an IP address.", nameof(AdvertisedAddress));
        }
    }
}
