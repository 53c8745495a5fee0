using Npgsql;
using Subscriptions.Grains.Infrastructure;

namespace Subscriptions.Storage.Notifications;

/// <summary>
/// The outbound notification tables (NOT-1) on the service's one data source: the sinks, and one delivery row per sink
/// and outbox message (numbered in its account's stream and created by the write that commits the message). The sender works a sink
/// under a cluster-wide advisory lock (<see cref="WithSinkLockAsync"/>); ops read the rows (<see cref="ListAsync"/>).
/// </summary>
public sealed class NotificationTables(NpgsqlDataSource dataSource)
{
    /// <summary>Enables <paramref name="sinks"/>; idempotent. A silo never disables a sink: another may still be configured with it.</summary>
    public Task EnableSinksAsync(IReadOnlyList<string> sinks, CancellationToken cancellationToken) =>
        Database.GuardAsync("registering notification sinks", async () =>
        {
            await using var enable = dataSource.CreateCommand(
                "INSERT INTO public.notification_sinks (sink, enabled) SELECT unnest($1::text[]), true ON CONFLICT (sink) DO UPDATE SET enabled = true, updated_at = now()");
            enable.Parameters.Add(new() { Value = sinks.ToArray() });
            await enable.ExecuteNonQueryAsync(cancellationToken);
        });

