using Npgsql;
using Subscriptions.Grains.Infrastructure;
using Subscriptions.Grpc.Api.Ops;

namespace Subscriptions.Silo.Notifications;

/// <summary>Reads the notification delivery table for ops (NOT-1): dead letters, pending retries, deliveries.</summary>
public sealed class NotificationDeliveries(NpgsqlDataSource dataSource) : INotificationDeliveries
{
    /// <inheritdoc />
    public Task<IReadOnlyList<NotificationDeliveryView>> ListAsync(string state, string? accountId, int limit, CancellationToken cancellationToken) =>
        GrainRecords.GuardAsync<IReadOnlyList<NotificationDeliveryView>>("reading notification deliveries", async () =>
        {
            await using var command = dataSource.CreateCommand(
                """
                SELECT d.outbox_id, d.sink, d.account_id, o.kind, o.grain_type || '/' || o.grain_key, d.state, d.attempts, d.last_error,
                       o.created_at, d.next_attempt_at, d.delivered_at
                  FROM public.notification_deliveries d JOIN public.outbox o ON o.id = d.outbox_id
                 WHERE d.state = $1 AND ($2::text IS NULL OR d.account_id = $2)
                 ORDER BY d.outbox_id, d.sink
                 LIMIT $3
                """);
            command.Parameters.Add(new() { Value = state });
            command.Parameters.Add(new() { Value = (object?)accountId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            command.Parameters.Add(new() { Value = limit });
            var found = new List<NotificationDeliveryView>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                found.Add(new NotificationDeliveryView(
                    NotificationEvent.EventIdOf(reader.GetInt64(0)),
                    reader.GetString(1),
                    reader.GetString(2),
                    reader.GetString(3),
                    reader.GetString(4),
                    reader.GetString(5),
                    reader.GetInt32(6),
                    reader.IsDBNull(7) ? null : reader.GetString(7),
                    reader.GetFieldValue<DateTimeOffset>(8),
                    reader.GetFieldValue<DateTimeOffset>(9),
                    reader.IsDBNull(10) ? null : reader.GetFieldValue<DateTimeOffset>(10)));
            }

            return found;
        });
}
