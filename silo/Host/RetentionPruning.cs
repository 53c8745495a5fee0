namespace Subscriptions.Silo;

/// <summary>
/// A silo's pass that deletes rows once they are older than their retention, measured on the silo's real clock (never
/// a test clock), in batches, every <see cref="Interval"/> on every silo (the deletes are idempotent). A failed pass is
/// logged and retried at the next one; it never stops the silo.
/// </summary>
public abstract partial class RetentionPruning(TimeProvider time, ILogger logger) : BackgroundService
{
    /// <summary>How often a pass runs.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(10);

    /// <summary>What the pass deletes, as the log names it ("answered request ids").</summary>
    protected abstract string What { get; }

    /// <summary>How long a row is kept.</summary>
    protected abstract TimeSpan Retention { get; }

    /// <summary>The most rows one delete removes.</summary>
    protected abstract int BatchSize { get; }

    /// <summary>Deletes at most <paramref name="limit"/> rows older than <paramref name="before"/>; returns how many.</summary>
    protected abstract Task<int> DeleteAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken);

    /// <summary>One pass: deletes every row past the retention, a batch at a time; returns how many.</summary>
    public async Task<int> PruneOnceAsync(CancellationToken cancellationToken = default)
    {
        var before = time.GetUtcNow() - Retention;
        var total = 0;
        int deleted;
        do
        {
            deleted = await DeleteAsync(before, BatchSize, cancellationToken);
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
                LogPruned(logger, deleted, What);
            }
        }, e => LogFailed(logger, What, e.Message), stoppingToken);

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Count} {What} past their retention")]
    private static partial void LogPruned(ILogger logger, int count, string what);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pruning {What} failed; the next pass retries: {Reason}")]
    private static partial void LogFailed(ILogger logger, string what, string reason);
}
