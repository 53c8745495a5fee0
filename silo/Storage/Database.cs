using Subscriptions.Grains;
using Subscriptions.Grains.Infrastructure;

namespace Subscriptions.Storage;

/// <summary>How the service's SQL reports a database it cannot reach.</summary>
public static class Database
{
    /// <summary>Asks the database a trivial question (<c>SELECT 1</c>): throws the driver's error when it cannot answer.</summary>
    public static async Task PingAsync(Npgsql.NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await using var command = dataSource.CreateCommand("SELECT 1");
        await command.ExecuteScalarAsync(cancellationToken);
    }

    /// <summary>Runs <paramref name="work"/>, turning an unreachable or failing database into <see cref="StorageUnavailableException"/>.</summary>
    public static async Task<T> GuardAsync<T>(string what, Func<Task<T>> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        try
        {
            return await work();
        }
        catch (Exception e) when (e is not StorageUnavailableException && DatabaseFailures.Is(e))
        {
            throw new StorageUnavailableException($"PostgreSQL is unavailable while {what}: {e.Message}");
        }
    }

    /// <summary>Runs <paramref name="work"/>, turning an unreachable or failing database into <see cref="StorageUnavailableException"/>.</summary>
    public static Task GuardAsync(string what, Func<Task> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        return GuardAsync(what, async () =>
        {
            await work();
            return true;
        });
    }
}
