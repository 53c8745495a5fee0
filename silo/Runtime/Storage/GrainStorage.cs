using Npgsql;
using NpgsqlTypes;

namespace Subscriptions.Runtime;

/// <summary>
/// Reads and writes grains in PostgreSQL. A turn's write is one transaction, conditional on the version the
/// activation read: state, history, outbox, reminder changes, the reminder acknowledgement and the answered request id.
/// Other silos hear of committed writes through <see cref="WriteNotifier"/>.
/// </summary>
public sealed class GrainStorage(NpgsqlDataSource dataSource)
{
    /// <summary>The channel on which silos announce committed writes to each other.</summary>
    public const string WriteChannel = "grain_writes";

    internal NpgsqlDataSource DataSource { get; } = dataSource;

    internal Task<LoadedGrain> LoadAsync(GrainId grain, DateTimeOffset requestsSince, CancellationToken cancellationToken) =>
        StorageErrors.GuardAsync($"loading {grain}", async () =>
        {
            await using var batch = DataSource.CreateBatch();
            batch.BatchCommands.Add(Command(
                "SELECT version, state::text, clock_id FROM grain_state WHERE grain_type = $1 AND grain_key = $2",
                grain.Type, grain.Key));
            batch.BatchCommands.Add(Command(
                "SELECT caller, request_id, method, result::text FROM grain_requests WHERE grain_type = $1 AND grain_key = $2 AND created_at >= $3",
                grain.Type, grain.Key, requestsSince));
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            long version = 0;
            string? state = null, clock = null;
            if (await reader.ReadAsync(cancellationToken))
            {
                version = reader.GetInt64(0);
                state = reader.GetString(1);
                clock = reader.IsDBNull(2) ? null : reader.GetString(2);
            }

            await reader.NextResultAsync(cancellationToken);
            var requests = new List<RequestRecord>();
            while (await reader.ReadAsync(cancellationToken))
            {
                requests.Add(new RequestRecord(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3)));
            }

            return new LoadedGrain(version, state, clock, requests);
        });

    internal Task CommitAsync(TurnWrite write, CancellationToken cancellationToken) =>
        StorageErrors.GuardAsync($"committing a turn of {write.Grain}", async () =>
        {
            var grain = write.Grain;
            var newVersion = write.ExpectedVersion + 1;
            await using var connection = await DataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using var batch = new NpgsqlBatch(connection, transaction);
            batch.BatchCommands.Add(write.ExpectedVersion == 0
                ? Command(
                    "INSERT INTO grain_state (grain_type, grain_key, version, state, clock_id, updated_at) VALUES ($1, $2, 1, $3::jsonb, $4, $5) ON CONFLICT DO NOTHING",
                    grain.Type, grain.Key, write.StateJson, Nullable(write.ClockId), write.Now)
                : Command(
                    "UPDATE grain_state SET version = version + 1, state = $3::jsonb, clock_id = $4, updated_at = $5 WHERE grain_type = $1 AND grain_key = $2 AND version = $6",
                    grain.Type, grain.Key, write.StateJson, Nullable(write.ClockId), write.Now, write.ExpectedVersion));

            if (write.Tick is { } tick)
            {
                batch.BatchCommands.Add(write.TickNextDue is { } next
                    ? Command(
                        "UPDATE reminders SET due_at = $4, lease_owner = NULL, lease_until = NULL WHERE grain_type = $1 AND grain_key = $2 AND name = $3 AND due_at = $5",
                        grain.Type, grain.Key, tick.Name, next, tick.DueAt)
                    : Command(
                        "DELETE FROM reminders WHERE grain_type = $1 AND grain_key = $2 AND name = $3 AND due_at = $4",
                        grain.Type, grain.Key, tick.Name, tick.DueAt));
            }

            foreach (var (name, registration) in write.Reminders)
            {
                batch.BatchCommands.Add(registration is null
                    ? Command("DELETE FROM reminders WHERE grain_type = $1 AND grain_key = $2 AND name = $3", grain.Type, grain.Key, name)
                    : Command(
                        """
                        INSERT INTO reminders (grain_type, grain_key, name, due_at, period_ticks, clock_id) VALUES ($1, $2, $3, $4, $5, $6)
                        ON CONFLICT (grain_type, grain_key, name) DO UPDATE
                        SET due_at = excluded.due_at, period_ticks = excluded.period_ticks, clock_id = excluded.clock_id, lease_owner = NULL, lease_until = NULL
                        """,
                        grain.Type, grain.Key, name, registration.DueAt, Nullable(registration.Period?.Ticks), Nullable(write.ClockId)));
            }

            if (write.History.Count > 0)
            {
                batch.BatchCommands.Add(Command(
                    """
                    INSERT INTO grain_history (grain_type, grain_key, version, idx, at, cause_kind, cause_name, caller, request_id, change, from_state, to_state, payload)
                    SELECT $1, $2, $3, h.idx, $4, $5, $6, $7, $8, h.change, h.from_state, h.to_state, h.payload::jsonb
                    FROM unnest($9::text[], $10::text[], $11::text[], $12::text[]) WITH ORDINALITY AS h(change, from_state, to_state, payload, idx)
                    """,
                    grain.Type, grain.Key, newVersion, write.Now, write.Cause.Kind, write.Cause.Name, write.Cause.Caller, Nullable(write.Cause.RequestId),
                    write.History.Select(h => h.Change).ToArray(),
                    write.History.Select(h => h.From).ToArray(),
                    write.History.Select(h => h.To).ToArray(),
                    write.History.Select(h => h.PayloadJson).ToArray()));
            }

            if (write.Outbox.Count > 0)
            {
                batch.BatchCommands.Add(Command(
                    """
                    INSERT INTO outbox (grain_type, grain_key, version, kind, payload, created_at)
                    SELECT $1, $2, $3, o.kind, o.payload::jsonb, $4 FROM unnest($5::text[], $6::text[]) WITH ORDINALITY AS o(kind, payload, idx) ORDER BY o.idx
                    """,
                    grain.Type, grain.Key, newVersion, write.Now,
                    write.Outbox.Select(o => o.Kind).ToArray(),
                    write.Outbox.Select(o => o.PayloadJson).ToArray()));
            }

            if (write.Request is { } request)
            {
                batch.BatchCommands.Add(Command(
                    "INSERT INTO grain_requests (grain_type, grain_key, caller, request_id, method, result, created_at) VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7)",
                    grain.Type, grain.Key, request.Caller, request.RequestId, request.Method, request.ResultJson, write.Now));
            }

            try
            {
                await batch.ExecuteNonQueryAsync(cancellationToken);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                throw new GrainVersionConflictException(grain, write.ExpectedVersion);
            }

            if (batch.BatchCommands[0].RecordsAffected != 1)
            {
                await transaction.RollbackAsync(cancellationToken);
                throw new GrainVersionConflictException(grain, write.ExpectedVersion);
            }

            await transaction.CommitAsync(cancellationToken);
        });

    /// <summary>Forgets answered request ids recorded before <paramref name="before"/> (IDEM-1 retention); returns how many.</summary>
    public Task<int> PurgeAnsweredRequestsAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        StorageErrors.GuardAsync("purging answered request ids", async () =>
        {
            await using var command = DataSource.CreateCommand("DELETE FROM grain_requests WHERE created_at < $1");
            command.Parameters.Add(new() { Value = before });
            return await command.ExecuteNonQueryAsync(cancellationToken);
        });

    /// <summary>The reminders registered by <paramref name="grain"/>.</summary>
    public Task<IReadOnlyList<ReminderEntry>> ReadRemindersAsync(GrainId grain, CancellationToken cancellationToken) =>
        StorageErrors.GuardAsync<IReadOnlyList<ReminderEntry>>($"reading reminders of {grain}", async () =>
        {
            await using var command = DataSource.CreateCommand(
                "SELECT name, due_at, period_ticks, clock_id FROM reminders WHERE grain_type = $1 AND grain_key = $2 ORDER BY due_at, name");
            command.Parameters.Add(new() { Value = grain.Type });
            command.Parameters.Add(new() { Value = grain.Key });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var result = new List<ReminderEntry>();
            while (await reader.ReadAsync(cancellationToken))
            {
                result.Add(new ReminderEntry(
                    grain,
                    reader.GetString(0),
                    reader.GetFieldValue<DateTimeOffset>(1),
                    reader.IsDBNull(2) ? null : TimeSpan.FromTicks(reader.GetInt64(2)),
                    reader.IsDBNull(3) ? null : reader.GetString(3)));
            }

            return result;
        });

    /// <summary>The persisted record of <paramref name="grain"/> (version 0 and no state if it was never written).</summary>
    public Task<GrainSnapshot> ReadSnapshotAsync(GrainId grain, CancellationToken cancellationToken) =>
        StorageErrors.GuardAsync($"reading {grain}", async () =>
        {
            await using var command = DataSource.CreateCommand(
                "SELECT version, state::text, clock_id, updated_at FROM grain_state WHERE grain_type = $1 AND grain_key = $2");
            command.Parameters.Add(new() { Value = grain.Type });
            command.Parameters.Add(new() { Value = grain.Key });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await reader.ReadAsync(cancellationToken)
                ? new GrainSnapshot(grain, reader.GetInt64(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3))
                : new GrainSnapshot(grain, 0, null, null, null);
        });

    /// <summary>The ordered history of <paramref name="grain"/> (OPS-1): each change with the cause of its turn.</summary>
    public Task<IReadOnlyList<HistoryEntry>> ReadHistoryAsync(GrainId grain, CancellationToken cancellationToken) =>
        StorageErrors.GuardAsync<IReadOnlyList<HistoryEntry>>($"reading the history of {grain}", async () =>
        {
            await using var command = DataSource.CreateCommand(
                """
                SELECT version, idx, at, cause_kind, cause_name, caller, request_id, change, from_state, to_state, payload::text
                FROM grain_history WHERE grain_type = $1 AND grain_key = $2 ORDER BY version, idx
                """);
            command.Parameters.Add(new() { Value = grain.Type });
            command.Parameters.Add(new() { Value = grain.Key });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var result = new List<HistoryEntry>();
            while (await reader.ReadAsync(cancellationToken))
            {
                result.Add(new HistoryEntry(
                    reader.GetInt64(0),
                    (int)reader.GetInt64(1),
                    reader.GetFieldValue<DateTimeOffset>(2),
                    new TurnCause(reader.GetString(3), reader.GetString(4), reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetString(6)),
                    reader.GetString(7),
                    reader.IsDBNull(8) ? null : reader.GetString(8),
                    reader.IsDBNull(9) ? null : reader.GetString(9),
                    reader.IsDBNull(10) ? null : reader.GetString(10)));
            }

            return result;
        });

    /// <summary>Outbox messages of <paramref name="grain"/> in the order they were written.</summary>
    public Task<IReadOnlyList<OutboxMessage>> ReadOutboxAsync(GrainId grain, CancellationToken cancellationToken) =>
        StorageErrors.GuardAsync<IReadOnlyList<OutboxMessage>>($"reading the outbox of {grain}", async () =>
        {
            await using var command = DataSource.CreateCommand(
                "SELECT id, kind, payload::text, created_at FROM outbox WHERE grain_type = $1 AND grain_key = $2 ORDER BY id");
            command.Parameters.Add(new() { Value = grain.Type });
            command.Parameters.Add(new() { Value = grain.Key });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var result = new List<OutboxMessage>();
            while (await reader.ReadAsync(cancellationToken))
            {
                result.Add(new OutboxMessage(reader.GetInt64(0), grain, reader.GetString(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3)));
            }

            return result;
        });

    internal static NpgsqlBatchCommand Command(string sql, params object[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(parameter is NpgsqlParameter p ? p : new NpgsqlParameter { Value = parameter });
        }

        return command;
    }

    private static object Nullable(string? value) => (object?)value ?? new NpgsqlParameter { Value = DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text };

    private static object Nullable(long? value) => value is { } v ? v : new NpgsqlParameter { Value = DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint };
}
