using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Reminders;
using Orleans.Configuration;
using Orleans.Hosting;

namespace Subscriptions.Grains.Infrastructure;

/// <summary>Settings of the grains' records (configuration section "Grains").</summary>
public sealed class GrainRecordOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "Grains";

    /// <summary>How long an answered request id is kept for retries (IDEM-1), on the silo's real clock.</summary>
    public TimeSpan RequestIdRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// How often a woken grain's reminder fires again if its wake-up did not move it (a failed tick is retried then); one
    /// minute, the shortest period Orleans allows.
    /// </summary>
    public TimeSpan WakeRetryPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The least delay a reminder is registered with: a wake-up already due fires this long after it is armed rather than
    /// one period later. One due when a change commits it (an autopay at issue) runs at once on a grain timer; its
    /// committed reminder row, this far ahead, is then only the safety net.
    /// </summary>
    public TimeSpan MinimumWakeDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How old a stored intent (a change stopped between its nested changes and its own write) must be before a silo's
    /// sweep wakes its grain to finish it, when no call or activation came first (grains' clock).
    /// </summary>
    public TimeSpan IntentRecoveryDelay { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How many times in a row a sandbox event's wake-up may fail (not for an outage) before it is quarantined and its
    /// test clock goes on without it (CLOCK-1).
    /// </summary>
    public int ClockEventFailureLimit { get; set; } = 3;

    /// <summary>The most due events one wake-up handles before it re-arms itself at once (a long outage is caught up in steps).</summary>
    public int MaxEventsPerWake { get; set; } = 100;

    /// <summary>
    /// The most reminder ticks a silo runs at once. Orleans fires every due reminder at its time, all at once after a
    /// burst falls due; each tick's changes take database connections and threads, so the rest wait for a slot.
    /// </summary>
    public int MaxConcurrentWakeUps { get; set; } = 64;

    /// <summary>
    /// How long a tick waits for a slot before it is put off to its reminder's next tick (one period later); under the
    /// grain call timeout (Cluster:ResponseTimeout, 30 s), so the reminder service never sees the tick time out.
    /// </summary>
    public TimeSpan WakeUpQueueWait { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Whether a change's write keeps the grain's ops projection row (ops search, docs/ops.md) in the same statement. On
    /// by default; off only to measure what the projection costs the write path, and then ops search goes stale until
    /// <c>subscriptions-silo rebuild-projections</c> runs.
    /// </summary>
    public bool OpsProjection { get; set; } = true;

    /// <summary>Refuses settings the grains cannot run with, naming the setting and what it must be.</summary>
    public GrainRecordOptions Validate()
    {
        string? problem =
            MaxConcurrentWakeUps is < 1 or > 10_000 ? $"Grains:MaxConcurrentWakeUps must be from 1 to 10000 (got {MaxConcurrentWakeUps})."
            : WakeUpQueueWait < TimeSpan.Zero || WakeUpQueueWait > TimeSpan.FromMinutes(1) ? $"Grains:WakeUpQueueWait must be from 00:00:00 to 00:01:00 (got {WakeUpQueueWait})."
            : MaxEventsPerWake < 1 ? $"Grains:MaxEventsPerWake must be 1 or more (got {MaxEventsPerWake})."
            : ClockEventFailureLimit < 1 ? $"Grains:ClockEventFailureLimit must be 1 or more (got {ClockEventFailureLimit})."
            : RequestIdRetention <= TimeSpan.Zero || IntentRecoveryDelay <= TimeSpan.Zero || MinimumWakeDelay < TimeSpan.Zero
                ? "Grains:RequestIdRetention and Grains:IntentRecoveryDelay must be positive, Grains:MinimumWakeDelay not negative."
            : WakeRetryPeriod < TimeSpan.FromMinutes(1) ? $"Grains:WakeRetryPeriod must be at least 00:01:00, the shortest reminder period Orleans allows (got {WakeRetryPeriod})."
            : null;
        return problem is null ? this : throw new InvalidOperationException(problem);
    }
}

/// <summary>
/// The silo's wake-up slots (<see cref="GrainRecordOptions.MaxConcurrentWakeUps"/>). A tick waits a bounded time for
/// one and otherwise gives up, so two grains waking each other can never hold each other's slots.
/// </summary>
public sealed class WakeUpSlots(GrainRecordOptions options) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(options.MaxConcurrentWakeUps, options.MaxConcurrentWakeUps);

    /// <summary>A slot, released when disposed, or null when none came free in time.</summary>
    public async Task<IDisposable?> TryEnterAsync() =>
        await _slots.WaitAsync(options.WakeUpQueueWait) ? new Slot(_slots) : null;

    /// <inheritdoc />
    public void Dispose() => _slots.Dispose();

    private sealed class Slot(SemaphoreSlim slots) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                slots.Release();
            }
        }
    }
}

/// <summary>
/// The clock the grains read "now" from when they follow no test clock: the real one in production, a manual one in
/// tests. It is the grains' own, so a test moving it moves no timer inside Orleans.
/// </summary>
public sealed class GrainClock(TimeProvider time)
{
    /// <summary>The grains' time provider.</summary>
    public TimeProvider Time { get; } = time;
}

/// <summary>What every grain of this service is built with.</summary>
public sealed class GrainServices(
    IGrainTables tables, GrainClock clock, GrainRecordOptions options, WakeUpSlots wakeUps, ILoggerFactory loggers, BillingMetrics metrics, IOptions<ClusterOptions> cluster,
    IServiceProvider provider)
{
    /// <summary>The cluster's service id, which the reminder table's rows are kept under.</summary>
    public string ServiceId { get; } = cluster.Value.ServiceId;

    /// <summary>
    /// The clock Orleans' reminder service schedules with (the real one, in tests too): a reminder row committed with a
    /// change starts where the service's own registration of it will, so that registration writes nothing.
    /// </summary>
    public TimeProvider ReminderTime { get; } = provider.GetKeyedService<TimeProvider>(ReminderTimeProviderNames.Reminders) ?? TimeProvider.System;

    /// <summary>The silo's wake-up slots.</summary>
    public WakeUpSlots WakeUps { get; } = wakeUps;

    /// <summary>The tables the grains' changes are committed into, and the test clocks' schedules.</summary>
    public IGrainTables Tables { get; } = tables;

    /// <summary>The silo's clock (the real one in production).</summary>
    public TimeProvider Time { get; } = clock.Time;

    /// <summary>Retention and wake-up settings.</summary>
    public GrainRecordOptions Options { get; } = options;

    /// <summary>
    /// How long before its tick Orleans' reminder service loads a reminder from the table into memory (its
    /// <c>ReminderLoadingWindow</c>): a reminder further off than that lives only in the table until one of the service's
    /// reads of it (every <c>RefreshReminderListPeriod</c>) brings it within the window, whether registered or not.
    /// <see cref="TimeSpan.MaxValue"/> when the silo has no reminder service configured.
    /// </summary>
    public TimeSpan ReminderLoadingWindow { get; } = provider.GetService<IOptions<ReminderOptions>>()?.Value.ReminderLoadingWindow ?? TimeSpan.MaxValue;

    /// <summary>Where grains log.</summary>
    public ILoggerFactory Loggers { get; } = loggers;

    /// <summary>The business counters committed changes and reminder ticks are measured with.</summary>
    public BillingMetrics Metrics { get; } = metrics;
}
