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
    /// How long a watch waits for a gap in the outbox ids to fill before it goes on: an id is taken when its change's
    /// statement runs and shows once it commits, so a later id may show first. A gap older than this (the message after
    /// it was committed this long ago) is passed at once.
    /// </summary>
    public static readonly TimeSpan GapWait = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a watch keeps looking for the ids of a gap it went past: one that commits within this is sent when it
    /// does, after the messages behind it; one that never shows belonged to a change that rolled back.
    /// </summary>
    public static readonly TimeSpan LateCommitWindow = TimeSpan.FromMinutes(5);

    /// <summary>The most ids of passed gaps a watch keeps looking for.</summary>
    public const int MaxLateIds = 1000;

    /// <inheritdoc />
    public async Task<IReadOnlyList<NotificationDeliveryView>> ListAsync(string state, string? accountId, int limit, CancellationToken cancellationToken) =>
        [.. (await tables.ListAsync(state, accountId, limit, cancellationToken)).Select(View)];

    /// <inheritdoc />
    public async Task<(string PreviousState, bool Retried, NotificationDeliveryView Delivery)?> RedeliverAsync(
        string eventId, string sink, string caller, string requestId, string reason, CancellationToken cancellationToken)
    {
        if (EventIds.OutboxIdOf(eventId) is not { } outboxId)
        {
            return null;
        }

        var before = await tables.RedeliverAsync(outboxId, sink, caller, requestId, reason, time.GetUtcNow(), cancellationToken);
        return before is { } done && await tables.FindAsync(outboxId, sink, cancellationToken) is { } now ? (done.State, done.Retried, View(now)) : null;
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<TransitionView> WatchAsync(TransitionFilter filter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var last = filter.AfterEventId is { } after ? EventIds.OutboxIdOf(after) ?? 0 : await tables.LatestOutboxIdAsync(cancellationToken);
        DateTimeOffset? gapSeen = null;
        var late = new Dictionary<long, DateTimeOffset>();
        bool Wanted(OutboxMessage message) =>
            (filter.AccountId is null || message.AccountId == filter.AccountId)
            && (filter.GrainType is null || message.GrainType == filter.GrainType)
            && (filter.Kinds.Count == 0 || filter.Kinds.Contains(message.Kind));

        while (!cancellationToken.IsCancellationRequested)
        {
            // Ids of gaps passed before: those committed since are sent now; those still missing after the window are dropped.
            if (late.Count > 0)
            {
                foreach (var message in await tables.ReadOutboxIdsAsync(late.Keys, cancellationToken))
                {
                    late.Remove(message.Id);
                    if (Wanted(message))
                    {
                        yield return View(message);
                    }
                }

                foreach (var expired in late.Where(l => time.GetUtcNow() - l.Value > LateCommitWindow).Select(l => l.Key).ToList())
                {
                    late.Remove(expired);
                }
            }

            // Every message is read (not only the wanted ones) to see the gaps in the ids, which the filter would hide.
            var batch = await tables.ReadOutboxAfterAsync(last, 500, cancellationToken);
            foreach (var message in batch)
            {
                if (message.Id != last + 1)
                {
                    var now = time.GetUtcNow();
                    gapSeen ??= now;
                    if (now - gapSeen < GapWait && now - message.CreatedAt < GapWait)
                    {
                        break;
                    }

                    for (var id = last + 1; id < message.Id && late.Count < MaxLateIds; id++)
                    {
                        late[id] = now;
                    }
                }

                gapSeen = null;
                last = message.Id;
                if (Wanted(message))
                {
                    yield return View(message);
                }
            }

            if (batch.Count < 500 || gapSeen is not null)
            {
                await Task.Delay(WatchInterval, time, cancellationToken);
            }
        }
    }

    private static TransitionView View(OutboxMessage message) => new(
        NotificationEvent.EventIdOf(message.Id), message.AccountId, message.GrainType, message.GrainKey, message.Kind, message.CreatedAt, message.PayloadJson);

    private static NotificationDeliveryView View(DeliveryRow row) => new(
        NotificationEvent.EventIdOf(row.OutboxId), row.Sink, row.AccountId, row.Kind, row.Subject, row.State, row.Attempts, row.LastError,
        row.CreatedAt, row.NextAttemptAt, row.DeliveredAt);
}
