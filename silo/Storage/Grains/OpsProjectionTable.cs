using System.Globalization;
using System.Text;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Orleans.Storage;
using Subscriptions.Grains.Accounts;
using Subscriptions.Grains.Infrastructure;
using Subscriptions.Grains.Invoices;
using Subscriptions.Grains.Ops;
using Subscriptions.Grains.Orders;
using Subscriptions.Grains.Quotes;
using Subscriptions.Grains.SubscriptionLifecycle;

namespace Subscriptions.Storage.Grains;

/// <summary>
/// The ops projection (<c>ops_projection</c>, docs/ops.md): one row of searchable fields per grain. The grain storage
/// writes a grain's row in the statement that writes its record (<see cref="AppendUpsert"/>); ops search it
/// (<see cref="SearchAsync"/>); <see cref="RebuildAsync"/> computes every row again from the stored records, with the
/// same code the write path uses. A row is replaced only by a later version of its record's, so a rebuild beside live
/// writes never puts an older row back.
/// </summary>
public sealed class OpsProjectionTable(NpgsqlDataSource dataSource, TimeSpan reminderPeriod) : IOpsProjection
{
    private const string Columns =
        "grain_type, grain_key, version, account_id, entity_id, state, clock_id, wake_at, wake_name, last_woken_at, product_id, plan_id, seats, " +
        "period_end, grace_end, currency, total, balance, issued_at, due_at, expires_at";

    private const string Upsert =
        """
        ON CONFLICT (grain_type, grain_key) DO UPDATE SET
            version = EXCLUDED.version, account_id = EXCLUDED.account_id, entity_id = EXCLUDED.entity_id, state = EXCLUDED.state,
            clock_id = EXCLUDED.clock_id, wake_at = EXCLUDED.wake_at, wake_name = EXCLUDED.wake_name, last_woken_at = EXCLUDED.last_woken_at,
            product_id = EXCLUDED.product_id, plan_id = EXCLUDED.plan_id, seats = EXCLUDED.seats, period_end = EXCLUDED.period_end,
            grace_end = EXCLUDED.grace_end, currency = EXCLUDED.currency, total = EXCLUDED.total, balance = EXCLUDED.balance,
            issued_at = EXCLUDED.issued_at, due_at = EXCLUDED.due_at, expires_at = EXCLUDED.expires_at, updated_at = now()
         WHERE public.ops_projection.version < EXCLUDED.version
        """;

    private const string Selected =
        "grain_type, grain_key, version, account_id, entity_id, state, clock_id, wake_at, wake_name, last_woken_at, product_id, plan_id, seats, " +
        "period_end, grace_end, currency, total, balance, issued_at, due_at, expires_at, updated_at";

    /// <summary>
    /// Appends to a grain write the data-modifying CTE <paramref name="name"/> that stores <paramref name="row"/> at the
    /// version the CTE <paramref name="source"/> returned (the record's write); nothing when the record was not written.
    /// </summary>
    internal static void AppendUpsert(StringBuilder sql, Func<object?, NpgsqlDbType, string> add, string name, string source, string type, string key, ProjectionRow row)
    {
        var f = row.Fields;
        sql.Append($"""
            ,
            {name} AS (
                INSERT INTO public.ops_projection ({Columns})
                SELECT {type}, {key}, {source}.version, {add(f.AccountId, NpgsqlDbType.Text)}, {add(f.EntityId, NpgsqlDbType.Text)}, {add(f.State, NpgsqlDbType.Text)},
                       {add(row.ClockId, NpgsqlDbType.Text)}, {add(Utc(row.WakeAt), NpgsqlDbType.TimestampTz)}, {add(f.WakeName, NpgsqlDbType.Text)},
                       {add(Utc(row.LastWokenAt), NpgsqlDbType.TimestampTz)}, {add(f.ProductId, NpgsqlDbType.Text)}, {add(f.PlanId, NpgsqlDbType.Text)},
                       {add(f.Seats, NpgsqlDbType.Integer)}, {add(Utc(f.PeriodEnd), NpgsqlDbType.TimestampTz)}, {add(Utc(f.GraceEnd), NpgsqlDbType.TimestampTz)},
                       {add(f.Currency, NpgsqlDbType.Text)}, {add(f.Total, NpgsqlDbType.Numeric)}, {add(f.Balance, NpgsqlDbType.Numeric)},
                       {add(Utc(f.IssuedAt), NpgsqlDbType.TimestampTz)}, {add(Utc(f.DueAt), NpgsqlDbType.TimestampTz)}, {add(Utc(f.ExpiresAt), NpgsqlDbType.TimestampTz)}
                  FROM {source}
                {Upsert})
            """);
    }

