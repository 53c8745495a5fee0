namespace Subscriptions.Grpc.Api.Ops;

/// <summary>What the API reads of outbound notification deliveries (NOT-1) for ops; the host implements it on its delivery table.</summary>
public interface INotificationDeliveries
{
    /// <summary>Deliveries in <paramref name="state"/> ("pending", "delivered", "dead"), oldest first, optionally of one account.</summary>
    Task<IReadOnlyList<NotificationDeliveryView>> ListAsync(string state, string? accountId, int limit, CancellationToken cancellationToken);
}

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
