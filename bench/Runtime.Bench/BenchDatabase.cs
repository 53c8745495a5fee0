using Npgsql;

namespace Subscriptions.Runtime.Bench;

/// <summary>A database created for one run on the measured server and dropped at the end.</summary>
internal sealed class BenchDatabase : IAsyncDisposable
{
    private readonly string adminConnectionString;

    private BenchDatabase(string adminConnectionString, string name)
    {
        this.adminConnectionString = adminConnectionString;
        Name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = name, MaxPoolSize = 100 }.ConnectionString;
    }

    public string Name { get; }

    public string ConnectionString { get; }

    /// <summary>Creates an empty database named <c>bench_{purpose}_{random}</c>.</summary>
    public static async Task<BenchDatabase> CreateAsync(string adminConnectionString, string purpose)
    {
        var database = new BenchDatabase(adminConnectionString, $"bench_{purpose}_{Guid.NewGuid():N}");
        await database.AdminAsync($"CREATE DATABASE \"{database.Name}\"");
        return database;
    }

    /// <summary>Flushes dirty pages before a cell so no cell pays for the previous one's checkpoint.</summary>
    public Task CheckpointAsync() => AdminAsync("CHECKPOINT");

    /// <summary>Runs one statement on this database and returns the first column of the first row.</summary>
    public async Task<long> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await AdminAsync($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)");
    }

    private async Task AdminAsync(string sql)
    {
        await using var admin = new NpgsqlConnection(adminConnectionString);
        await admin.OpenAsync();
        await using var command = new NpgsqlCommand(sql, admin);
        await command.ExecuteNonQueryAsync();
    }
}