    /// <summary>
    /// Runs <paramref name="work"/> on one connection holding <paramref name="sink"/>'s delivery lock, cluster-wide, and
    /// releases it after; returns 0 without running it when another silo holds the lock. A lock that cannot be released
    /// (a broken connection) ends with its session and is reported to <paramref name="unlockFailed"/>.
    /// </summary>
    public Task<int> WithSinkLockAsync(string sink, Func<DeliveryPass, Task<int>> work, Action<string> unlockFailed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        ArgumentNullException.ThrowIfNull(unlockFailed);
        return Database.GuardAsync($"delivering notifications to {sink}", async () =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            var lockKey = $"notifications:{sink}";
            if (!await ScalarAsync<bool>(connection, "SELECT pg_try_advisory_lock(hashtext($1))", cancellationToken, lockKey))
            {
                return 0;
            }

            try
            {
                return await work(new DeliveryPass(connection, sink));
            }
            finally
            {
                try
                {
                    await ScalarAsync<bool>(connection, "SELECT pg_advisory_unlock(hashtext($1))", CancellationToken.None, lockKey);
                }
                catch (Exception unlock) when (unlock is NpgsqlException or InvalidOperationException)
                {
                    unlockFailed(unlock.Message);
                }
            }
        });
    }

    /// <summary>
    /// Deletes at most <paramref name="limit"/> outbox messages created before <paramref name="before"/> and delivered to
    /// every sink they were queued for, with their delivery rows; a message with a pending or dead delivery stays. Returns
    /// how many messages went.
    /// </summary>
    public Task<int> PruneDeliveredAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken) =>
        Database.GuardAsync("pruning delivered notifications", async () =>
        {
            // A message and its delivery rows go in one statement (found by their key, sink and message, through the few
            // sinks there are), so no delivery is ever left without its message.
            await using var command = dataSource.CreateCommand(
                """
                WITH old AS (
                    SELECT o.id FROM public.outbox o
                     WHERE o.created_at < $1
                       AND NOT EXISTS (SELECT 1 FROM public.notification_sinks s JOIN public.notification_deliveries d ON d.sink = s.sink
                                        WHERE d.outbox_id = o.id AND d.state <> 'delivered')
                     LIMIT $2),
                deliveries AS (
                    DELETE FROM public.notification_deliveries d USING old, public.notification_sinks s WHERE d.sink = s.sink AND d.outbox_id = old.id)
                DELETE FROM public.outbox o USING old WHERE o.id = old.id
                """);
            command.Parameters.Add(new() { Value = before.ToUniversalTime() });
            command.Parameters.Add(new() { Value = limit });
            return await command.ExecuteNonQueryAsync(cancellationToken);
        });

    /// <summary>Delivery rows in <paramref name="state"/> (pending, delivered, dead), of one account or all, oldest message first.</summary>
    public Task<IReadOnlyList<DeliveryRow>> ListAsync(string state, string? accountId, int limit, CancellationToken cancellationToken) =>
        Database.GuardAsync<IReadOnlyList<DeliveryRow>>("reading notification deliveries", async () =>
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
            var found = new List<DeliveryRow>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                found.Add(ReadDelivery(reader));
            }

            return found;
        });

    private static async Task<IReadOnlyList<OutboxMessage>> ReadOutboxAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var found = new List<OutboxMessage>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            found.Add(new OutboxMessage(
                reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetFieldValue<DateTimeOffset>(5), reader.GetString(6)));
        }

        return found;
    }

    private static DeliveryRow ReadDelivery(NpgsqlDataReader reader) => new(
        reader.GetInt64(0),
        reader.GetString(1),
        reader.GetString(2),
        reader.GetString(3),
        reader.GetString(4),
        reader.GetString(5),
        reader.GetInt32(6),
        reader.IsDBNull(7) ? null : reader.GetString(7),
        reader.GetFieldValue<DateTimeOffset>(8),
        reader.GetFieldValue<DateTimeOffset>(9),
        reader.IsDBNull(10) ? null : reader.GetFieldValue<DateTimeOffset>(10));

    /// <summary>
    /// Sends a dead letter again: its delivery to <paramref name="sink"/> goes back to pending, due at
    /// <paramref name="now"/> with its attempts reset, and the redelivery is recorded with its caller, request id and
    /// reason, in one transaction; a retry of the same caller's request id changes nothing. Returns the delivery's state
    /// before and whether the request was a retry, or null when there is no such delivery.
    /// </summary>
    public Task<(string State, bool Retried)?> RedeliverAsync(
        long outboxId, string sink, string caller, string requestId, string reason, DateTimeOffset now, CancellationToken cancellationToken) =>
        Database.GuardAsync<(string State, bool Retried)?>("redelivering a notification", async () =>
        {
            // "moved" reads "before", so it runs after the row is locked and its state read, whatever order PostgreSQL picks.
            await using var command = dataSource.CreateCommand(
                """
                WITH prior AS (
                    SELECT 1 FROM public.notification_redeliveries WHERE caller = $4 AND request_id = $5),
                before AS (
                    SELECT state FROM public.notification_deliveries WHERE sink = $1 AND outbox_id = $2 FOR UPDATE),
                moved AS (
                    UPDATE public.notification_deliveries d SET state = 'pending', attempts = 0, next_attempt_at = $3, delivered_at = NULL
                      FROM before
                     WHERE d.sink = $1 AND d.outbox_id = $2 AND before.state = 'dead' AND NOT EXISTS (SELECT 1 FROM prior)
                    RETURNING d.outbox_id),
                recorded AS (
                    INSERT INTO public.notification_redeliveries (outbox_id, sink, at, caller, request_id, reason)
                    SELECT outbox_id, $1, $3, $4, $5, $6 FROM moved
                    ON CONFLICT DO NOTHING)
                SELECT (SELECT state FROM before), EXISTS (SELECT 1 FROM prior)
                """);
            command.Parameters.Add(new() { Value = sink });
            command.Parameters.Add(new() { Value = outboxId });
            command.Parameters.Add(new() { Value = Microseconds.Floor(now) });
            command.Parameters.Add(new() { Value = caller });
            command.Parameters.Add(new() { Value = requestId });
            command.Parameters.Add(new() { Value = reason });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            return reader.IsDBNull(0) ? null : (reader.GetString(0), reader.GetBoolean(1));
        });

    /// <summary>The outbox messages among <paramref name="ids"/> that are committed now, in id order.</summary>
    public Task<IReadOnlyList<OutboxMessage>> ReadOutboxIdsAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken) =>
        Database.GuardAsync<IReadOnlyList<OutboxMessage>>("reading the outbox", async () =>
        {
            await using var command = dataSource.CreateCommand(
                "SELECT id, grain_type, grain_key, account_id, kind, created_at, payload::text FROM public.outbox WHERE id = ANY($1) ORDER BY id");
            command.Parameters.Add(new() { Value = ids.ToArray() });
            return await ReadOutboxAsync(command, cancellationToken);
        });

    /// <summary>One delivery row, or null.</summary>
    public Task<DeliveryRow?> FindAsync(long outboxId, string sink, CancellationToken cancellationToken) =>
        Database.GuardAsync("reading a notification delivery", async () =>
        {
            await using var command = dataSource.CreateCommand(
                """
                SELECT d.outbox_id, d.sink, d.account_id, o.kind, o.grain_type || '/' || o.grain_key, d.state, d.attempts, d.last_error,
                       o.created_at, d.next_attempt_at, d.delivered_at
                  FROM public.notification_deliveries d JOIN public.outbox o ON o.id = d.outbox_id
                 WHERE d.sink = $1 AND d.outbox_id = $2
                """);
            command.Parameters.Add(new() { Value = sink });
            command.Parameters.Add(new() { Value = outboxId });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await reader.ReadAsync(cancellationToken) ? ReadDelivery(reader) : null;
        });

    /// <summary>The newest outbox message's id, or 0 when there is none.</summary>
    public Task<long> LatestOutboxIdAsync(CancellationToken cancellationToken) =>
        Database.GuardAsync("reading the outbox", async () =>
        {
            await using var command = dataSource.CreateCommand("SELECT coalesce(max(id), 0) FROM public.outbox");
            return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        });

    /// <summary>The first <paramref name="limit"/> outbox messages after <paramref name="afterId"/>, in id order.</summary>
    public Task<IReadOnlyList<OutboxMessage>> ReadOutboxAfterAsync(long afterId, int limit, CancellationToken cancellationToken) =>
        Database.GuardAsync<IReadOnlyList<OutboxMessage>>("reading the outbox", async () =>
        {
            await using var command = dataSource.CreateCommand(
                """
                SELECT id, grain_type, grain_key, account_id, kind, created_at, payload::text FROM public.outbox WHERE id > $1 ORDER BY id LIMIT $2
                """);
            command.Parameters.Add(new() { Value = afterId });
            command.Parameters.Add(new() { Value = limit });
            return await ReadOutboxAsync(command, cancellationToken);
        });

    internal static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params object[] values)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in values)
        {
            command.Parameters.Add(new() { Value = value });
        }

        return (T)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}

