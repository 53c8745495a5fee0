namespace Subscriptions.Grpc.Api.Ops;

/// <summary>What the API reads of outbound notifications (NOT-1) for ops, and the corrections it makes; the host implements it on its outbox and delivery tables.</summary>
public interface INotificationDeliveries
{
    /// <summary>Deliveries in <paramref name="state"/> ("pending", "delivered", "dead"), oldest first, optionally of one account.</summary>
    Task<IReadOnlyList<NotificationDeliveryView>> ListAsync(string state, string? accountId, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Sends a dead letter again (its delivery to <paramref name="sink"/> goes back to pending, attempts reset), recording
    /// the caller, request id and reason; a retry of the caller's request id changes nothing. Returns the delivery's state
    /// before, whether the request was a retry, and the delivery now; null when there is no such delivery.
    /// </summary>
    Task<(string PreviousState, bool Retried, NotificationDeliveryView Delivery)?> RedeliverAsync(
        string eventId, string sink, string caller, string requestId, string reason, CancellationToken cancellationToken);

    /// <summary>
    /// The notifications committed from now on (or after event <see cref="TransitionFilter.AfterEventId"/>), in commit
    /// order, as they are committed, until <paramref name="cancellationToken"/> ends the watch.
    /// </summary>
    IAsyncEnumerable<TransitionView> WatchAsync(TransitionFilter filter, CancellationToken cancellationToken);
}

/// <summary>Which committed notifications a watch wants: of one account, one grain type, some kinds (empty: all), after an event id (null: from now).</summary>
public sealed record TransitionFilter(string? AccountId, string? GrainType, IReadOnlySet<string> Kinds, string? AfterEventId);

/// <summary>One committed notification as a watch sees it: its event id, the grain whose change produced it, kind, time and payload.</summary>
public sealed record TransitionView(string EventId, string AccountId, string GrainType, string GrainKey, string Kind, DateTimeOffset At, string PayloadJson);

/// <summary>One notification's delivery to one sink, as ops see it.</summary>
public sealed record NotificationDeliveryView(
    string EventId,
    string Sink,
    string AccountId,
    string Kind,
    string Source,
    string State,
    int Attempts,
    string? LastError,
    DateTimeOffset CreatedAt,
    DateTimeOffset NextAttemptAt,
    DateTimeOffset? DeliveredAt);
