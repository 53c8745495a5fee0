using Npgsql;
using Subscriptions.Grains.Infrastructure;

namespace Subscriptions.Silo.Notifications;

/// <summary>
/// Delivers outbound notifications (NOT-1) to every enabled sink, at least once and in order per account. The outbox
/// triggers number each message in its account's stream (in commit order) and give it one delivery row per sink; a pass
/// takes a sink's ready rows in stream order under a
/// cluster-wide advisory lock (one sender per sink at a time, whichever silo holds it), delivers each and records the
/// outcome at once. A failure waits a doubling backoff, and the account's later messages wait behind it; after the last
/// attempt the message is dead-lettered for ops to see and the account's stream moves on.
/// </summary>
public sealed partial class NotificationSender(
    NpgsqlDataSource dataSource, IEnumerable<INotificationSink> sinks, NotificationOptions options, TimeProvider time, ILogger<NotificationSender> logger)
    : BackgroundService
{
    private readonly INotificationSink[] _sinks = [.. sinks];
    private bool _registered;

    /// <summary>Enables the configured sinks; idempotent. A silo never disables a sink: another may still be configured with it.</summary>
    public Task RegisterSinksAsync(CancellationToken cancellationToken = default) =>
        GrainRecords.GuardAsync("registering notification sinks", async () =>
        {
            await using var enable = dataSource.CreateCommand(
                "INSERT INTO public.notification_sinks (sink, enabled) SELECT unnest($1::text[]), true ON CONFLICT (sink) DO UPDATE SET enabled = true, updated_at = now()");
            enable.Parameters.Add(new() { Value = _sinks.Select(s => s.Name).ToArray() });
            await enable.ExecuteNonQueryAsync(cancellationToken);
            _registered = true;
        });

    /// <summary>One pass over every sink; returns how many messages were delivered.</summary>
    public async Task<int> DispatchOnceAsync(CancellationToken cancellationToken = default)
    {
        if (!_registered)
        {
            await RegisterSinksAsync(cancellationToken);
        }

        var delivered = 0;
        foreach (var sink in _sinks)
        {
            delivered += await DispatchAsync(sink, cancellationToken);
        }

        return delivered;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.PollInterval, time);
        do
        {
            try
            {
                while (await DispatchOnceAsync(stoppingToken) > 0)
                {
                }
            }
            catch (Subscriptions.Grains.StorageUnavailableException exception)
            {
                LogSkipped(logger, exception.Message);
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // The sender must never stop the host: whatever failed is tried again at the next pass.
                LogPassFailed(logger, exception);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private Task<int> DispatchAsync(INotificationSink sink, CancellationToken cancellationToken) =>
        GrainRecords.GuardAsync($"delivering notifications to {sink.Name}", async () =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            var lockKey = $"notifications:{sink.Name}";
            if (!await ScalarAsync<bool>(connection, "SELECT pg_try_advisory_lock(hashtext($1))", cancellationToken, lockKey))
            {
                return 0;
            }

            try
            {
                var now = time.GetUtcNow();
                var ready = await ReadyAsync(connection, sink.Name, now, cancellationToken);
                var waiting = new HashSet<string>(StringComparer.Ordinal);
                var delivered = 0;
                foreach (var (notification, attempts) in ready)
                {
                    // In order per account: once a message of an account fails, its later messages wait for it.
                    if (waiting.Contains(notification.AccountId))
                    {
                        continue;
                    }

                    try
                    {
                        await sink.DeliverAsync(notification, cancellationToken);
                        await RecordAsync(connection, sink.Name, notification.OutboxId, "delivered", attempts + 1, now, null, cancellationToken);
                        delivered++;
                    }
                    catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                    {
                        var failures = attempts + 1;
                        var dead = failures >= options.MaxAttempts;
                        var error = exception.Message.Length > 500 ? exception.Message[..500] : exception.Message;
                        await RecordAsync(connection, sink.Name, notification.OutboxId, dead ? "dead" : "pending", failures, now + options.RetryDelay(failures), error, cancellationToken);
                        if (dead)
                        {
                            LogDead(logger, notification.EventId, notification.Kind, sink.Name, failures, error);
                        }
                        else
                        {
                            waiting.Add(notification.AccountId);
                            LogRetry(logger, notification.EventId, notification.Kind, sink.Name, failures, error);
                        }
                    }
                }

                return delivered;
            }
            finally
            {
                try
                {
                    await ScalarAsync<bool>(connection, "SELECT pg_advisory_unlock(hashtext($1))", CancellationToken.None, lockKey);
                }
                catch (Exception unlock) when (unlock is NpgsqlException or InvalidOperationException)
                {
                    // A broken connection: the session, and its lock, end with it.
                    LogUnlockFailed(logger, sink.Name, unlock.Message);
                }
            }
        });

    /// <summary>
    /// The sink's pending messages due now, each account's in the order of its stream (the order its messages
    /// committed in), except those of an account whose earlier message is still waiting for a retry.
    /// </summary>
    private async Task<List<(NotificationEvent Notification, int Attempts)>> ReadyAsync(NpgsqlConnection connection, string sink, DateTimeOffset now, CancellationToken cancellationToken)
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
            """, connection);
        command.Parameters.Add(new() { Value = sink });
        command.Parameters.Add(new() { Value = now.ToUniversalTime() });
        command.Parameters.Add(new() { Value = options.BatchSize });
        var ready = new List<(NotificationEvent, int)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ready.Add((new NotificationEvent(
                reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3), reader.GetString(4), reader.GetString(5)), reader.GetInt32(6)));
        }

        return ready;
    }

    private static async Task RecordAsync(
        NpgsqlConnection connection, string sink, long outboxId, string state, int attempts, DateTimeOffset at, string? error, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            UPDATE public.notification_deliveries
               SET state = $3, attempts = $4, last_error = $6,
                   next_attempt_at = CASE WHEN $3 = 'pending' THEN $5 ELSE next_attempt_at END,
                   delivered_at = CASE WHEN $3 = 'delivered' THEN $5 ELSE NULL END
             WHERE sink = $1 AND outbox_id = $2
            """, connection);
        command.Parameters.Add(new() { Value = sink });
        command.Parameters.Add(new() { Value = outboxId });
        command.Parameters.Add(new() { Value = state });
        command.Parameters.Add(new() { Value = attempts });
        // PostgreSQL keeps microseconds: the time is cut down to one, so a pass at exactly that time finds the row due.
        command.Parameters.Add(new() { Value = new DateTimeOffset(at.UtcTicks - (at.UtcTicks % 10), TimeSpan.Zero) });
        command.Parameters.Add(new() { Value = (object?)error ?? DBNull.Value });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params object[] values)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in values)
        {
            command.Parameters.Add(new() { Value = value });
        }

        return (T)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification {EventId} ({Kind}) to {Sink} failed (attempt {Attempts}); retried later: {Error}")]
    private static partial void LogRetry(ILogger logger, string eventId, string kind, string sink, int attempts, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Notification {EventId} ({Kind}) to {Sink} dead-lettered after {Attempts} attempts: {Error}")]
    private static partial void LogDead(ILogger logger, string eventId, string kind, string sink, int attempts, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "A notification delivery pass failed; the next pass tries again")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Releasing the delivery lock of {Sink} failed ({Reason}); it ends with its connection")]
    private static partial void LogUnlockFailed(ILogger logger, string sink, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification delivery skipped: {Reason}")]
    private static partial void LogSkipped(ILogger logger, string reason);
}