/// <summary>One pass over a sink's deliveries, on the connection that holds its lock.</summary>
public sealed class DeliveryPass
{
    private readonly NpgsqlConnection _connection;

    internal DeliveryPass(NpgsqlConnection connection, string sink)
    {
        _connection = connection;
        Sink = sink;
    }

    /// <summary>The sink this pass delivers to.</summary>
    public string Sink { get; }

    /// <summary>
    /// The sink's pending messages due at <paramref name="now"/>, each account's in the order of its stream (the order its
    /// messages committed in), except those of an account whose earlier message is still waiting for a retry.
    /// </summary>
    public async Task<IReadOnlyList<ReadyNotification>> ReadyAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            SELECT d.outbox_id, o.account_id, o.kind, o.created_at, o.grain_type || '/' || o.grain_key, o.payload::text, d.attempts
              FROM public.notification_deliveries d JOIN public.outbox o ON o.id = d.outbox_id
             WHERE d.sink = $1 AND d.state = 'pending' AND d.next_attempt_at <= $2
               AND NOT EXISTS (SELECT 1 FROM public.notification_deliveries e
                                WHERE e.sink = d.sink AND e.state = 'pending' AND e.account_id = d.account_id
                                  AND e.account_seq < d.account_seq AND e.next_attempt_at > $2)
             ORDER BY d.account_id, d.account_seq
             LIMIT $3
            """, _connection);
        command.Parameters.Add(new() { Value = Sink });
        command.Parameters.Add(new() { Value = now.ToUniversalTime() });
        command.Parameters.Add(new() { Value = limit });
        var ready = new List<ReadyNotification>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ready.Add(new ReadyNotification(
                reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3), reader.GetString(4), reader.GetString(5), reader.GetInt32(6)));
        }

        return ready;
    }

    /// <summary>Records a delivery's outcome: <paramref name="state"/> (delivered, pending for a retry at <paramref name="at"/>, dead) after <paramref name="attempts"/> attempts.</summary>
    public async Task RecordAsync(long outboxId, string state, int attempts, DateTimeOffset at, string? error, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            UPDATE public.notification_deliveries
               SET state = $3, attempts = $4, last_error = $6,
                   next_attempt_at = CASE WHEN $3 = 'pending' THEN $5 ELSE next_attempt_at END,
                   delivered_at = CASE WHEN $3 = 'delivered' THEN $5 ELSE NULL END
             WHERE sink = $1 AND outbox_id = $2
            """, _connection);
        command.Parameters.Add(new() { Value = Sink });
        command.Parameters.Add(new() { Value = outboxId });
        command.Parameters.Add(new() { Value = state });
        command.Parameters.Add(new() { Value = attempts });
        command.Parameters.Add(new() { Value = Microseconds.Floor(at) });
        command.Parameters.Add(new() { Value = (object?)error ?? DBNull.Value });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Records <paramref name="delivered"/> messages (each with its attempts so far) delivered at <paramref name="at"/>, in one statement.</summary>
    public async Task RecordDeliveredAsync(IReadOnlyList<(long OutboxId, int Attempts)> delivered, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivered);
        if (delivered.Count == 0)
        {
            return;
        }

        await using var command = new NpgsqlCommand(
            """
            UPDATE public.notification_deliveries AS d
               SET state = 'delivered', attempts = x.attempts, last_error = NULL, delivered_at = $2
              FROM unnest($3::bigint[], $4::int[]) AS x(outbox_id, attempts)
             WHERE d.sink = $1 AND d.outbox_id = x.outbox_id
            """, _connection);
        command.Parameters.Add(new() { Value = Sink });
        command.Parameters.Add(new() { Value = Microseconds.Floor(at) });
        command.Parameters.Add(new() { Value = delivered.Select(d => d.OutboxId).ToArray() });
        command.Parameters.Add(new() { Value = delivered.Select(d => d.Attempts).ToArray() });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

/// <summary>A message ready for a sink: its outbox id, account, kind, creation time, the grain it comes from, its payload and the attempts so far.</summary>
public sealed record ReadyNotification(long OutboxId, string AccountId, string Kind, DateTimeOffset CreatedAt, string Subject, string PayloadJson, int Attempts);

/// <summary>One outbox message: its id, the grain whose change produced it, its account, kind, creation time and payload.</summary>
public sealed record OutboxMessage(long Id, string GrainType, string GrainKey, string AccountId, string Kind, DateTimeOffset CreatedAt, string PayloadJson);

/// <summary>One delivery row as ops see it.</summary>
public sealed record DeliveryRow(
    long OutboxId, string Sink, string AccountId, string Kind, string Subject, string State, int Attempts, string? LastError,
    DateTimeOffset CreatedAt, DateTimeOffset NextAttemptAt, DateTimeOffset? DeliveredAt);
