using Subscriptions.TestHost;

namespace Subscriptions.Runtime.Tests;

public sealed class GrainCallTests : IAsyncLifetime
{
    private readonly Latches latches = new();
    private TestCluster cluster = null!;

    public async Task InitializeAsync() => cluster = await Clusters.StartAsync(nameof(GrainCallTests), latches: latches);

    public async Task DisposeAsync() => await cluster.DisposeAsync();

    [Fact]
    public async Task when_200_calls_hit_one_grain_concurrently_then_each_applies_once_in_arrival_order()
    {
        var grain = cluster.Grains.GetGrain<ICounterGrain>("ordered");

        var appends = Enumerable.Range(0, 200).Select(i => grain.AppendAsync(i)).ToList();
        var increments = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => Task.Run(() => grain.IncrementAsync(1))));
        await Task.WhenAll(appends);

        Assert.Equal(Enumerable.Range(0, 200), await grain.GetValuesAsync());
        Assert.Equal(Enumerable.Range(1, 200), increments.Order());
        Assert.Equal(200, await grain.GetAsync());
        var snapshot = await cluster.Silos[0].Storage.ReadSnapshotAsync(new GrainId("counter", "ordered"), default);
        Assert.Equal(400, snapshot.Version);
        var history = await cluster.Silos[0].Storage.ReadHistoryAsync(new GrainId("counter", "ordered"), default);
        Assert.Equal(Enumerable.Range(1, 200).Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture)), history.Select(h => h.To));
    }

    [Fact]
    public async Task when_two_grains_are_called_then_their_turns_run_in_parallel()
    {
        var a = cluster.Grains.GetGrain<ICounterGrain>("parallel-a").EnterAndWaitAsync("a");
        var b = cluster.Grains.GetGrain<ICounterGrain>("parallel-b").EnterAndWaitAsync("b");

        // Both turns are inside the grain at the same time: neither is released until both have entered.
        await Task.WhenAll(latches.Entered("a"), latches.Entered("b")).WaitAsync(TimeSpan.FromSeconds(30));
        latches.Release("a");
        latches.Release("b");

        var results = await Task.WhenAll(a, b);
        Assert.Equal([1, 1], results);
    }

    [Fact]
    public async Task when_one_grain_is_busy_then_its_next_call_waits_for_the_turn_to_end()
    {
        var grain = cluster.Grains.GetGrain<ICounterGrain>("busy");
        var first = grain.EnterAndWaitAsync("busy");
        await latches.Entered("busy").WaitAsync(TimeSpan.FromSeconds(30));

        var second = grain.IncrementAsync(10);

        Assert.False(second.IsCompleted);
        latches.Release("busy");
        Assert.Equal(1, await first);
        Assert.Equal(11, await second);
    }

    [Fact]
    public async Task when_grains_call_each_other_in_a_cycle_then_the_call_fails_at_once_naming_the_cycle()
    {
        var error = await Assert.ThrowsAsync<GrainCallCycleException>(() => cluster.Grains.GetGrain<ICounterGrain>("ping").CallOtherAsync("pong"));

        Assert.Contains("counter/ping -> counter/pong -> counter/ping", error.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<TimeoutException>(error);
    }

    [Fact]
    public async Task when_a_call_is_not_answered_within_the_response_timeout_then_it_fails_with_a_timeout_error()
    {
        var call = cluster.Grains.GetGrain<IStuckGrain>("stuck").WaitForeverAsync();

        cluster.Clock.Advance(TimeSpan.FromSeconds(31));

        var error = await Assert.ThrowsAsync<GrainCallTimeoutException>(() => call);
        Assert.Contains("stuck/stuck", error.Message, StringComparison.Ordinal);
        Assert.Contains("00:00:30", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task when_a_grain_is_first_called_then_it_is_activated_with_default_state()
    {
        var id = new GrainId("counter", "fresh");
        Assert.False(cluster.Silos[0].Runtime.IsActive(id));

        Assert.Equal(0, await cluster.Grains.GetGrain<ICounterGrain>("fresh").GetAsync());

        Assert.True(cluster.Silos[0].Runtime.IsActive(id));
        Assert.Equal(0, (await cluster.Silos[0].Storage.ReadSnapshotAsync(id, default)).Version);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void when_a_grain_key_is_empty_then_an_argument_exception_names_the_key(string key)
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => cluster.Grains.GetGrain<ICounterGrain>(key));

        Assert.Equal("key", error.ParamName);
    }

    [Fact]
    public async Task when_a_reminder_name_is_empty_then_an_argument_exception_names_it_and_nothing_is_written()
    {
        var grain = cluster.Grains.GetGrain<ICounterGrain>("bad-reminder");

        var error = await Assert.ThrowsAnyAsync<ArgumentException>(() => grain.RegisterReminderAsync("", TimeSpan.FromMinutes(1), null));

        Assert.Equal("name", error.ParamName);
        Assert.Empty(await cluster.Silos[0].Storage.ReadRemindersAsync(new GrainId("counter", "bad-reminder"), default));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public async Task when_a_reminder_period_is_zero_or_negative_then_an_argument_exception_names_the_period(int minutes)
    {
        var grain = cluster.Grains.GetGrain<ICounterGrain>("bad-period");

        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => grain.RegisterReminderAsync("tick", TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(minutes)));

        Assert.Equal("period", error.ParamName);
        Assert.Empty(await cluster.Silos[0].Storage.ReadRemindersAsync(new GrainId("counter", "bad-period"), default));
    }
}
