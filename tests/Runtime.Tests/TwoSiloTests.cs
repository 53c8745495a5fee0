using Subscriptions.TestHost;

namespace Subscriptions.Runtime.Tests;

public sealed class TwoSiloTests : IAsyncLifetime
{
    private TestCluster cluster = null!;

    public async Task InitializeAsync() => cluster = await Clusters.StartAsync(nameof(TwoSiloTests), silos: 2);

    public async Task DisposeAsync() => await cluster.DisposeAsync();

    [Fact]
    public async Task when_a_stale_activation_writes_then_the_conflict_is_retryable_and_the_retry_sees_the_other_write()
    {
        var onFirst = cluster.Silos[0].Grains.GetGrain<ICounterGrain>("shared");
        var onSecond = cluster.Silos[1].Grains.GetGrain<ICounterGrain>("shared");
        Assert.Equal(0, await onSecond.GetAsync());

        Assert.Equal(1, await onFirst.IncrementAsync(1));
        var conflict = await Assert.ThrowsAsync<GrainVersionConflictException>(() => onSecond.IncrementAsync(10));

        Assert.IsAssignableFrom<RetryableGrainException>(conflict);
        Assert.Equal(1, await onSecond.GetAsync());
        Assert.Equal(11, await onSecond.IncrementAsync(10));
        Assert.Equal(11, await cluster.Database.ScalarAsync<int>("SELECT (state->>'count')::int FROM grain_state WHERE grain_key = 'shared'"));
    }

    [Fact]
    public async Task when_two_silos_write_one_grain_concurrently_then_no_update_is_lost()
    {
        const int perSilo = 40;
        var conflicts = 0;

        async Task IncrementWithRetry(ICounterGrain grain)
        {
            while (true)
            {
                try
                {
                    await grain.IncrementAsync(1);
                    return;
                }
                catch (GrainVersionConflictException)
                {
                    Interlocked.Increment(ref conflicts);
                }
            }
        }

        var writers = cluster.Silos.SelectMany(silo => Enumerable.Range(0, perSilo)
            .Select(_ => Task.Run(() => IncrementWithRetry(silo.Grains.GetGrain<ICounterGrain>("contended")))));
        await Task.WhenAll(writers);

        var total = await cluster.Database.ScalarAsync<int>("SELECT (state->>'count')::int FROM grain_state WHERE grain_key = 'contended'");
        Assert.Equal(2 * perSilo, total);
        Assert.Equal(2L * perSilo, await cluster.Database.ScalarAsync<long>("SELECT count(*) FROM grain_history WHERE grain_key = 'contended'"));
    }

    [Fact]
    public async Task when_another_silo_writes_then_the_write_notification_drops_our_stale_activation_before_it_conflicts()
    {
        var onFirst = cluster.Silos[0].Grains.GetGrain<ICounterGrain>("notified");
        var onSecond = cluster.Silos[1].Grains.GetGrain<ICounterGrain>("notified");
        Assert.Equal(0, await onSecond.GetAsync());
        var noted = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        cluster.Silos[1].Runtime.WriteNoted += (grain, version) =>
        {
            if (grain.Key == "notified")
            {
                noted.TrySetResult(version);
            }
        };
        using var listening = new CancellationTokenSource();
        var listener = cluster.Silos[1].WriteListener.RunAsync(listening.Token);
        await cluster.Silos[1].WriteListener.Listening.WaitAsync(TimeSpan.FromSeconds(30));

        await onFirst.IncrementAsync(7);
        await cluster.Grains.GetGrain<ICounterGrain>("other").IncrementAsync(1);
        Assert.Equal(2, await cluster.Silos[0].WriteNotifier.FlushAsync());

        Assert.Equal(1, await noted.Task.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(7, await onSecond.GetAsync());
        Assert.Equal(8, await onSecond.IncrementAsync(1));
        await listening.CancelAsync();
        await listener;
    }

    [Fact]
    public async Task when_two_silos_poll_1000_due_reminders_then_each_is_delivered_exactly_once()
    {
        var due = cluster.Clock.GetUtcNow().AddMinutes(5);
        await Task.WhenAll(Enumerable.Range(0, 100).Select(async g =>
        {
            var alarm = cluster.Silos[g % 2].Grains.GetGrain<IAlarmGrain>($"bulk-{g}");
            for (var r = 0; r < 10; r++)
            {
                await alarm.ScheduleAsync($"r{r}", due, null);
            }
        }));
        cluster.Clock.Advance(TimeSpan.FromMinutes(5));

        var delivered = 0;
        while (await cluster.Database.ScalarAsync<long>("SELECT count(*) FROM reminders") > 0)
        {
            var round = await Task.WhenAll(cluster.Silos.Select(s => Task.Run(() => s.Reminders.PollOnceAsync())));
            delivered += round.Sum();
            Assert.True(round.Sum() > 0, "a poll round made no progress while reminders were due");
        }

        Assert.Equal(1000, delivered);
        var committedTicks = await cluster.Database.ScalarAsync<string>(
            """
            SELECT json_agg(n ORDER BY n)::text FROM (
                SELECT count(*) AS n FROM grain_state, jsonb_array_elements(state->'ticks') t
                WHERE grain_key LIKE 'bulk-%' GROUP BY grain_key, t->>'name') per_reminder
            """);
        Assert.Equal("[" + string.Join(", ", Enumerable.Repeat(1, 1000)) + "]", committedTicks);
    }
}
