using Npgsql;
using Subscriptions.Grains.Infrastructure;

namespace Subscriptions.Silo;

/// <summary>One outbound notification (NOT-1) as the outbox holds it.</summary>
public sealed record OutboxMessage(long Id, string GrainType, string GrainKey, string Kind, string PayloadJson, DateTimeOffset CreatedAt);

/// <summary>Where outbound notifications go (an email gateway, a message bus…). Must tolerate duplicates: delivery is at least once.</summary>
public interface INotificationSink
{
    /// <summary>Delivers one message; throwing leaves it undelivered, to be tried again.</summary>
    Task DeliverAsync(OutboxMessage message, CancellationToken cancellationToken);
}

/// <summary>The default sink: writes each notification to the log. The core sends no email itself (NOT-1).</summary>
public sealed partial class LoggingNotificationSink(ILogger<LoggingNotificationSink> logger) : INotificationSink
{
    /// <inheritdoc />
    public Task DeliverAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        LogMessage(logger, message.Id, message.Kind, message.GrainType, message.GrainKey, message.PayloadJson);
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Outbox {Id} {Kind} from {GrainType}/{GrainKey}: {Payload}")]
    private static partial void LogMessage(ILogger logger, long id, string kind, string grainType, string grainKey, string payload);
}

/// <summary>
/// Delivers outbox messages at least once, in id order, to every registered sink. Rows are claimed with FOR UPDATE
/// SKIP LOCKED inside the delivering transaction, so two silos never deliver the same row at once; a failed delivery
/// counts an attempt and is tried again on the next pass.
/// </summary>
public sealed partial class NotificationOutbox(NpgsqlDataSource dataSource, IEnumerable<INotificationSink> sinks, TimeProvider time, ILogger<NotificationOutbox> logger)
    : BackgroundService
{
    private const int BatchSize = 200;
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);
    private readonly INotificationSink[] _sinks = [.. sinks];

    /// <summary>Delivers up to one batch of undelivered messages; returns how many were delivered.</summary>
    public Task<int> DispatchOnceAsync(CancellationToken cancellationToken = default) =>
        GrainRecords.GuardAsync("delivering outbox messages", async () =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var batch = new List<OutboxMessage>();
            await using (var claim = new NpgsqlCommand(
                """
                SELECT id, grain_type, grain_key, kind, payload::text, created_at FROM public.outbox
                WHERE delivered_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED
                """, connection, transaction))
            {
                claim.Parameters.Add(new() { Value = BatchSize });
                await using var reader = await claim.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    batch.Add(new OutboxMessage(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetFieldValue<DateTimeOffset>(5)));
                }
            }

            var delivered = new List<long>();
            foreach (var message in batch)
            {
                try
                {
                    foreach (var sink in _sinks)
                    {
                        await sink.DeliverAsync(message, cancellationToken);
                    }

                    delivered.Add(message.Id);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    LogNotDelivered(logger, exception, message.Id, message.Kind);
                }
            }

            await using (var mark = new NpgsqlCommand(
                "UPDATE public.outbox SET attempts = attempts + 1, delivered_at = CASE WHEN id = ANY($1) THEN $2 ELSE delivered_at END WHERE id = ANY($3)",
                connection,
                transaction))
            {
                mark.Parameters.Add(new() { Value = delivered.ToArray() });
                mark.Parameters.Add(new() { Value = time.GetUtcNow().ToUniversalTime() });
                mark.Parameters.Add(new() { Value = batch.Select(m => m.Id).ToArray() });
                await mark.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            return delivered.Count;
        });

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(PollInterval, time);
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
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox message {Id} ({Kind}) was not delivered; it will be tried again")]
    private static partial void LogNotDelivered(ILogger logger, Exception exception, long id, string kind);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox delivery skipped: {Reason}")]
    private static partial void LogSkipped(ILogger logger, string reason);
}
