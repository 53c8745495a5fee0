using Npgsql;
using Subscriptions.Grains.Infrastructure;
using Subscriptions.Grains.Ops;

namespace Subscriptions.Storage.Grains;

/// <summary>
/// The tables the grains' changes are committed into (<see cref="GrainRecordStorage"/> writes them), read and
/// maintained on the service's one <see cref="NpgsqlDataSource"/>: answered requests (IDEM-1), history (OPS-1), issued
/// invoices (INV-1), personal data to erase (ACC-8) and the test clocks' schedules (CLOCK-1).
/// </summary>
public sealed class GrainTables(NpgsqlDataSource dataSource) : IGrainTables
{
    /// <inheritdoc />
    public Task<AnsweredRequest?> ReadAnswerAsync(string grainType, string grainKey, string answerKey, CancellationToken cancellationToken) =>
        Database.GuardAsync<AnsweredRequest?>($"reading the answers of {grainType}/{grainKey}", async () =>
        {
            await using var command = dataSource.CreateCommand(
                "SELECT method, result, answered_at FROM public.answered_requests WHERE grain_type = $1 AND grain_key = $2 AND answer_key = $3");
            command.Parameters.Add(new() { Value = grainType });
            command.Parameters.Add(new() { Value = grainKey });
            command.Parameters.Add(new() { Value = answerKey });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await reader.ReadAsync(cancellationToken) ? new AnsweredRequest(reader.GetString(0), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2)) : null;
        });

    /// <summary>Deletes answered requests (IDEM-1) older than <paramref name="before"/> (real clock), at most <paramref name="limit"/> rows; returns how many.</summary>
    public Task<int> PruneAnswersAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken) =>
        Database.GuardAsync("pruning answered requests", async () =>
        {
            await using var command = dataSource.CreateCommand(
                """
                DELETE FROM public.answered_requests
                 WHERE ctid IN (SELECT ctid FROM public.answered_requests WHERE answered_at < $1 LIMIT $2)
                """);
            command.Parameters.Add(new() { Value = before.ToUniversalTime() });
            command.Parameters.Add(new() { Value = limit });
            return await command.ExecuteNonQueryAsync(cancellationToken);
        });

    /// <summary>
    /// The grains with an intent stored at or before <paramref name="before"/> (silo clock) and not finished since, oldest
    /// first, at most <paramref name="limit"/>: the changes a silo's sweep wakes their grains to finish.
    /// </summary>
    public Task<IReadOnlyList<(string GrainType, string GrainKey)>> StoredIntentsAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken) =>
        Database.GuardAsync<IReadOnlyList<(string, string)>>("reading the stored intents", async () =>
        {
            await using var command = dataSource.CreateCommand(
                "SELECT grain_type, grain_key FROM public.pending_intents WHERE recorded_at <= $1 ORDER BY recorded_at LIMIT $2");
            command.Parameters.Add(new() { Value = before.ToUniversalTime() });
            command.Parameters.Add(new() { Value = limit });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var grains = new List<(string, string)>();
            while (await reader.ReadAsync(cancellationToken))
            {
                grains.Add((reader.GetString(0), reader.GetString(1)));
            }

            return grains;
        });

    /// <inheritdoc />
    public Task<IReadOnlyList<HistoryEntry>> ReadHistoryAsync(string grainType, string grainKey, long? beforeSeq, int? limit, CancellationToken cancellationToken) =>
        Database.GuardAsync<IReadOnlyList<HistoryEntry>>($"reading the history of {grainType}/{grainKey}", async () =>
        {
            await using var command = dataSource.CreateCommand(
                """
                SELECT seq, version, at, cause_kind, cause_name, caller, request_id, change, from_state, to_state, payload::text
                FROM public.grain_history WHERE grain_type = $1 AND grain_key = $2 AND ($3::bigint IS NULL OR seq < $3)
                ORDER BY seq DESC LIMIT $4
                """);
            command.Parameters.Add(new() { Value = grainType });
            command.Parameters.Add(new() { Value = grainKey });
            command.Parameters.Add(new() { Value = (object?)beforeSeq ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
            command.Parameters.Add(new() { Value = (object?)limit ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer });
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

            entries.Reverse();
            return entries;
        });

    /// <inheritdoc />
    public Task<IssuedInvoiceRow?> ReadIssuedInvoiceAsync(string accountId, string number, CancellationToken cancellationToken) =>
        Database.GuardAsync<IssuedInvoiceRow?>($"reading invoice {number} of {accountId}", async () =>
        {
            await using var command = dataSource.CreateCommand("SELECT invoice::text, clock_id FROM public.issued_invoices WHERE account_id = $1 AND number = $2");
            command.Parameters.Add(new() { Value = accountId });
            command.Parameters.Add(new() { Value = number });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await reader.ReadAsync(cancellationToken) ? new IssuedInvoiceRow(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1)) : null;
        });

    /// <inheritdoc />
    public Task ScrubPersonalDataAsync(string accountId, CancellationToken cancellationToken) =>
        Database.GuardAsync($"erasing the personal data of account {accountId}", async () =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
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

    /// <inheritdoc />
    public Task<ClockEvent?> NextClockEventAsync(string clockId, DateTimeOffset until, CancellationToken cancellationToken) =>
        Database.GuardAsync<ClockEvent?>($"reading test clock {clockId}", async () =>
        {
            await using var command = dataSource.CreateCommand(
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

    /// <inheritdoc />
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

    /// <inheritdoc />
    public Task<ScheduledClockEvent?> ReadClockEventAsync(string clockId, string grainType, string grainKey, CancellationToken cancellationToken) =>
        Database.GuardAsync<ScheduledClockEvent?>($"reading the schedule of {grainType}/{grainKey}", async () =>
        {
            await using var command = dataSource.CreateCommand(
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

    /// <inheritdoc />
    public Task<int> RecordClockEventFailureAsync(string clockId, ClockEvent failed, string error, int limit, DateTimeOffset now, CancellationToken cancellationToken) =>
        Database.GuardAsync($"recording a failed wake-up of {failed.GrainType}/{failed.GrainKey} on test clock {clockId}", async () =>
        {
            await using var command = dataSource.CreateCommand(
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

    private Task ExecuteAsync(string what, string sql, CancellationToken cancellationToken, params object[] parameters) =>
        Database.GuardAsync(what, async () =>
        {
            await using var command = dataSource.CreateCommand(sql);
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
