using Microsoft.Extensions.Logging;
using Npgsql;

namespace Subscriptions.Runtime;

/// <summary>
/// Delivers durable reminders. Reminders on the silo clock are claimed with FOR UPDATE SKIP LOCKED plus a lease,
/// so with several silos each due tick goes to one of them. Claims keep a grain's due reminders on one silo while its
/// leases last (an advisory lock per grain during the claim, and no claim on a grain another silo holds leases on),
/// so two silos do not activate the same grain for its reminders and conflict on its version. A tick is acknowledged (rescheduled or removed) in the
/// transaction of the turn that handled it, so a failed turn leaves it due (at least once). Reminders on a test clock
/// fire only when that clock is advanced, in due-time order.
/// </summary>
public sealed class ReminderService(
    GrainRuntime runtime,
    GrainStorage storage,
    ClockRegistry clocks,
    GrainRuntimeOptions options,
    TimeProvider timeProvider,
    ILogger<ReminderService> logger)
{
    private readonly SemaphoreSlim advancing = new(1, 1);

    /// <summary>Claims the reminders due on the silo clock and delivers them; returns how many turns succeeded.</summary>
    public async Task<int> PollOnceAsync(CancellationToken cancellationToken = default)
    {
        var now = timeProvider.GetUtcNow();
        var claimed = await ClaimAsync(now, cancellationToken);
        var results = await Task.WhenAll(claimed.Select(async due =>
        {
            try
            {
                await DeliverAsync(due, cancellationToken);
                return true;
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                logger.LogWarning(exception, "Reminder {Reminder} of {Grain} due at {DueAt:O} failed; it stays due and is retried after its lease",
                    due.Tick.Name, due.Grain, due.Tick.DueAt);
                return false;
            }
        }));
        return results.Count(ok => ok);
    }

    /// <summary>
    /// Moves the test clock <paramref name="clockId"/> to <paramref name="target"/>, delivering every reminder on it that
    /// comes due on the way, one at a time in due-time order, each seeing the clock at its due time. Returns the number
    /// of ticks delivered, when all are done. A failing tick stops the advance with its error, the clock left at its due time.
    /// </summary>
    public async Task<int> AdvanceClockAsync(string clockId, DateTimeOffset target, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(clockId);
        await advancing.WaitAsync(cancellationToken);
        try
        {
            var now = await clocks.GetTimeAsync(clockId, cancellationToken);
            if (target < now)
            {
                throw new ArgumentOutOfRangeException(nameof(target), target, $"Test clock \"{clockId}\" is at {now:O}; it cannot go back to {target:O}.");
            }

            var delivered = 0;
            while (await NextOnClockAsync(clockId, target, cancellationToken) is { } due)
            {
                if (due.Tick.DueAt > now)
                {
                    now = due.Tick.DueAt;
                    await clocks.SetAsync(clockId, now, cancellationToken);
                }

                await DeliverAsync(due, cancellationToken);
                delivered++;
            }

            await clocks.SetAsync(clockId, target, cancellationToken);
            return delivered;
        }
        finally
        {
            advancing.Release();
        }
    }

    /// <summary>Polls at the configured interval until <paramref name="cancellationToken"/> fires.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(options.ReminderPollInterval, timeProvider);
        do
        {
            try
            {
                await PollOnceAsync(cancellationToken);
            }
            catch (StorageUnavailableException exception)
            {
                logger.LogWarning("Reminder poll skipped: {Reason}", exception.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(cancellationToken));
    }

    /// <summary>
    /// Delivers one tick. A version conflict means our activation was stale and nothing was applied; the activation
    /// reloads, so the tick is delivered again at once (up to three attempts) instead of waiting for its lease to expire.
    /// </summary>
    private async Task DeliverAsync(DueReminder due, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await runtime.DeliverReminderAsync(due.Grain, due.Tick, cancellationToken);
                return;
            }
            catch (GrainVersionConflictException) when (attempt < 3)
            {
                logger.LogDebug("Reminder {Reminder} of {Grain} met a stale activation; delivering again", due.Tick.Name, due.Grain);
            }
        }
    }

    private Task<IReadOnlyList<DueReminder>> ClaimAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        StorageErrors.GuardAsync<IReadOnlyList<DueReminder>>("claiming due reminders", async () =>
        {
            await using var command = storage.DataSource.CreateCommand(
                """
                UPDATE reminders r SET lease_owner = $1, lease_until = $2
                FROM (SELECT c.grain_type, c.grain_key, c.name FROM reminders c
                      WHERE c.clock_id IS NULL AND c.due_at <= $3 AND (c.lease_until IS NULL OR c.lease_until < $3)
                        AND NOT EXISTS (SELECT 1 FROM reminders o
                                        WHERE o.grain_type = c.grain_type AND o.grain_key = c.grain_key
                                          AND o.lease_owner <> $1 AND o.lease_until >= $3)
                        AND pg_try_advisory_xact_lock(hashtextextended(c.grain_type || '/' || c.grain_key, 0))
                      ORDER BY c.due_at LIMIT $4 FOR UPDATE SKIP LOCKED) due
                WHERE r.grain_type = due.grain_type AND r.grain_key = due.grain_key AND r.name = due.name
                RETURNING r.grain_type, r.grain_key, r.name, r.due_at, r.period_ticks
                """);
            command.Parameters.Add(new() { Value = options.SiloId });
            command.Parameters.Add(new() { Value = now + options.ReminderLease });
            command.Parameters.Add(new() { Value = now });
            command.Parameters.Add(new() { Value = options.ReminderBatchSize });
            return await ReadDueAsync(command, cancellationToken);
        });

    private Task<DueReminder?> NextOnClockAsync(string clockId, DateTimeOffset until, CancellationToken cancellationToken) =>
        StorageErrors.GuardAsync($"reading reminders of test clock {clockId}", async () =>
        {
            await using var command = storage.DataSource.CreateCommand(
                """
                SELECT grain_type, grain_key, name, due_at, period_ticks FROM reminders
                WHERE clock_id = $1 AND due_at <= $2 ORDER BY due_at, grain_type, grain_key, name LIMIT 1
                """);
            command.Parameters.Add(new() { Value = clockId });
            command.Parameters.Add(new() { Value = until });
            var due = await ReadDueAsync(command, cancellationToken);
            return due.Count == 0 ? null : due[0];
        });

    private static async Task<IReadOnlyList<DueReminder>> ReadDueAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var result = new List<DueReminder>();
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(new DueReminder(
                new GrainId(reader.GetString(0), reader.GetString(1)),
                new ReminderTick(
                    reader.GetString(2),
                    reader.GetFieldValue<DateTimeOffset>(3),
                    reader.IsDBNull(4) ? null : TimeSpan.FromTicks(reader.GetInt64(4)))));
        }

        return result;
    }

    private sealed record DueReminder(GrainId Grain, ReminderTick Tick);
}
