using Npgsql;

namespace Subscriptions.Runtime.Bench;

/// <summary>
/// The transaction of a state-writing turn sent straight through Npgsql, without the runtime: the statements
/// GrainStorage.CommitAsync sends for a new state version with one history entry (conditional UPDATE and history INSERT
/// from arrays in one batch, then COMMIT; write notifications go out afterwards, batched, outside the transaction).
/// It separates the cost of the SQL from the cost of the runtime.
/// </summary>
internal sealed class DirectTransactions(NpgsqlDataSource dataSource, TimeProvider clock)
{
    /// <summary>The grain type the rows are written under, apart from the benchmark grain's.</summary>
    public const string GrainType = "direct";

    /// <summary>One caller per key: inserts version 1, then each call commits the next version.</summary>
    public async Task<Func<Task>> CreateCallerAsync(string key)
    {
        await using (var insert = dataSource.CreateCommand(
            "INSERT INTO grain_state (grain_type, grain_key, version, state, updated_at) VALUES ($1, $2, 1, '{\"count\":1}', $3)"))
        {
            insert.Parameters.Add(new() { Value = GrainType });
            insert.Parameters.Add(new() { Value = key });
            insert.Parameters.Add(new() { Value = clock.GetUtcNow() });
            await insert.ExecuteNonQueryAsync();
        }

        long version = 1;
        return async () =>
        {
            await CommitAsync(key, version);
            version++;
        };
    }

    private async Task CommitAsync(string key, long version)
    {
        var next = version + 1;
        var now = clock.GetUtcNow();
        var before = version.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var after = next.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(Command(
            "UPDATE grain_state SET version = version + 1, state = $3::jsonb, clock_id = NULL, updated_at = $4 WHERE grain_type = $1 AND grain_key = $2 AND version = $5",
            GrainType, key, $"{{\"count\":{after}}}", now, version));
        batch.BatchCommands.Add(Command(
            """
            INSERT INTO grain_history (grain_type, grain_key, version, idx, at, cause_kind, cause_name, caller, request_id, change, from_state, to_state, payload)
            SELECT $1, $2, $3, h.idx, $4, 'call', 'IncrementAsync', 'anonymous', NULL, h.change, h.from_state, h.to_state, h.payload::jsonb
            FROM unnest($5::text[], $6::text[], $7::text[], $8::text[]) WITH ORDINALITY AS h(change, from_state, to_state, payload, idx)
            """,
            GrainType, key, next, now, new[] { "incremented" }, new[] { before }, new[] { after }, new string?[] { null }));
        await batch.ExecuteNonQueryAsync();
        if (batch.BatchCommands[0].RecordsAffected != 1)
        {
            throw new InvalidOperationException($"Direct write of \"{key}\" at version {version} updated {batch.BatchCommands[0].RecordsAffected} rows; expected 1.");
        }

        await transaction.CommitAsync();
    }

    private static NpgsqlBatchCommand Command(string sql, params object[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        return command;
    }
}
