using Microsoft.Extensions.Logging;
using Npgsql;

namespace Subscriptions.Runtime;

/// <summary>Where outbound notifications go (an email gateway, a message bus…). Must tolerate duplicates: delivery is at least once.</summary>
public interface IOutboxSink
{
    /// <summary>Delivers one message; throwing leaves it undelivered, to be tried again.</summary>
    Task DeliverAsync(OutboxMessage message, CancellationToken cancellationToken);
}

/// <summary>The default sink: writes each notification to the log. The core sends no email itself (NOT-1).</summary>
public sealed partial class LoggingOutboxSink(ILogger<LoggingOutboxSink> logger) : IOutboxSink
{
    public Task DeliverAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        LogMessage(logger, message.Id, message.Kind, message.Grain, message.PayloadJson);
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Outbox {Id} {Kind} from {Grain}: {Payload}")]
    private static partial void LogMessage(ILogger logger, long id, string kind, GrainId grain, string payload);
}

/// <summary>
/// Delivers outbox messages at least once, trying them in id order, with every registered sink. Rows are claimed with
/// FOR UPDATE SKIP LOCKED inside the delivering transaction, so two silos never deliver the same row at once;
/// a failed delivery counts an attempt and is tried again on the next pass.
/// </summary>
public sealed class OutboxDispatcher(GrainStorage storage, IEnumerable<IOutboxSink> sinks, GrainRuntimeOptions options, TimeProvider timeProvider, ILogger<OutboxDispatcher> logger)
{
    private readonly IOutboxSink[] sinks = [.. sinks];

    /// <summary>Delivers up to one batch of undelivered messages; returns how many were delivered.</summary>
    public Task<int> DispatchOnceAsync(CancellationToken cancellationToken = default) =>
        StorageErrors.GuardAsync("delivering outbox messages", async () =>
        {
            await using var connection = await storage.DataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var batch = new List<OutboxMessage>();
            await using (var claim = new NpgsqlCommand(
                """
                SELECT id, grain_type, grain_key, kind, payload::text, created_at FROM outbox
                WHERE delivered_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED
                """, connection, transaction))
            {
                claim.Parameters.Add(new() { Value = options.ReminderBatchSize });
                await using var reader = await claim.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    batch.Add(new OutboxMessage(
                        reader.GetInt64(0), new GrainId(reader.GetString(1), reader.GetString(2)), reader.GetString(3), reader.GetString(4),
                        reader.GetFieldValue<DateTimeOffset>(5)));
                }
            }

            var delivered = new List<long>();
            foreach (var message in batch)
            {
                try
                {
                    foreach (var sink in sinks)
                    {
                        await sink.DeliverAsync(message, cancellationToken);
                    }

                    delivered.Add(message.Id);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    logger.LogWarning(exception, "Outbox message {Id} ({Kind}) was not delivered; it will be tried again", message.Id, message.Kind);
                }
            }

            await using (var mark = new NpgsqlCommand(
                """
                UPDATE outbox SET attempts = attempts + 1, delivered_at = CASE WHEN id = ANY($1) THEN $2 ELSE delivered_at END
                WHERE id = ANY($3)
                """, connection, transaction))
            {
                mark.Parameters.Add(new() { Value = delivered.ToArray() });
                mark.Parameters.Add(new() { Value = timeProvider.GetUtcNow() });
                mark.Parameters.Add(new() { Value = batch.Select(m => m.Id).ToArray() });
                await mark.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            return delivered.Count;
        });

    /// <summary>Delivers at the reminder poll interval until <paramref name="cancellationToken"/> fires.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(options.ReminderPollInterval, timeProvider);
        do
        {
            try
            {
                while (await DispatchOnceAsync(cancellationToken) > 0)
                {
                }
            }
            catch (StorageUnavailableException exception)
            {
                logger.LogWarning("Outbox delivery skipped: {Reason}", exception.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(cancellationToken));
    }
}
