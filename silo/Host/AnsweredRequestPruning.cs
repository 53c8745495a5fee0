using Subscriptions.Grains.Infrastructure;
using Subscriptions.Storage.Grains;

namespace Subscriptions.Silo;

/// <summary>
/// Deletes answered request ids (IDEM-1) once they are older than <see cref="GrainRecordOptions.RequestIdRetention"/>,
/// measured on the silo's real clock (never a test clock), in batches, every <see cref="Interval"/> on every silo (the
/// deletes are idempotent). A failed pass is logged and retried at the next one; it never stops the silo.
/// </summary>
public sealed partial class AnsweredRequestPruning(GrainTables records, GrainRecordOptions options, TimeProvider time, ILogger<AnsweredRequestPruning> logger)
    : BackgroundService
{
    /// <summary>How often a pass runs.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(10);

    /// <summary>The most rows one delete removes.</summary>
    public const int BatchSize = 10_000;

    /// <summary>One pass: deletes every expired answer; returns how many.</summary>
    public async Task<int> PruneOnceAsync(CancellationToken cancellationToken = default)
    {
        var before = time.GetUtcNow() - options.RequestIdRetention;
        var total = 0;
        int deleted;
        do
        {
            deleted = await records.PruneAnswersAsync(before, BatchSize, cancellationToken);
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Count} answered request ids past their retention")]
    private static partial void LogPruned(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pruning answered request ids failed; the next pass retries: {Reason}")]
    private static partial void LogFailed(ILogger logger, string reason);
}