    /// <inheritdoc />
    public TimeSpan ReminderPeriod => reminderPeriod;

    /// <inheritdoc />
    public Task<ProjectionPage> SearchAsync(ProjectionQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        return Database.GuardAsync("searching the ops projection", async () =>
        {
            await using var command = dataSource.CreateCommand();
            var parameters = command.Parameters;
            string Add(object? value, NpgsqlDbType type)
            {
                parameters.Add(new NpgsqlParameter { NpgsqlDbType = type, Value = value ?? DBNull.Value });
                return "$" + parameters.Count.ToString(CultureInfo.InvariantCulture);
            }

            var where = new List<string>();
            if (query.GrainType is { } grainType)
            {
                where.Add($"grain_type = {Add(grainType, NpgsqlDbType.Text)}");
            }

            if (query.GrainKey is { } grainKey)
            {
                where.Add($"grain_key = {Add(grainKey, NpgsqlDbType.Text)}");
            }

            if (query.States.Count > 0)
            {
                where.Add($"state = ANY({Add(query.States.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text)})");
            }

            void Equal(string column, string? value)
            {
                if (value is not null)
                {
                    where.Add($"{column} = {Add(value, NpgsqlDbType.Text)}");
                }
            }

            void Within(string column, TimeWindow? window)
            {
                if (window?.From is { } from)
                {
                    where.Add($"{column} >= {Add(from.ToUniversalTime(), NpgsqlDbType.TimestampTz)}");
                }

                if (window?.To is { } to)
                {
                    where.Add($"{column} < {Add(to.ToUniversalTime(), NpgsqlDbType.TimestampTz)}");
                }

                if (window is not null)
                {
                    where.Add($"{column} IS NOT NULL");
                }
            }

            Equal("account_id", query.AccountId);
            Equal("clock_id", query.ClockId);
            if (query.RealClockOnly)
            {
                where.Add("clock_id IS NULL");
            }

            Equal("product_id", query.ProductId);
            Equal("plan_id", query.PlanId);
            Equal("currency", query.Currency);
            Within("period_end", query.PeriodEnd);
            Within("grace_end", query.GraceEnd);
            Within("due_at", query.Due);
            Within("expires_at", query.Expires);
            Within("wake_at", query.Wake);
            if (query.MinBalance is { } minBalance)
            {
                where.Add($"balance >= {Add(minBalance, NpgsqlDbType.Numeric)}");
            }

            string order;
            if (query.Order == ProjectionOrder.WakeAt)
            {
                where.Add("wake_at IS NOT NULL");
                if (query.After is { WakeAt: { } afterWake } after)
                {
                    where.Add($"(wake_at, grain_type, grain_key) > ({Add(afterWake.ToUniversalTime(), NpgsqlDbType.TimestampTz)}, {Add(after.GrainType, NpgsqlDbType.Text)}, {Add(after.GrainKey, NpgsqlDbType.Text)})");
                }

                order = "wake_at, grain_type, grain_key";
            }
            else
            {
                if (query.After is { } after)
                {
                    where.Add($"(grain_type, grain_key) > ({Add(after.GrainType, NpgsqlDbType.Text)}, {Add(after.GrainKey, NpgsqlDbType.Text)})");
                }

                order = "grain_type, grain_key";
            }

            // One row more than the page tells whether another page follows.
            command.CommandText =
                $"SELECT {Selected} FROM public.ops_projection{(where.Count == 0 ? "" : " WHERE " + string.Join(" AND ", where))} ORDER BY {order} LIMIT {Add(query.Limit + 1, NpgsqlDbType.Integer)}";
            var rows = await ReadRowsAsync(command, cancellationToken);
            if (rows.Count <= query.Limit)
            {
                return new ProjectionPage(rows, null);
            }

            rows.RemoveAt(rows.Count - 1);
            var last = rows[^1];
            return new ProjectionPage(rows, new ProjectionCursor(query.Order == ProjectionOrder.WakeAt ? last.WakeAt : null, last.GrainType, last.GrainKey));
        });
    }

