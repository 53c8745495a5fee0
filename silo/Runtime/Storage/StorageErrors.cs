using Npgsql;

namespace Subscriptions.Runtime;

/// <summary>Tells a lost or unreachable database apart from a failed statement, and wraps the former as retryable.</summary>
internal static class StorageErrors
{
    public static bool IsUnavailable(Exception exception) => exception switch
    {
        PostgresException pg => pg.SqlState.StartsWith("08", StringComparison.Ordinal) || pg.SqlState is "57P01" or "57P02" or "57P03" or "53300",
        NpgsqlException => true,
        TimeoutException => true,
        System.Net.Sockets.SocketException => true,
        IOException => true,
        _ => false,
    };

    public static async Task<T> GuardAsync<T>(string what, Func<Task<T>> action)
    {
        try
        {
            return await action();
        }
        catch (Exception exception) when (IsUnavailable(exception))
        {
            throw new StorageUnavailableException($"The database is unavailable while {what}: {exception.Message}", exception);
        }
    }

    public static async Task GuardAsync(string what, Func<Task> action) =>
        await GuardAsync(what, async () =>
        {
            await action();
            return true;
        });
}
