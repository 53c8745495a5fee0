using Subscriptions.Grains.Infrastructure;
using Subscriptions.Storage.Notifications;

namespace Subscriptions.Silo.Notifications;

/// <summary>
/// Delivers outbound notifications (NOT-1) to every enabled sink, at least once and in order per account. The outbox
/// triggers number each message in its account's stream (in commit order) and give it one delivery row per sink; a pass
/// takes a sink's ready rows in stream order under a
/// cluster-wide advisory lock (one sender per sink at a time, whichever silo holds it), delivers each and records the
/// outcome at once. A failure waits a doubling backoff, and the account's later messages wait behind it; after the last
/// attempt the message is dead-lettered for ops to see and the account's stream moves on. Each attempt's outcome and each
/// delivery's hand-off lag (from the commit that wrote the message) go to <see cref="BillingMetrics"/> when given.
/// </summary>
public sealed partial class NotificationSender(
    NotificationTables tables, IEnumerable<INotificationSink> sinks, NotificationOptions options, TimeProvider time, ILogger<NotificationSender> logger,
    BillingMetrics? metrics = null)
    : BackgroundService
{
    private readonly INotificationSink[] _sinks = [.. sinks];
    private bool _registered;

    /// <summary>Enables the configured sinks; idempotent. A silo never disables a sink: another may still be configured with it.</summary>
    public async Task RegisterSinksAsync(CancellationToken cancellationToken = default)
    {
        await tables.EnableSinksAsync([.. _sinks.Select(s => s.Name)], cancellationToken);
        _registered = true;
    }

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
        tables.WithSinkLockAsync(sink.Name, async pass =>
        {
            var now = time.GetUtcNow();
            var ready = await pass.ReadyAsync(now, options.BatchSize, cancellationToken);
            var waiting = new HashSet<string>(StringComparer.Ordinal);
            var delivered = new List<(long OutboxId, int Attempts)>();
            try
            {
                foreach (var row in ready)
                {
                    // In order per account: once a message of an account fails, its later messages wait for it.
                    if (waiting.Contains(row.AccountId))
                    {
                        continue;
                    }

                    var notification = new NotificationEvent(row.OutboxId, row.AccountId, row.Kind, row.CreatedAt, row.Subject, row.PayloadJson);
                    try
                    {
                        await sink.DeliverAsync(notification, cancellationToken);
                        delivered.Add((row.OutboxId, row.Attempts + 1));
                        metrics?.Delivered(sink.Name, row.CreatedAt, time.GetUtcNow());
                    }
                    catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                    {
                        var failures = row.Attempts + 1;
                        var dead = failures >= options.MaxAttempts;
                        var error = exception.Message.Length > 500 ? exception.Message[..500] : exception.Message;
                        await pass.RecordAsync(row.OutboxId, dead ? "dead" : "pending", failures, now + options.RetryDelay(failures), error, cancellationToken);
                        metrics?.Failed(sink.Name, dead);
                        if (dead)
                        {
                            LogDead(logger, notification.EventId, notification.Kind, sink.Name, failures, error);
                        }
                        else
                        {
                            waiting.Add(row.AccountId);
                            LogRetry(logger, notification.EventId, notification.Kind, sink.Name, failures, error);
                        }
                    }
                }
            }
            finally
            {
                // The pass's deliveries are recorded together, also when it stops half-way: a message delivered and not
                // recorded (a crash, the database gone) is delivered again, as at-least-once allows.
                await pass.RecordDeliveredAsync(delivered, now, CancellationToken.None);
            }

            return delivered.Count;
        }, reason => LogUnlockFailed(logger, sink.Name, reason), cancellationToken);

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
