using Npgsql;
using Subscriptions.TestHost;

namespace Subscriptions.Runtime.Tests;

public sealed class DatabaseFailureTests : IAsyncLifetime
{
    private TestDatabase database = null!;
    private TcpProxy proxy = null!;
    private TestCluster cluster = null!;

    public async Task InitializeAsync()
    {
        var server = new NpgsqlConnectionStringBuilder(TestDatabase.ServerConnectionString);
        proxy = new TcpProxy(server.Host!, server.Port);
        cluster = await Clusters.StartAsync(nameof(DatabaseFailureTests), configure: o =>
        {
            var viaProxy = new NpgsqlConnectionStringBuilder(o.ConnectionString) { Host = "127.0.0.1", Port = proxy.Port, Pooling = true };
            o.ConnectionString = viaProxy.ConnectionString;
        });
        database = cluster.Database;
    }

    public async Task DisposeAsync()
    {
        await cluster.DisposeAsync();
        await proxy.DisposeAsync();
    }

    [Fact]
    public async Task when_the_database_is_lost_mid_run_then_calls_fail_retryably_and_succeed_again_once_it_is_back()
    {
        var grain = cluster.Grains.GetGrain<ICounterGrain>("survivor");
        Assert.Equal(1, await grain.IncrementAsync(1));

        proxy.Cut();
        var error = await Assert.ThrowsAsync<StorageUnavailableException>(() => grain.IncrementAsync(1));
        Assert.IsAssignableFrom<RetryableGrainException>(error);
        Assert.Contains("counter/survivor", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<StorageUnavailableException>(() => cluster.Grains.GetGrain<ICounterGrain>("newcomer").GetAsync());

        proxy.Restore();
        var value = await RetryWhileUnavailable(() => grain.IncrementAsync(1));

        Assert.Equal(2, value);
        Assert.Equal(2, await database.ScalarAsync<int>("SELECT (state->>'count')::int FROM grain_state WHERE grain_key = 'survivor'"));
    }

    [Fact]
    public async Task when_the_database_is_unreachable_at_start_up_then_the_silo_refuses_to_start_with_a_clear_message()
    {
        proxy.Cut();

        var error = await Assert.ThrowsAsync<StorageUnavailableException>(() => cluster.StartSiloAsync(o => o.StartupAttempts = 1));

        Assert.Contains($"Cannot reach PostgreSQL at 127.0.0.1:{proxy.Port}", error.Message, StringComparison.Ordinal);
        Assert.Contains("after 1 attempt", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A pooled connection broken by the cut may fail once more after the database is back; a client retries.</summary>
    private static async Task<T> RetryWhileUnavailable<T>(Func<Task<T>> call)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (StorageUnavailableException) when (attempt < 5)
            {
                NpgsqlConnection.ClearAllPools();
            }
        }
    }
}
