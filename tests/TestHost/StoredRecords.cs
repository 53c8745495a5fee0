using Npgsql;

namespace Subscriptions.TestHost;

/// <summary>What the grains stored, read with SQL the way ops would: outbox rows and whether a grain's record exists.</summary>
public static class StoredRecords
{
    /// <summary>The outbox rows of one grain, oldest first.</summary>
    public static async Task<IReadOnlyList<StoredNotification>> OutboxAsync(this TestCluster cluster, string grainType, string grainKey)
    {
        await using var command = cluster.DataSource.CreateCommand(
            "SELECT id, kind, payload::text, version FROM public.outbox WHERE grain_type = $1 AND grain_key = $2 ORDER BY id");
        command.Parameters.Add(new NpgsqlParameter { Value = grainType });
        command.Parameters.Add(new NpgsqlParameter { Value = grainKey });
        var rows = new List<StoredNotification>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(new StoredNotification(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3)));
        }

        return rows;
    }

    /// <summary>True when the grain's record exists.</summary>
    public static async Task<bool> StateExistsAsync(this TestCluster cluster, string grainType, string grainKey)
    {
        await using var command = cluster.DataSource.CreateCommand(
            "SELECT count(*) FROM public.grain_records WHERE grain_type = $1 AND grain_key = $2");
        command.Parameters.Add(new NpgsqlParameter { Value = grainType });
        command.Parameters.Add(new NpgsqlParameter { Value = grainKey });
        return (long)(await command.ExecuteScalarAsync())! > 0;
    }

    /// <summary>Moves a grain's stored version on, as a write from elsewhere would: its activation's next write conflicts.</summary>
    public static async Task BumpStoredVersionAsync(this TestCluster cluster, string grainType, string grainKey)
    {
        await using var command = cluster.DataSource.CreateCommand(
            "UPDATE public.grain_records SET version = version + 1 WHERE grain_type = $1 AND grain_key = $2");
        command.Parameters.Add(new NpgsqlParameter { Value = grainType });
        command.Parameters.Add(new NpgsqlParameter { Value = grainKey });
        var changed = await command.ExecuteNonQueryAsync();
        if (changed != 1)
        {
            throw new InvalidOperationException($"Expected one stored {grainType}/{grainKey}, found {changed}.");
        }
    }
}

/// <summary>One outbox row.</summary>
public sealed record StoredNotification(long Id, string Kind, string PayloadJson, long Version);
