using Subscriptions.Grains.Infrastructure;
using Subscriptions.Storage.Grains;

namespace Subscriptions.Silo;

/// <summary>
/// Deletes answered request ids (IDEM-1) once they are older than <see cref="GrainRecordOptions.RequestIdRetention"/>
/// (<see cref="RetentionPruning"/>: real clock, batches, every 10 minutes on every silo).
/// </summary>
public sealed class AnsweredRequestPruning(GrainTables records, GrainRecordOptions options, TimeProvider time, ILogger<AnsweredRequestPruning> logger)
    : RetentionPruning(time, logger)
{
    /// <inheritdoc />
    protected override string What => "answered request ids";

    /// <inheritdoc />
    protected override TimeSpan Retention => options.RequestIdRetention;

    /// <inheritdoc />
    protected override int BatchSize => 10_000;

    /// <inheritdoc />
    protected override Task<int> DeleteAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken) =>
        records.PruneAnswersAsync(before, limit, cancellationToken);
}
