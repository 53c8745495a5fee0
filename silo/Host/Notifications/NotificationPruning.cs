using Subscriptions.Storage.Notifications;

namespace Subscriptions.Silo.Notifications;

/// <summary>
/// Deletes outbox messages delivered to every sink once they are older than <see cref="NotificationOptions.Retention"/>,
/// with their delivery rows, measured on the silo's real clock, in batches, every <see cref="Interval"/> on every silo
/// (the deletes are idempotent). A message with a pending or dead delivery is kept. A failed pass is logged and retried at
/// the next one; it never stops the silo.
/// </summary>
public sealed partial class NotificationPruning(NotificationTables tables, NotificationOptions options, TimeProvider time, ILogger<NotificationPruning> logger)
    : BackgroundService
{
    /// <summary>How often a pass runs.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(10);

    /// <summary>The most messages one delete removes.</summary>
    public const int BatchSize = 5_000;

    /// <summary>One pass: deletes every delivered message past the retention; returns how many.</summary>
    public async Task<int> PruneOnceAsync(CancellationToken cancellationToken = default)
    {
        var before = time.GetUtcNow() - options.Retention;
        var total = 0;
        int deleted;
        do
        {
            deleted = await tables.PruneDeliveredAsync(before, BatchSize, cancellationToken);
            total += deleted;
        }
        while (deleted == BatchSize);

        return total;
    }

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        PeriodicPass.RunAsync(Interval, time, async token =>
        {
            var deleted = await PruneOnceAsync(token);
            if (deleted > 0)
            {
                LogPruned(logger, deleted);
            }
        }, e => LogFailed(logger, e.Message), stoppingToken);

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Count} delivered notifications past their retention")]
    private static partial void LogPruned(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pruning delivered notifications failed; the next pass retries: {Reason}")]
    private static partial void LogFailed(ILogger logger, string reason);
}
