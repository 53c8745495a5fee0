using System.Globalization;
using System.Runtime.CompilerServices;
using Subscriptions.Grpc.Api.Ops;
using Subscriptions.Storage.Notifications;

namespace Subscriptions.Silo.Notifications;

/// <summary>
/// Reads the notification deliveries for ops (NOT-1): dead letters, pending retries, deliveries; sends a dead letter
/// again; and follows the outbox as changes commit.
/// </summary>
public sealed class NotificationDeliveries(NotificationTables tables, TimeProvider time) : INotificationDeliveries
{
    /// <summary>How often a watch looks for newly committed notifications.</summary>
    public static readonly TimeSpan WatchInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// How long a watch waits for a gap in the outbox ids to fill: an id is taken when its change's statement runs and
    /// shows once it commits, so a later id may show first; a gap still open after this belongs to a change that rolled back.
    /// </summary>
    public static readonly TimeSpan GapWait = TimeSpan.FromSeconds(5);

    /// <inheritdoc />
    public async Task<IReadOnlyList<NotificationDeliveryView>> ListAsync(string state, string? accountId, int limit, CancellationToken cancellationToken) =>
        [.. (await tables.ListAsync(state, accountId, limit, cancellationToken)).Select(View)];

    /// <inheritdoc />
    public async Task<(string PreviousState, NotificationDeliveryView Delivery)?> RedeliverAsync(
        string eventId, string sink, string caller, string reason, CancellationToken cancellationToken)
    {
        if (OutboxIdOf(eventId) is not { } outboxId)
        {
            return null;
        }

        var before = await tables.RedeliverAsync(outboxId, sink, caller, reason, time.GetUtcNow(), cancellationToken);
        return before is not null && await tables.FindAsync(outboxId, sink, cancellationToken) is { } now ? (before, View(now)) : null;
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<TransitionView> WatchAsync(TransitionFilter filter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var last = filter.AfterEventId is { } after ? OutboxIdOf(after) ?? 0 : await tables.LatestOutboxIdAsync(cancellationToken);
        DateTimeOffset? gapSeen = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            // Every message is read (not only the account's) to see the gaps in the ids, which the filter would hide.
            var batch = await tables.ReadOutboxAfterAsync(last, null, null, 500, cancellationToken);
            foreach (var message in batch)
            {
                if (message.Id != last + 1)
                {
                    gapSeen ??= time.GetUtcNow();
                    if (time.GetUtcNow() - gapSeen < GapWait)
                    {
                        break;
                    }
                }

                gapSeen = null;
                last = message.Id;
                if ((filter.AccountId is null || message.AccountId == filter.AccountId)
                    && (filter.GrainType is null || message.GrainType == filter.GrainType)
                    && (filter.Kinds.Count == 0 || filter.Kinds.Contains(message.Kind)))
                {
                    yield return new TransitionView(
                        NotificationEvent.EventIdOf(message.Id), message.AccountId, message.GrainType, message.GrainKey, message.Kind, message.CreatedAt, message.PayloadJson);
                }
            }

            if (batch.Count < 500 || gapSeen is not null)
            {
                await Task.Delay(WatchInterval, time, cancellationToken);
            }
        }
    }

    /// <summary>The outbox id of event id "evt_000000000042", or null.</summary>
    public static long? OutboxIdOf(string eventId) =>
        eventId.StartsWith("evt_", StringComparison.Ordinal) && long.TryParse(eventId.AsSpan(4), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;

    private static NotificationDeliveryView View(DeliveryRow row) => new(
        NotificationEvent.EventIdOf(row.OutboxId), row.Sink, row.AccountId, row.Kind, row.Subject, row.State, row.Attempts, row.LastError,
        row.CreatedAt, row.NextAttemptAt, row.DeliveredAt);
}
