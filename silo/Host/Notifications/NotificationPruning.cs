using Subscriptions.Storage.Notifications;

namespace Subscriptions.Silo.Notifications;

/// <summary>
/// Deletes outbox messages delivered to every sink once they are older than <see cref="NotificationOptions.Retention"/>,
/// with their delivery rows (<see cref="RetentionPruning"/>: real clock, batches, every 10 minutes on every silo). A
/// message with a pending or dead delivery is kept.
/// </summary>
public sealed class NotificationPruning(NotificationTables tables, NotificationOptions options, TimeProvider time, ILogger<NotificationPruning> logger)
    : RetentionPruning(time, logger)
{
    /// <inheritdoc />
    protected override string What => "delivered notifications";

    /// <inheritdoc />
    protected override TimeSpan Retention => options.Retention;

    /// <inheritdoc />
    protected override int BatchSize => 5_000;

    /// <inheritdoc />
    protected override Task<int> DeleteAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken) =>
        tables.PruneDeliveredAsync(before, limit, cancellationToken);
}
