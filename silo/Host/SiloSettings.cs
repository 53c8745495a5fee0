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

    /// <summary>
    /// How long a liveness probe waits for another silo's answer, and the period between probes (Orleans' ProbeTimeout
    /// and MaxProbeTimeout). A silo that misses <see cref="MissedProbesLimit"/> probes in a row and sent nothing for as
    /// long is voted dead, even if its connections are still open (a frozen process).
    /// </summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(1.5);

    /// <summary>Missed probes in a row after which a silo votes another dead (Orleans' NumMissedProbesLimit).</summary>
    public int MissedProbesLimit { get; set; } = 3;

    /// <summary>Votes that declare a silo dead (Orleans' NumVotesForDeathDeclaration); one, so that a two-silo cluster can evict.</summary>
    public int DeathVotes { get; set; } = 1;

    /// <summary>How long a grain call waits for its answer unless its caller's deadline, or the eviction of the silo it went to, ends it first (Orleans' ResponseTimeout).</summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a grain activation stays in memory after its last call (Orleans' CollectionAge). Accounts,
    /// subscriptions and invoices are each woken about once a period, so keeping them long buys little; a renewal burst
    /// keeps about this long's worth of its grains in memory at once, so it bounds the silo's memory by the burst's rate,
    /// not by how many grains it touches (docs/runtime.md, "Memory").
    /// </summary>
    public TimeSpan IdleActivationAge { get; set; } = TimeSpan.FromMinutes(2);

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

        try
        {
            _ = new Npgsql.NpgsqlConnectionStringBuilder(ConnectionString);
        }
        catch (ArgumentException e)
        {
            // Npgsql's own message names a character index; the setting and the expected form are what help.
            throw new ArgumentException(
                $"ConnectionStrings:Subscriptions is not a PostgreSQL connection string ({e.Message}); expected \"Host=...;Port=5432;Username=...;Password=...;Database=...\".",
                nameof(ConnectionString));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(StartupAttempts, 1, "Silo:StartupAttempts");
        ArgumentException.ThrowIfNullOrWhiteSpace(ClusterId, "Cluster:ClusterId");
        ArgumentException.ThrowIfNullOrWhiteSpace(ServiceId, "Cluster:ServiceId");
        if (SiloPort is < 0 or > 65535 || GatewayPort is < 0 or > 65535)
        {
            throw new ArgumentException($"Cluster:SiloPort ({SiloPort}) and Cluster:GatewayPort ({GatewayPort}) must be TCP ports.", nameof(SiloPort));
        }

        if (ProbeTimeout < TimeSpan.FromMilliseconds(100) || ProbeTimeout > TimeSpan.FromMinutes(1))
        {
            throw new ArgumentException($"Cluster:ProbeTimeout ({ProbeTimeout}) must be from 00:00:00.1 to 00:01:00.", nameof(ProbeTimeout));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(MissedProbesLimit, 1, "Cluster:MissedProbesLimit");
        ArgumentOutOfRangeException.ThrowIfLessThan(DeathVotes, 1, "Cluster:DeathVotes");
        if (ResponseTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"Cluster:ResponseTimeout ({ResponseTimeout}) must be positive.", nameof(ResponseTimeout));
        }

        if (IdleActivationAge <= TimeSpan.FromMinutes(1) || IdleActivationAge > TimeSpan.FromDays(1))
        {
            throw new ArgumentException(
                $"Cluster:IdleActivationAge ({IdleActivationAge}) must be more than 00:01:00 (Orleans collects idle activations once a minute) and at most 1.00:00:00.",
                nameof(IdleActivationAge));
        }

        if (!IPAddress.TryParse(AdvertisedAddress, out _))
        {
            throw new ArgumentException($"Cluster:AdvertisedAddress {Subscriptions.Domain.Quoted.Of(AdvertisedAddress)} is not an IP address.", nameof(AdvertisedAddress));
        }
    }
}
