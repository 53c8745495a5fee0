namespace Subscriptions.Runtime;

/// <summary>Settings of one silo's grain runtime (section "Runtime" of the configuration).</summary>
public sealed class GrainRuntimeOptions
{
    /// <summary>PostgreSQL connection string (ConnectionStrings:Subscriptions).</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>This silo's name in leases and write notifications; unique per process by default.</summary>
    public string SiloId { get; set; } = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>Idle activations older than this are collected (Orleans' default collection age is 15 minutes).</summary>
    public TimeSpan CollectionAge { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often the collector looks for idle activations.</summary>
    public TimeSpan CollectionInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>A call not answered within this time fails with a timeout error.</summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the reminder service looks for due reminders.</summary>
    public TimeSpan ReminderPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a claimed reminder is reserved for this silo; after that another silo may deliver it again.</summary>
    public TimeSpan ReminderLease { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Most reminders claimed in one poll.</summary>
    public int ReminderBatchSize { get; set; } = 200;

    /// <summary>How long answered request ids are remembered for idempotent retries (IDEM-1).</summary>
    public TimeSpan RequestIdRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Run the background loops (reminder polling, collection, write notifications). Tests drive them by hand.</summary>
    public bool RunBackgroundServices { get; set; } = true;

    /// <summary>Apply pending schema migrations at start-up.</summary>
    public bool MigrateOnStart { get; set; } = true;

    /// <summary>Attempts to reach the database at start-up before giving up (one every 2 seconds).</summary>
    public int StartupAttempts { get; set; } = 5;

    /// <summary>Throws an ArgumentException naming the first setting that is missing or out of range.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            throw new ArgumentException("No PostgreSQL connection string is configured (ConnectionStrings:Subscriptions).", nameof(ConnectionString));
        }

        Positive(CollectionAge, nameof(CollectionAge));
        Positive(CollectionInterval, nameof(CollectionInterval));
        Positive(ResponseTimeout, nameof(ResponseTimeout));
        Positive(ReminderPollInterval, nameof(ReminderPollInterval));
        Positive(ReminderLease, nameof(ReminderLease));
        ArgumentOutOfRangeException.ThrowIfLessThan(ReminderBatchSize, 1, nameof(ReminderBatchSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(StartupAttempts, 1, nameof(StartupAttempts));
    }

    private static void Positive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be positive.");
        }
    }
}
