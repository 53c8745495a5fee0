using System.Text;
using Npgsql;
using NpgsqlTypes;
using Orleans.Runtime;
using Orleans.Storage;
using Subscriptions.Grains;
using Subscriptions.Grains.Infrastructure;
using Subscriptions.Grains.Ops;

namespace Subscriptions.Storage.Grains;

/// <summary>
/// The grains' storage (<see cref="IGrainStorage"/>) on PostgreSQL: one row per grain in <c>grain_records</c>, keyed by
/// grain type and key as given, the version as ETag. A write is one statement (after <see cref="GenericPlans"/>, in the same
/// batch), so one transaction and one round trip:
/// the record (replaced on its version, or created) and, when the state carries them (<see cref="IRecordWithChange"/>),
/// the rows its change produced: history, outbox, issued invoices, the answered request id, a sandbox grain's
/// wake-up or a production grain's reminder row, and the grain's ops projection row. Each is stored only when the record was, so a write that loses a race stores nothing at all. A database
/// that cannot be reached surfaces as <see cref="StorageUnavailableException"/>.
/// </summary>
public sealed class GrainRecordStorage(NpgsqlDataSource dataSource, IGrainStorageSerializer serializer) : IGrainStorage
{
    /// <inheritdoc />
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var key = grainId.Key.ToString();
        return Database.GuardAsync($"reading {stateName}/{key}", async () =>
        {
            // The record and the grain's stored intent, if a change of it is under way (0012_pending_intents.sql).
            await using var command = dataSource.CreateCommand(
                """
                SELECT r.version, r.payload, i.intent
                  FROM (SELECT $1::text AS grain_type, $2::text AS grain_key) AS k
                  LEFT JOIN public.grain_records r ON r.grain_type = k.grain_type AND r.grain_key = k.grain_key
                  LEFT JOIN public.pending_intents i ON i.grain_type = k.grain_type AND i.grain_key = k.grain_key
                """);
            command.Parameters.Add(new() { Value = stateName });
            command.Parameters.Add(new() { Value = key });
            await using var reader = await command.ExecuteReaderAsync();
            await reader.ReadAsync();
            var exists = !reader.IsDBNull(0);
            var state = exists ? serializer.Deserialize<T>(new BinaryData(reader.GetFieldValue<byte[]>(1))) : Activator.CreateInstance<T>();
            if (!reader.IsDBNull(2) && state is IRecordWithChange record)
            {
                state = (T)record.WithIntent(serializer.Deserialize<PendingIntent>(new BinaryData(reader.GetFieldValue<byte[]>(2)))
                    ?? throw new InvalidOperationException($"{stateName}/{key} has an empty stored intent."));
            }

            grainState.State = state;
            grainState.ETag = exists ? Etag(reader.GetInt64(0)) : null;
            grainState.RecordExists = exists;
        });
    }

    /// <inheritdoc />
    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var key = grainId.Key.ToString();
        return Database.GuardAsync($"writing {stateName}/{key}; the change may or may not be stored. Retry with the same request id", async () =>
        {
            var expected = grainState.ETag is { } etag ? long.Parse(etag, System.Globalization.CultureInfo.InvariantCulture) : (long?)null;
            var payload = serializer.Serialize(grainState.State).ToArray();
            var change = (grainState.State as IRecordWithChange)?.Change;
            var carried = change?.CarriedIntent is { } intent ? serializer.Serialize(intent.Intent).ToArray() : null;
            var born = change?.Born is { } record ? serializer.Serialize(record.Record).ToArray() : null;
            await using var batch = dataSource.CreateBatch();
            batch.BatchCommands.Add(new NpgsqlBatchCommand(GenericPlans));
            batch.BatchCommands.Add(WriteCommand(stateName, key, expected, payload, change, carried, born));
            long? written;
            try
            {
                await using var reader = await batch.ExecuteReaderAsync();
                await reader.NextResultAsync();
                written = await reader.ReadAsync() ? reader.GetInt64(0) : null;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && e.TableName == "pending_intents")
            {
                // The grain whose intent this change carried has one stored already: nothing of the change is written.
                throw new InconsistentStateException(
                    $"{change?.CarriedIntent?.GrainType}/{change?.CarriedIntent?.GrainKey} has an unfinished change stored already; {stateName}/{key} wrote nothing.",
                    "unknown", grainState.ETag ?? "");
            }
            if (written is not long version)
            {
                throw new InconsistentStateException(
                    $"{stateName}/{key} was changed by another activation: its stored version is not {grainState.ETag ?? "absent"}.", "unknown", grainState.ETag ?? "");
            }

            grainState.ETag = Etag(version);
            grainState.RecordExists = true;
        });
    }

    /// <inheritdoc />
    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var key = grainId.Key.ToString();
        return Database.GuardAsync($"clearing {stateName}/{key}", async () =>
        {
            if (grainState.ETag is { } etag)
            {
                // The grain's ops projection row goes with its record, so a grain created again is projected from version 1.
                await using var command = dataSource.CreateCommand(
                    """
                    WITH gone AS (
                        DELETE FROM public.grain_records WHERE grain_type = $1 AND grain_key = $2 AND version = $3 RETURNING 1),
                    unprojected AS (
                        DELETE FROM public.ops_projection WHERE grain_type = $1 AND grain_key = $2 AND EXISTS (SELECT 1 FROM gone))
                    SELECT count(*) FROM gone
                    """);
                command.Parameters.Add(new() { Value = stateName });
                command.Parameters.Add(new() { Value = key });
                command.Parameters.Add(new() { Value = long.Parse(etag, System.Globalization.CultureInfo.InvariantCulture) });
                if ((long)(await command.ExecuteScalarAsync())! != 1)
                {
                    throw new InconsistentStateException($"{stateName}/{key} was changed by another activation: its stored version is not {etag}.", "unknown", etag);
                }
            }

            grainState.State = Activator.CreateInstance<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
        });
    }

    /// <summary>
    /// Run before each write, in its implicit transaction (one batch, one Sync): the write is planned generically, once per
    /// connection, instead of afresh on every execution. Left to choose, PostgreSQL kept planning the larger writes for
    /// their parameters each time (0.4 ms a write), because a generic plan guesses ten rows for each array the write
    /// unnests where a custom plan counts the one or two it holds. The setting ends with the transaction, so the pooled
    /// connection's other statements (billing ops' searches) keep PostgreSQL's own choice.
    /// </summary>
    private const string GenericPlans = "SELECT set_config('plan_cache_mode', 'force_generic_plan', true)";

    private static string Etag(long version) => version.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// The write as one statement of data-modifying CTEs: <c>written</c> replaces the record on its version (or creates
    /// it), and every other part stores its rows only if <c>written</c> returned one; the parts of a record another grain's
    /// change creates (<see cref="BornRecord"/>) only if <c>born</c> did. Parts with nothing to store are left out, so the
    /// statement texts are few and each is prepared once per connection.
    /// </summary>
    private static NpgsqlBatchCommand WriteCommand(string grainType, string grainKey, long? expected, byte[] payload, ChangeRows? change, byte[]? carriedIntent, byte[]? bornPayload)
    {
        var command = new NpgsqlBatchCommand();
        var parameters = command.Parameters;
        string Add(object? value, NpgsqlDbType? type = null)
        {
            var parameter = type is { } t ? new NpgsqlParameter { NpgsqlDbType = t, Value = value ?? DBNull.Value } : new NpgsqlParameter { Value = value ?? DBNull.Value };
            parameters.Add(parameter);
            return "$" + parameters.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var type = Add(grainType);
        var key = Add(grainKey);
        var data = Add(payload, NpgsqlDbType.Bytea);
        var sql = new StringBuilder();
        sql.Append(expected is { } version
            ? $"""
              WITH written AS (
                  UPDATE public.grain_records SET payload = {data}, version = version + 1, updated_at = now()
                   WHERE grain_type = {type} AND grain_key = {key} AND version = {Add(version)}
                  RETURNING version)
              """
            : $"""
              WITH written AS (
                  INSERT INTO public.grain_records (grain_type, grain_key, version, payload) VALUES ({type}, {key}, 1, {data})
                  ON CONFLICT DO NOTHING
                  RETURNING version)
              """);

        if (change is { History.Count: > 0 } withHistory)
        {
            AppendHistory(sql, Add, "history", "written", type, key, withHistory.History);
        }

        if (change is { Notifications.Count: > 0 } withNotifications)
        {
            // The messages take the next numbers of their account's stream, whose row stays locked until the change
            // commits (an account's messages commit in the order of their numbers), and one delivery row per enabled
            // sink (0013_outbox_in_the_write.sql).
            var n = withNotifications.Notifications;
            var count = Add((long)n.Count);
            sql.Append($"""
                ,
                stream AS (
                    INSERT INTO public.notification_streams AS s (account_id, last_seq)
                    SELECT split_part({key}, '/', 1), {count}
                     WHERE EXISTS (SELECT 1 FROM written)
                    ON CONFLICT (account_id) DO UPDATE SET last_seq = s.last_seq + EXCLUDED.last_seq
                    RETURNING last_seq),
                outbox AS (
                    INSERT INTO public.outbox (grain_type, grain_key, seq, version, kind, payload, created_at, account_seq)
                    SELECT {type}, {key}, n.seq, n.version, n.kind, n.payload::jsonb, n.created_at, s.last_seq - {count} + n.ord
                      FROM unnest({Add(n.Select(e => e.Seq).ToArray())}::bigint[], {Add(n.Select(e => e.Version).ToArray())}::bigint[],
                                  {Add(n.Select(e => e.Kind).ToArray())}::text[], {Add(n.Select(e => e.PayloadJson).ToArray())}::text[],
                                  {Add(n.Select(e => e.CreatedAt.ToUniversalTime()).ToArray())}::timestamptz[])
                           WITH ORDINALITY AS n(seq, version, kind, payload, created_at, ord)
                     CROSS JOIN stream AS s
                     ORDER BY n.ord
                    RETURNING id, account_id, account_seq, created_at),
                queued AS (
                    INSERT INTO public.notification_deliveries (sink, outbox_id, account_id, account_seq, state, next_attempt_at)
                    SELECT k.sink, o.id, o.account_id, o.account_seq, 'pending', o.created_at
                      FROM outbox AS o CROSS JOIN public.notification_sinks AS k
                     WHERE k.enabled)
                """);
        }

        if (change is { Invoices.Count: > 0 } withInvoices)
        {
            var i = withInvoices.Invoices;
            sql.Append($"""
                ,
                issued AS (
                    INSERT INTO public.issued_invoices (account_id, number, clock_id, invoice, issued_at)
                    SELECT i.account_id, i.number, i.clock_id, i.invoice::jsonb, i.issued_at
                      FROM unnest({Add(i.Select(e => e.AccountId).ToArray())}::text[], {Add(i.Select(e => e.Number).ToArray())}::text[],
                                  {Add(i.Select(e => e.ClockId).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text)}::text[], {Add(i.Select(e => e.InvoiceJson).ToArray())}::text[],
                                  {Add(i.Select(e => e.IssuedAt.ToUniversalTime()).ToArray())}::timestamptz[])
                           AS i(account_id, number, clock_id, invoice, issued_at)
                     WHERE EXISTS (SELECT 1 FROM written))
                """);
        }

        if (change?.Answer is { } answer)
        {
            sql.Append($"""
                ,
                answered AS (
                    INSERT INTO public.answered_requests (grain_type, grain_key, answer_key, method, result, answered_at)
                    SELECT {type}, {key}, {Add(answer.Key)}, {Add(answer.Method)}, {Add(answer.ResultJson)}, {Add(answer.AnsweredAt.ToUniversalTime())}
                     WHERE EXISTS (SELECT 1 FROM written)
                    ON CONFLICT DO NOTHING)
                """);
        }

        if (change?.ClockWakeUp is { } wake)
        {
            AppendClockWakeUp(sql, Add, "woken", "written", type, key, wake);
        }

        if (change?.Reminder is { } reminder)
        {
            AppendReminder(sql, Add, "reminded", "written", reminder);
        }

        if (change?.CarriedIntent is { } carried)
        {
            // Another grain's intent, stored with this change because it is that grain's first nested change. A second
            // intent of the same grain breaks the key, and the whole statement with it.
            sql.Append($"""
                ,
                carried AS (
                    INSERT INTO public.pending_intents (grain_type, grain_key, base_version, intent, recorded_at)
                    SELECT {Add(carried.GrainType)}, {Add(carried.GrainKey)}, {Add(carried.Intent.BaseVersion ?? 0L)}, {Add(carriedIntent, NpgsqlDbType.Bytea)},
                           {Add(carried.Intent.RecordedAt.ToUniversalTime())}
                     WHERE EXISTS (SELECT 1 FROM written))
                """);
        }

        if (change is { ClearsIntent: true })
        {
            sql.Append($"""
                ,
                finished AS (
                    DELETE FROM public.pending_intents WHERE grain_type = {type} AND grain_key = {key} AND EXISTS (SELECT 1 FROM written))
                """);
        }

        if (change?.Projection is { } projection)
        {
            OpsProjectionTable.AppendUpsert(sql, (value, dbType) => Add(value, dbType), "projected", "written", type, key, projection);
        }

        if (change?.Born is { } born)
        {
            // Another grain's first record, inserted at version 1 (no ON CONFLICT: a record already stored under its key
            // fails the whole statement), with its own history, wake-up and projection rows.
            var bornType = Add(born.GrainType);
            var bornKey = Add(born.GrainKey);
            sql.Append($"""
                ,
                born AS (
                    INSERT INTO public.grain_records (grain_type, grain_key, version, payload)
                    SELECT {bornType}, {bornKey}, 1, {Add(bornPayload, NpgsqlDbType.Bytea)}
                     WHERE EXISTS (SELECT 1 FROM written)
                    RETURNING version)
                """);
            AppendHistory(sql, Add, "born_history", "born", bornType, bornKey, [born.History]);

            if (born.ClockWakeUp is { } bornWake)
            {
                AppendClockWakeUp(sql, Add, "born_woken", "born", bornType, bornKey, bornWake);
            }

            if (born.Reminder is { } bornReminder)
            {
                AppendReminder(sql, Add, "born_reminded", "born", bornReminder);
            }

            if (born.Projection is { } bornProjection)
            {
                OpsProjectionTable.AppendUpsert(sql, (value, dbType) => Add(value, dbType), "born_projected", "born", bornType, bornKey, bornProjection);
            }
        }

        sql.Append("\nSELECT version FROM written");
        command.CommandText = sql.ToString();
        return command;
    }

    /// <summary>The CTE <paramref name="name"/> that stores history entries of grain <paramref name="type"/>/<paramref name="key"/> if <paramref name="guard"/> returned a row.</summary>
    private static void AppendHistory(StringBuilder sql, Func<object?, NpgsqlDbType?, string> add, string name, string guard, string type, string key, IReadOnlyList<HistoryEntry> h) =>
        sql.Append($"""
            ,
            {name} AS (
                INSERT INTO public.grain_history (grain_type, grain_key, seq, version, at, cause_kind, cause_name, caller, request_id, change, from_state, to_state, payload)
                SELECT {type}, {key}, h.seq, h.version, h.at, h.cause_kind, h.cause_name, h.caller, h.request_id, h.change, h.from_state, h.to_state, h.payload::jsonb
                  FROM unnest({add(h.Select(e => e.Seq).ToArray(), null)}::bigint[], {add(h.Select(e => e.Version).ToArray(), null)}::bigint[],
                              {add(h.Select(e => e.At.ToUniversalTime()).ToArray(), null)}::timestamptz[], {add(h.Select(e => e.Cause.Kind).ToArray(), null)}::text[],
                              {add(h.Select(e => e.Cause.Name).ToArray(), null)}::text[], {add(h.Select(e => e.Cause.Caller).ToArray(), null)}::text[],
                              {add(h.Select(e => e.Cause.RequestId).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text)}::text[], {add(h.Select(e => e.Change).ToArray(), null)}::text[],
                              {add(h.Select(e => e.From).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text)}::text[], {add(h.Select(e => e.To).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text)}::text[],
                              {add(h.Select(e => e.PayloadJson).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text)}::text[])
                       AS h(seq, version, at, cause_kind, cause_name, caller, request_id, change, from_state, to_state, payload)
                 WHERE EXISTS (SELECT 1 FROM {guard}))
            """);

    /// <summary>
    /// The CTE <paramref name="name"/> that stores a sandbox grain's wake-up on its test clock if <paramref name="guard"/>
    /// returned a row: the row is rewritten only when its time moves, or to clear failures and lift a quarantine (CLOCK-1).
    /// </summary>
    private static void AppendClockWakeUp(StringBuilder sql, Func<object?, NpgsqlDbType?, string> add, string name, string guard, string type, string key, ClockWakeUp wake) =>
        sql.Append(wake.DueAt is { } due
            ? $"""
              ,
              {name} AS (
                  INSERT INTO public.test_clock_events (clock_id, grain_type, grain_key, due_at)
                  SELECT {add(wake.ClockId, null)}, {type}, {key}, {add(Microseconds.Ceiling(due).ToUniversalTime(), null)}
                   WHERE EXISTS (SELECT 1 FROM {guard})
                  ON CONFLICT (clock_id, grain_type, grain_key) DO UPDATE
                     SET due_at = EXCLUDED.due_at, failures = 0, last_error = NULL, quarantined_at = NULL
                   WHERE public.test_clock_events.due_at <> EXCLUDED.due_at
                      OR public.test_clock_events.failures > 0
                      OR public.test_clock_events.quarantined_at IS NOT NULL)
              """
            : $"""
              ,
              {name} AS (
                  DELETE FROM public.test_clock_events
                   WHERE clock_id = {add(wake.ClockId, null)} AND grain_type = {type} AND grain_key = {key} AND EXISTS (SELECT 1 FROM {guard}))
              """);

    /// <summary>
    /// The CTE <paramref name="name"/> that writes a grain's reminder row as Orleans' reminder provider writes it
    /// (0001_orleans.sql), or deletes it, if <paramref name="guard"/> returned a row; its version moves on when the
    /// schedule changes. A grain that then registers the same schedule with the reminder service finds it stored, and
    /// the provider writes nothing (0011_reminder_in_commit.sql).
    /// </summary>
    private static void AppendReminder(StringBuilder sql, Func<object?, NpgsqlDbType?, string> add, string name, string guard, ReminderRow reminder)
    {
        var id = $"{add(reminder.ServiceId, null)}, {add(reminder.GrainId, null)}, {add(reminder.Name, null)}";
        sql.Append(reminder.StartTime is { } start
            ? $"""
              ,
              {name} AS (
                  INSERT INTO public.orleans_reminders AS r (service_id, grain_id, reminder_name, grain_hash, start_time, period_ms, version)
                  SELECT {id}, {add(reminder.GrainHash, null)}, {add(start.ToUniversalTime(), null)}, {add((long)reminder.Period.TotalMilliseconds, null)}, 1
                   WHERE EXISTS (SELECT 1 FROM {guard})
                  ON CONFLICT (service_id, grain_id, reminder_name) DO UPDATE
                     SET grain_hash = EXCLUDED.grain_hash, start_time = EXCLUDED.start_time, period_ms = EXCLUDED.period_ms,
                         version = r.version % 2147483647 + 1
                   WHERE r.start_time <> EXCLUDED.start_time OR r.period_ms <> EXCLUDED.period_ms OR r.grain_hash <> EXCLUDED.grain_hash)
              """
            : $"""
              ,
              {name} AS (
                  DELETE FROM public.orleans_reminders
                   WHERE (service_id, grain_id, reminder_name) = ({id}) AND EXISTS (SELECT 1 FROM {guard}))
              """);
    }
}
