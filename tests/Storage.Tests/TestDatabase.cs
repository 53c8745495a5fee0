using Npgsql;

namespace Subscriptions.Storage.Tests;

/// <summary>
/// A uniquely named, empty database on the test PostgreSQL server (admin connection string in SUBSCRIPTIONS_TEST_PG),
/// dropped on dispose.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    /// <summary>The environment variable holding the admin connection string of the test server.</summary>
    public const string ServerVariable = "SUBSCRIPTIONS_TEST_PG";

    private TestDatabase(string name, string connectionString)
    {
        Name = name;
        ConnectionString = connectionString;
        DataSource = NpgsqlDataSource.Create(connectionString);
    }

    public string Name { get; }

    public string ConnectionString { get; }

    /// <summary>A data source on this database, disposed with it.</summary>
    public NpgsqlDataSource DataSource { get; }

    /// <summary>The admin connection string of the test server, or a clear failure if none is configured.</summary>
    public static string ServerConnectionString =>
        Environment.GetEnvironmentVariable(ServerVariable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{ServerVariable} is not set: set it to an admin connection string of a PostgreSQL 15+ server, e.g. Host=127.0.0.1;Port=5432;Username=postgres;Database=postgres.");

    /// <summary>Creates an empty database named after <paramref name="prefix"/> plus a random suffix.</summary>
    public static async Task<TestDatabase> CreateAsync(string prefix)
    {
        var slug = new string([.. prefix.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit).Take(20)]);
        var name = $"t_storage_{slug}_{Guid.NewGuid():N}";
        await using (var admin = new NpgsqlConnection(ServerConnectionString))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin);
            await create.ExecuteNonQueryAsync();
        }

        var builder = new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = name, MaxPoolSize = 40 };
        return new TestDatabase(name, builder.ConnectionString);
    }

    /// <summary>Creates a database and applies this release's migrations to it.</summary>
    public static async Task<TestDatabase> CreateMigratedAsync(string prefix)
    {
        var database = await CreateAsync(prefix);
        await MigrationRunner.ApplyAsync(database.DataSource, SchemaMigrations.All);
        return database;
    }

    /// <summary>Runs one statement and returns the first column of the first row (default when none or NULL).</summary>
    public async Task<T?> ScalarAsync<T>(string sql, params object[] parameters)
    {
        await using var command = DataSource.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? default : (T)value;
    }

    /// <summary>Runs one query and returns its rows, each as an array of column values (DBNull as null).</summary>
    public async Task<List<object?[]>> RowsAsync(string sql, params object[] parameters)
    {
        await using var command = DataSource.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        var rows = new List<object?[]>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = await reader.IsDBNullAsync(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }

    /// <summary>Runs one statement and returns the number of rows it affected.</summary>
    public async Task<int> ExecuteAsync(string sql, params object[] parameters)
    {
        await using var command = DataSource.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        return await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync();
        await using (var pooled = new NpgsqlConnection(ConnectionString))
        {
            NpgsqlConnection.ClearPool(pooled);
        }

        await using var admin = new NpgsqlConnection(ServerConnectionString);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }
}