    /// <summary>
    /// Builds the projection from the stored grains unless it was built already (<c>ops_projection_built</c>): the first
    /// start after the migration that created it fills it, and a build stopped half-way is done again. Returns the rows
    /// written, or null when it was built before.
    /// </summary>
    public async Task<long?> EnsureBuiltAsync(IGrainStorageSerializer serializer, CancellationToken cancellationToken)
    {
        var built = await Database.GuardAsync("reading whether the ops projection is built", async () =>
        {
            await using var command = dataSource.CreateCommand(
                "SELECT to_regclass('public.ops_projection_built') IS NULL OR EXISTS (SELECT 1 FROM public.ops_projection_built)");
            return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
        });
        if (built)
        {
            return null;
        }

        var rows = await RebuildAsync(serializer, null, batchSize: 1000, cancellationToken);
        await MarkBuiltAsync(rows, cancellationToken);
        return rows;
    }

    /// <summary>Records that the projection was built from every stored grain (by a start, or by rebuild-projections), once.</summary>
    public Task MarkBuiltAsync(long rows, CancellationToken cancellationToken) =>
        Database.GuardAsync("recording that the ops projection is built", async () =>
        {
            await using var command = dataSource.CreateCommand(
                "INSERT INTO public.ops_projection_built (built_at, rows) SELECT now(), $1 WHERE NOT EXISTS (SELECT 1 FROM public.ops_projection_built)");
            command.Parameters.Add(new() { Value = rows });
            await command.ExecuteNonQueryAsync(cancellationToken);
        });

    /// <summary>Every row, in key order, as stored (a rebuild's check, and tests).</summary>
    public Task<IReadOnlyList<ProjectedGrain>> ReadAllAsync(CancellationToken cancellationToken) =>
        Database.GuardAsync<IReadOnlyList<ProjectedGrain>>("reading the ops projection", async () =>
        {
            await using var command = dataSource.CreateCommand($"SELECT {Selected} FROM public.ops_projection ORDER BY grain_type, grain_key");
            return await ReadRowsAsync(command, cancellationToken);
        });

    /// <summary>
    /// Computes every grain's row again from its stored record, type by type in key order, <paramref name="batchSize"/>
    /// records per statement, and deletes rows whose record is gone; reports each batch to <paramref name="progress"/>.
    /// Safe beside live writes: a row is replaced only by one of a later record version. Returns the rows written.
    /// </summary>
    public async Task<long> RebuildAsync(IGrainStorageSerializer serializer, IProgress<RebuildProgress>? progress, int batchSize, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(serializer);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        long written = 0;
        written += await RebuildTypeAsync<AccountState>(AccountGrain.TypeName, serializer, progress, batchSize, cancellationToken);
        written += await RebuildTypeAsync<SubscriptionGrainState>(SubscriptionGrain.TypeName, serializer, progress, batchSize, cancellationToken);
        written += await RebuildTypeAsync<InvoiceState>(InvoiceGrain.TypeName, serializer, progress, batchSize, cancellationToken);
        written += await RebuildTypeAsync<QuoteGrainState>(QuoteGrain.TypeName, serializer, progress, batchSize, cancellationToken);
        written += await RebuildTypeAsync<ServiceOrderState>(ServiceOrderGrain.TypeName, serializer, progress, batchSize, cancellationToken);
        await Database.GuardAsync("removing projection rows of grains no longer stored", async () =>
        {
            await using var command = dataSource.CreateCommand(
                "DELETE FROM public.ops_projection p WHERE NOT EXISTS (SELECT 1 FROM public.grain_records r WHERE r.grain_type = p.grain_type AND r.grain_key = p.grain_key)");
            await command.ExecuteNonQueryAsync(cancellationToken);
        });
        return written;
    }

