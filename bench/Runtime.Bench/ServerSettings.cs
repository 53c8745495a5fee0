using Npgsql;

namespace Subscriptions.Runtime.Bench;

/// <summary>What the report says about the PostgreSQL server measured: version and the settings that decide commit cost.</summary>
internal sealed record ServerSettings(string Host, int Port, string Version, string Fsync, string SynchronousCommit, string FullPageWrites, string SharedBuffers, string MaxConnections)
{
    /// <summary>"durable" when every commit waits for its WAL flush, otherwise "ephemeral".</summary>
    public string Durability => Fsync == "on" && SynchronousCommit != "off" ? "durable" : "ephemeral";

    public static async Task<ServerSettings> ReadAsync(string adminConnectionString)
    {
        var target = new NpgsqlConnectionStringBuilder(adminConnectionString);
        await using var connection = new NpgsqlConnection(adminConnectionString);
        await connection.OpenAsync();
        async Task<string> Show(string name)
        {
            await using var command = new NpgsqlCommand($"SHOW {name}", connection);
            return (string)(await command.ExecuteScalarAsync())!;
        }

        return new ServerSettings(
            target.Host ?? "localhost",
            target.Port,
            await Show("server_version"),
            await Show("fsync"),
            await Show("synchronous_commit"),
            await Show("full_page_writes"),
            await Show("shared_buffers"),
            await Show("max_connections"));
    }
}
