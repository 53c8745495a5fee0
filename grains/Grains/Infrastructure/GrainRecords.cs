using System.Net.Sockets;
using Npgsql;
using Subscriptions.Grains.Ops;

namespace Subscriptions.Grains.Infrastructure;

/// <summary>
/// The tables grains hand their committed records on to (history, outbox, issued invoices) and the test clock
/// schedules, on the service's one <see cref="NpgsqlDataSource"/>. Every hand-off is idempotent: rows are keyed by
/// grain and sequence, so handing the same entries on twice (after a crash, on reactivation) stores them once.
/// </summary>
public sealed class GrainRecords(NpgsqlDataSource dataSource)
{
    /// <summary>The data source the grains' tables are reached through.</summary>
    public NpgsqlDataSource DataSource { get; } = dataSource;

    /// <summary>Copies history entries, notifications and issued invoices of one grain, in one transaction (one round trip), each at most once.</summary>
    public Task HandOffAsync(
        string grainType, string grainKey, IReadOnlyList<HistoryEntry> history, IReadOnlyList<PendingNotification> notifications,
        IReadOnlyList<PendingInvoice> invoices, CancellationToken cancellationToken) =>
        GuardAsync($"handing on the records of {grainType}/{grainKey}", async () =>
        {
            // One batch, one round trip: without an explicit transaction PostgreSQL runs the batch as one implicit
            // transaction, so the entries are stored together or not at all.
            await using var connection = await DataSource.OpenConnectionAsync(cancellationToken);
            await using var batch = new NpgsqlBatch(connection);
            foreach (var entry in history)
            {
                batch.BatchCommands.Add(Command(
                    """
                    INSERT INTO public.grain_history (grain_type, grain_key, seq, version, at, cause_kind, cause_name, caller, request_id, change, from_state, to_state, payload)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::jsonb) ON CONFLICT DO NOTHING
                    """,
                    grainType, grainKey, entry.Seq, entry.Version, entry.At, entry.Cause.Kind, entry.Cause.Name, entry.Cause.Caller,
                    (object?)entry.Cause.RequestId ?? DBNull.Value, entry.Change, (object?)entry.From ?? DBNull.Value, (object?)entry.To ?? DBNull.Value,
                    (object?)entry.PayloadJson ?? DBNull.Value));
            }

            foreach (var message in notifications)
            {
                batch.BatchCommands.Add(Command(
                    """
                    INSERT INTO public.outbox (grain_type, grain_key, seq, version, kind, payload, created_at)
                    VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7) ON CONFLICT DO NOTHING
                    """,
                    grainType, grainKey, message.Seq, message.Version, message.Kind, message.PayloadJson, message.CreatedAt));
            }

            foreach (var invoice in invoices)
            {
                batch.BatchCommands.Add(Command(
                    """
                    INSERT INTO public.issued_invoices (account_id, number, clock_id, invoice, issued_at)
                    VALUES ($1, $2, $3, $4::jsonb, $5) ON CONFLICT DO NOTHING
                    """,
                    invoice.AccountId, invoice.Number, (object?)invoice.ClockId ?? DBNull.Value, invoice.InvoiceJson, invoice.IssuedAt));
            }

            if (batch.BatchCommands.Count > 0)
            {
                await batch.ExecuteNonQueryAsync(cancellationToken);
            }
        });