    private async Task<long> RebuildTypeAsync<TState>(
        string grainType, IGrainStorageSerializer serializer, IProgress<RebuildProgress>? progress, int batchSize, CancellationToken cancellationToken)
        where TState : class, IProjectedState<TState>, new()
    {
        var total = await Database.GuardAsync($"counting {grainType} records", async () =>
        {
            await using var count = dataSource.CreateCommand("SELECT count(*) FROM public.grain_records WHERE grain_type = $1");
            count.Parameters.Add(new() { Value = grainType });
            return (long)(await count.ExecuteScalarAsync(cancellationToken))!;
        });
        progress?.Report(new RebuildProgress(grainType, 0, total));
        long done = 0;
        long written = 0;
        var after = "";
        while (true)
        {
            var batch = await Database.GuardAsync($"reading {grainType} records", async () =>
            {
                await using var read = dataSource.CreateCommand(
                    "SELECT grain_key, version, payload FROM public.grain_records WHERE grain_type = $1 AND grain_key > $2 ORDER BY grain_key LIMIT $3");
                read.Parameters.Add(new() { Value = grainType });
                read.Parameters.Add(new() { Value = after });
                read.Parameters.Add(new() { Value = batchSize });
                var found = new List<(string Key, long Version, ProjectionRow? Row)>();
                await using var reader = await read.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    var record = serializer.Deserialize<GrainRecord<TState>>(new BinaryData(reader.GetFieldValue<byte[]>(2)));
                    found.Add((reader.GetString(0), reader.GetInt64(1), record is null ? null : ProjectionRow.Of(record)));
                }

                return found;
            });
            if (batch.Count == 0)
            {
                return written;
            }

            after = batch[^1].Key;
            var rows = batch.Where(r => r.Row is not null).Select(r => RowJson(grainType, r.Key, r.Version, r.Row!)).ToList();
            if (rows.Count > 0)
            {
                await Database.GuardAsync($"writing {grainType} projection rows", async () =>
                {
                    await using var write = dataSource.CreateCommand(
                        $"""
                        INSERT INTO public.ops_projection ({Columns})
                        SELECT {Columns}
                          FROM jsonb_to_recordset($1::jsonb) AS r(
                               grain_type text, grain_key text, version bigint, account_id text, entity_id text, state text, clock_id text,
                               wake_at timestamptz, wake_name text, last_woken_at timestamptz, product_id text, plan_id text, seats integer,
                               period_end timestamptz, grace_end timestamptz, currency text, total numeric, balance numeric,
                               issued_at timestamptz, due_at timestamptz, expires_at timestamptz)
                        {Upsert}
                        """);
                    write.Parameters.Add(new() { Value = "[" + string.Join(",", rows) + "]", NpgsqlDbType = NpgsqlDbType.Text });
                    await write.ExecuteNonQueryAsync(cancellationToken);
                });
            }

            done += batch.Count;
            written += rows.Count;
            progress?.Report(new RebuildProgress(grainType, done, Math.Max(total, done)));
        }
    }

    private static string RowJson(string grainType, string grainKey, long version, ProjectionRow row)
    {
        var f = row.Fields;
        return JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["grain_type"] = grainType,
            ["grain_key"] = grainKey,
            ["version"] = version,
            ["account_id"] = f.AccountId,
            ["entity_id"] = f.EntityId,
            ["state"] = f.State,
            ["clock_id"] = row.ClockId,
            ["wake_at"] = Json(row.WakeAt),
            ["wake_name"] = f.WakeName,
            ["last_woken_at"] = Json(row.LastWokenAt),
            ["product_id"] = f.ProductId,
            ["plan_id"] = f.PlanId,
            ["seats"] = f.Seats,
            ["period_end"] = Json(f.PeriodEnd),
            ["grace_end"] = Json(f.GraceEnd),
            ["currency"] = f.Currency,
            ["total"] = f.Total,
            ["balance"] = f.Balance,
            ["issued_at"] = Json(f.IssuedAt),
            ["due_at"] = Json(f.DueAt),
            ["expires_at"] = Json(f.ExpiresAt),
        });
    }

    private static DateTimeOffset? Utc(DateTimeOffset? time) => time?.ToUniversalTime();

    // Cut to the microsecond as Npgsql cuts a parameter, so a rebuilt row equals the one the write path stored.
    private static string? Json(DateTimeOffset? time) => time?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    private static async Task<List<ProjectedGrain>> ReadRowsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var rows = new List<ProjectedGrain>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(Read(reader));
        }

        return rows;
    }

    private static ProjectedGrain Read(NpgsqlDataReader reader)
    {
        string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
        DateTimeOffset? Time(int i) => reader.IsDBNull(i) ? null : reader.GetFieldValue<DateTimeOffset>(i);
        decimal? Number(int i) => reader.IsDBNull(i) ? null : reader.GetDecimal(i);
        var fields = new ProjectedFields(reader.GetString(3), reader.GetString(4), reader.GetString(5))
        {
            WakeName = Text(8),
            ProductId = Text(10),
            PlanId = Text(11),
            Seats = reader.IsDBNull(12) ? null : reader.GetInt32(12),
            PeriodEnd = Time(13),
            GraceEnd = Time(14),
            Currency = Text(15),
            Total = Number(16),
            Balance = Number(17),
            IssuedAt = Time(18),
            DueAt = Time(19),
            ExpiresAt = Time(20),
        };
        return new ProjectedGrain(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), fields, Text(6), Time(7), Time(9), reader.GetFieldValue<DateTimeOffset>(21));
    }
}

/// <summary>How far a rebuild is: the grain type being rebuilt, records read of it so far, and how many it has.</summary>
public sealed record RebuildProgress(string GrainType, long Done, long Total);
