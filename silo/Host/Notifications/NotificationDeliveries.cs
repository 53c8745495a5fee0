using Subscriptions.Grpc.Api.Ops;
using Subscriptions.Storage.Notifications;

namespace Subscriptions.Silo.Notifications;

/// <summary>Reads the notification deliveries for ops (NOT-1): dead letters, pending retries, deliveries.</summary>
public sealed class NotificationDeliveries(NotificationTables tables) : INotificationDeliveries
{
    /// <inheritdoc />
    public async Task<IReadOnlyList<NotificationDeliveryView>> ListAsync(string state, string? accountId, int limit, CancellationToken cancellationToken) =>
        [.. (await tables.ListAsync(state, accountId, limit, cancellationToken)).Select(row => new NotificationDeliveryView(
            NotificationEvent.EventIdOf(row.OutboxId), row.Sink, row.AccountId, row.Kind, row.Subject, row.State, row.Attempts, row.LastError,
            row.CreatedAt, row.NextAttemptAt, row.DeliveredAt))];
}