    /// <summary>The answer given to request <paramref name="answerKey"/> ("caller request-id") by a grain (IDEM-1), or null.</summary>
    public Task<AnsweredRequest?> ReadAnswerAsync(string grainType, string grainKey, string answerKey, CancellationToken cancellationToken) =>
        GuardAsync<AnsweredRequest?>($"reading the answers of {grainType}/{grainKey}", async () =>
        {
            await using var command = DataSource.CreateCommand(
                "SELECT method, result, answered_at FROM public.answered_requests WHERE grain_type = $1 AND grain_key = $2 AND answer_key = $3");
            command.Parameters.Add(new() { Value = grainType });
            command.Parameters.Add(new() { Value = grainKey });
            command.Parameters.Add(new() { Value = answerKey });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await reader.ReadAsync(cancellationToken) ? new AnsweredRequest(reader.GetString(0), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2)) : null;
        });

    /// <summary>Deletes answered requests older than <paramref name="before"/> (real clock), at most <paramref name="limit"/> rows; returns how many.</summary>
    public Task<int> PruneAnswersAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken) =>
        GuardAsync("pruning answered requests", async () =>
        {
            await using var command = DataSource.CreateCommand(
                """
                DELETE FROM public.answered_requests
                 WHERE ctid IN (SELECT ctid FROM public.answered_requests WHERE answered_at < $1 LIMIT $2)
                """);
            command.Parameters.Add(new() { Value = before.ToUniversalTime() });
            command.Parameters.Add(new() { Value = limit });
            return await command.ExecuteNonQueryAsync(cancellationToken);
        });

    /// <summary>The archived history of a grain, in order.</summary>
    public Task<IReadOnlyList<HistoryEntry>> ReadHistoryAsync(string grainType, string grainKey, CancellationToken cancellationToken) =>
        GuardAsync<IReadOnlyList<HistoryEntry>>($"reading the history of {grainType}/{grainKey}", async () =>
        {
            await using var command = DataSource.CreateCommand(
                """
                SELECT seq, version, at, cause_kind, cause_name, caller, request_id, change, from_state, to_state, payload::text
                FROM public.grain_history WHERE grain_type = $1 AND grain_key = $2 ORDER BY seq
                """);
            command.Parameters.Add(new() { Value = grainType });
            command.Parameters.Add(new() { Value = grainKey });
            var entries = new List<HistoryEntry>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                entries.Add(new HistoryEntry(
                    reader.GetInt64(0),
                    reader.GetInt64(1),
                    reader.GetFieldValue<DateTimeOffset>(2),
                    new TurnCause(reader.GetString(3), reader.GetString(4), reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetString(6)),
                    reader.GetString(7),
                    reader.IsDBNull(8) ? null : reader.GetString(8),
                    reader.IsDBNull(9) ? null : reader.GetString(9),
                    reader.IsDBNull(10) ? null : reader.GetString(10)));
            }

            return entries;
        });

    /// <summary>An archived issued invoice as JSON with the clock its account followed, or null.</summary>
    /// <summary>
    /// Erases the personal data an account's records handed on (ACC-8): the before/after values and payloads of the
    /// account's audit history, except its financial entries (invoices issued and their balances, credits,
    /// subscriptions), and the recipients' e-mails in the notifications of the account and its subscriptions and
    /// invoices. Idempotent; one transaction.
    /// </summary>
    public Task ScrubPersonalDataAsync(string accountId, CancellationToken cancellationToken) =>
        GuardAsync($"erasing the personal data of account {accountId}", async () =>
        {
            await using var connection = await DataSource.OpenConnectionAsync(cancellationToken);
            await using var batch = new NpgsqlBatch(connection);
            batch.BatchCommands.Add(Command(
                """
                UPDATE public.grain_history SET from_state = NULL, to_state = NULL, payload = NULL
                 WHERE grain_type = 'account' AND grain_key = $1
                   AND change NOT IN ('invoice_issued', 'invoice_balance', 'credit', 'subscription', 'subscription_ended', 'personal_data_erased')
                   AND (from_state IS NOT NULL OR to_state IS NOT NULL OR payload IS NOT NULL)
                """,
                accountId));
            batch.BatchCommands.Add(Command(
                "UPDATE public.outbox SET payload = payload - 'recipients' WHERE account_id = $1 AND payload ? 'recipients'", accountId));
            await batch.ExecuteNonQueryAsync(cancellationToken);
        });

    public Task<(string InvoiceJson, string? ClockId)?> ReadIssuedInvoiceAsync(string accountId, string number, CancellationToken cancellationToken) =>
        GuardAsync<(string, string?)?>($"reading invoice {number} of {accountId}", async () =>
        {
            await using var command = DataSource.CreateCommand("SELECT invoice::text, clock_id FROM public.issued_invoices WHERE account_id = $1 AND number = $2");
            command.Parameters.Add(new() { Value = accountId });
            command.Parameters.Add(new() { Value = number });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await reader.ReadAsync(cancellationToken) ? (reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1)) : null;
        });

    /// <summary>
    /// Schedules a sandbox grain's wake-up on its test clock no later than <paramref name="dueAt"/> (an earlier entry
    /// stays: waking early is harmless, the grain says when it is really due).
    /// </summary>
    public Task ScheduleNoLaterAsync(string clockId, string grainType, string grainKey, DateTimeOffset dueAt, CancellationToken cancellationToken) =>
        ExecuteAsync(
            $"scheduling {grainType}/{grainKey} on test clock {clockId}",
            """
            INSERT INTO public.test_clock_events (clock_id, grain_type, grain_key, due_at) VALUES ($1, $2, $3, $4)
            ON CONFLICT (clock_id, grain_type, grain_key) DO UPDATE
               SET due_at = LEAST(public.test_clock_events.due_at, EXCLUDED.due_at), failures = 0, last_error = NULL, quarantined_at = NULL
            """,
            cancellationToken, clockId, grainType, grainKey, Microseconds.Ceiling(dueAt));

    /// <summary>Sets a sandbox grain's wake-up to exactly <paramref name="dueAt"/>, or removes it (null).</summary>
    public Task ScheduleExactlyAsync(string clockId, string grainType, string grainKey, DateTimeOffset? dueAt, CancellationToken cancellationToken) =>
        dueAt is { } due
            ? ExecuteAsync(
                $"scheduling {grainType}/{grainKey} on test clock {clockId}",
                """
                INSERT INTO public.test_clock_events (clock_id, grain_type, grain_key, due_at) VALUES ($1, $2, $3, $4)
                ON CONFLICT (clock_id, grain_type, grain_key) DO UPDATE SET due_at = EXCLUDED.due_at, failures = 0, last_error = NULL, quarantined_at = NULL
                """,
                cancellationToken, clockId, grainType, grainKey, Microseconds.Ceiling(due))
            : ExecuteAsync(
                $"unscheduling {grainType}/{grainKey} on test clock {clockId}",
                "DELETE FROM public.test_clock_events WHERE clock_id = $1 AND grain_type = $2 AND grain_key = $3",
                cancellationToken, clockId, grainType, grainKey);

    /// <summary>The earliest event of <paramref name="clockId"/> due at or before <paramref name="until"/>, or null.</summary>
    public Task<ClockEvent?> NextClockEventAsync(string clockId, DateTimeOffset until, CancellationToken cancellationToken) =>
        GuardAsync<ClockEvent?>($"reading test clock {clockId}", async () =>
        {
            await using var command = DataSource.CreateCommand(
                """
                SELECT grain_type, grain_key, due_at FROM public.test_clock_events
                WHERE clock_id = $1 AND due_at <= $2 AND quarantined_at IS NULL ORDER BY due_at, grain_type, grain_key LIMIT 1
                """);
            command.Parameters.Add(new() { Value = clockId });
            command.Parameters.Add(new() { Value = until.ToUniversalTime() });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await reader.ReadAsync(cancellationToken)
                ? new ClockEvent(reader.GetString(0), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2))
                : null;
        });

    /// <summary>Moves a delivered event to the grain's next wake-up (or removes it), unless the grain rescheduled it meanwhile.</summary>
    public Task CompleteClockEventAsync(string clockId, ClockEvent delivered, DateTimeOffset? next, CancellationToken cancellationToken) =>
        next is { } due
            ? ExecuteAsync(
                $"rescheduling {delivered.GrainType}/{delivered.GrainKey} on test clock {clockId}",
                "UPDATE public.test_clock_events SET due_at = $5, failures = 0, last_error = NULL WHERE clock_id = $1 AND grain_type = $2 AND grain_key = $3 AND due_at = $4",
                cancellationToken, clockId, delivered.GrainType, delivered.GrainKey, delivered.DueAt, Microseconds.Ceiling(due))
            : ExecuteAsync(
                $"unscheduling {delivered.GrainType}/{delivered.GrainKey} on test clock {clockId}",
                "DELETE FROM public.test_clock_events WHERE clock_id = $1 AND grain_type = $2 AND grain_key = $3 AND due_at = $4",
                cancellationToken, clockId, delivered.GrainType, delivered.GrainKey, delivered.DueAt);

    /// <summary>The scheduled wake-up of a sandbox grain, with its failures and quarantine reason, or null.</summary>
    public Task<ScheduledClockEvent?> ReadClockEventAsync(string clockId, string grainType, string grainKey, CancellationToken cancellationToken) =>
        GuardAsync<ScheduledClockEvent?>($"reading the schedule of {grainType}/{grainKey}", async () =>
        {
            await using var command = DataSource.CreateCommand(
                """
                SELECT due_at, failures, CASE WHEN quarantined_at IS NULL THEN NULL ELSE last_error END
                FROM public.test_clock_events WHERE clock_id = $1 AND grain_type = $2 AND grain_key = $3
                """);
            command.Parameters.Add(new() { Value = clockId });
            command.Parameters.Add(new() { Value = grainType });
            command.Parameters.Add(new() { Value = grainKey });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await reader.ReadAsync(cancellationToken)
                ? new ScheduledClockEvent(reader.GetFieldValue<DateTimeOffset>(0), reader.GetInt32(1), reader.IsDBNull(2) ? null : reader.GetString(2))
                : null;
        });

    /// <summary>
    /// Counts a failed wake-up of <paramref name="failed"/> (unless the grain rescheduled it meanwhile) and quarantines it
    /// once it has failed <paramref name="limit"/> times in a row: its clock then passes it by. Returns the failures so
    /// far, or 0 when the event moved on.
    /// </summary>
    public Task<int> RecordClockEventFailureAsync(string clockId, ClockEvent failed, string error, int limit, DateTimeOffset now, CancellationToken cancellationToken) =>
        GuardAsync($"recording a failed wake-up of {failed.GrainType}/{failed.GrainKey} on test clock {clockId}", async () =>
        {
            await using var command = DataSource.CreateCommand(
                """
                UPDATE public.test_clock_events
                   SET failures = failures + 1, last_error = $5, quarantined_at = CASE WHEN failures + 1 >= $6 THEN $7 ELSE NULL END
                 WHERE clock_id = $1 AND grain_type = $2 AND grain_key = $3 AND due_at = $4
                RETURNING failures
                """);
            foreach (var value in new object[] { clockId, failed.GrainType, failed.GrainKey, failed.DueAt.ToUniversalTime(), error, limit, now.ToUniversalTime() })
            {
                command.Parameters.Add(new() { Value = value });
            }

            return await command.ExecuteScalarAsync(cancellationToken) is int failures ? failures : 0;
        });

    /// <summary>Runs <paramref name="work"/>, turning an unreachable or failing database into <see cref="StorageUnavailableException"/>.</summary>
    public static async Task<T> GuardAsync<T>(string what, Func<Task<T>> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        try
        {
            return await work();
        }
        catch (Exception e) when (IsDatabaseFailure(e))
        {
            throw new StorageUnavailableException($"PostgreSQL is unavailable while {what}: {e.Message}");
        }
    }

    /// <summary>Runs <paramref name="work"/>, turning an unreachable or failing database into <see cref="StorageUnavailableException"/>.</summary>
    public static Task GuardAsync(string what, Func<Task> work) => GuardAsync<bool>(what, async () =>
    {
        await work();
        return true;
    });

    /// <summary>True for failures of the database or the connection to it (not for a bug in a query).</summary>
    public static bool IsDatabaseFailure(Exception exception) => exception switch
    {
        PostgresException postgres => postgres.IsTransient || postgres.SqlState.StartsWith("08", StringComparison.Ordinal) || postgres.SqlState.StartsWith("57", StringComparison.Ordinal),
        NpgsqlException or SocketException or TimeoutException or IOException => true,
        _ => exception.InnerException is { } inner && IsDatabaseFailure(inner),
    };

    private Task ExecuteAsync(string what, string sql, CancellationToken cancellationToken, params object[] parameters) =>
        GuardAsync(what, async () =>
        {
            await using var command = DataSource.CreateCommand(sql);
            foreach (var parameter in parameters)
            {
                command.Parameters.Add(new() { Value = Utc(parameter) });
            }

            await command.ExecuteNonQueryAsync(cancellationToken);
        });

    private static NpgsqlBatchCommand Command(string sql, params object[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = Utc(parameter) });
        }

        return command;
    }

    // timestamptz takes UTC only; domain times may carry the account's offset.
    private static object Utc(object value) => value is DateTimeOffset time ? time.ToUniversalTime() : value;
}

/// <summary>One scheduled wake-up of a sandbox grain on a test clock.</summary>
public sealed record ClockEvent(string GrainType, string GrainKey, DateTimeOffset DueAt);

/// <summary>A sandbox grain's scheduled wake-up as ops see it: when, how many failed wake-ups in a row, and why it is quarantined (null when it is not).</summary>
public sealed record ScheduledClockEvent(DateTimeOffset DueAt, int Failures, string? QuarantinedReason);

/// <summary>
/// PostgreSQL keeps times to the microsecond; .NET to 100 ns. A wake-up time is stored rounded up, so a grain woken at
/// the stored time always finds its event due (rounded down, it would find it 100 ns in the future, forever).
/// </summary>
public static class Microseconds
{
    /// <summary><paramref name="time"/> rounded up to a whole microsecond.</summary>
    public static DateTimeOffset Ceiling(DateTimeOffset time)
    {
        var remainder = time.UtcTicks % TimeSpan.TicksPerMicrosecond;
        if (remainder == 0)
        {
            return time;
        }

        // The last microsecond of time cannot be rounded up: it is rounded down instead of overflowing.
        return time.UtcTicks > DateTimeOffset.MaxValue.UtcTicks - TimeSpan.TicksPerMicrosecond
            ? time.AddTicks(-remainder)
            : time.AddTicks(TimeSpan.TicksPerMicrosecond - remainder);
    }
}
