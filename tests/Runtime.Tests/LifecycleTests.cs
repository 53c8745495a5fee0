using Subscriptions.TestHost;

namespace Subscriptions.Runtime.Tests;

public sealed class LifecycleTests : IAsyncLifetime
{
    private readonly Latches latches = new();
    private TestCluster cluster = null!;

    public async Task InitializeAsync() =>
        cluster = await Clusters.StartAsync(nameof(LifecycleTests), silos: 2, configure: o =>
        {
            o.CollectionAge = TimeSpan.FromMinutes(10);
            o.ResponseTimeout = TimeSpan.FromDays(1);
        },
        latches: latches);

    public async Task DisposeAsync() => await cluster.DisposeAsync();

    [Fact]
    public async Task when_every_silo_stops_and_starts_again_then_state_and_reminders_are_still_there()
    {
        await cluster.Grains.GetGrain<ICounterGrain>("durable").IncrementAsync(41);
        await cluster.Grains.GetGrain<IAlarmGrain>("durable").ScheduleInAsync("wake", TimeSpan.FromHours(1), TimeSpan.FromDays(1));

        await cluster.RestartAsync();

        Assert.Equal(2, cluster.Silos.Count);
        Assert.Equal(42, await cluster.Silos[1].Grains.GetGrain<ICounterGrain>("durable").IncrementAsync(1));
        var reminder = Assert.Single(await cluster.Grains.GetGrain<IAlarmGrain>("durable").GetRemindersAsync());
        Assert.Equal(TimeSpan.FromDays(1), reminder.Period);
        cluster.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(1, await cluster.Silos[1].Reminders.PollOnceAsync());
        Assert.Single(await cluster.Silos[1].Grains.GetGrain<IAlarmGrain>("durable").GetTicksAsync());
    }

    [Fact]
    public async Task when_an_activation_is_idle_longer_than_the_collection_age_then_it_is_collected_and_reactivates_on_the_next_call()
    {
        var id = new GrainId("counter", "idle");
        var runtime = cluster.Silos[0].Runtime;
        await cluster.Grains.GetGrain<ICounterGrain>("idle").IncrementAsync(3);

        cluster.Clock.Advance(TimeSpan.FromMinutes(9));
        Assert.Equal(0, await runtime.CollectIdleActivationsAsync());
        cluster.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, await runtime.CollectIdleActivationsAsync());

        Assert.False(runtime.IsActive(id));
        Assert.Equal(3, await cluster.Grains.GetGrain<ICounterGrain>("idle").GetAsync());
        Assert.True(runtime.IsActive(id));
    }

    [Fact]
    public async Task when_collection_runs_while_calls_are_queued_then_the_busy_activation_is_kept_and_no_call_is_dropped()
    {
        var runtime = cluster.Silos[0].Runtime;
        var grain = cluster.Grains.GetGrain<ICounterGrain>("queued");
        var busy = grain.EnterAndWaitAsync("queued");
        await latches.Entered("queued").WaitAsync(TimeSpan.FromSeconds(30));
        var queued = Enumerable.Range(0, 5).Select(_ => grain.IncrementAsync(1)).ToList();

        cluster.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(0, await runtime.CollectIdleActivationsAsync());
        latches.Release("queued");

        Assert.Equal(1, await busy);
        var values = await Task.WhenAll(queued);
        Assert.Equal([2, 3, 4, 5, 6], values);
        Assert.True(runtime.IsActive(new GrainId("counter", "queued")));
    }

    [Fact]
    public async Task when_polymorphic_state_is_reloaded_from_jsonb_then_every_subtype_comes_back()
    {
        var wallet = cluster.Grains.GetGrain<IWalletGrain>("w1");
        await wallet.AddAsync(new CardInstrument("tok-1", "visa"));
        await wallet.AddAsync(new BankInstrument("tok-2", "last key sorts after type"));

        await cluster.RestartAsync();

        Assert.Equal(
            [new CardInstrument("tok-1", "visa"), new BankInstrument("tok-2", "last key sorts after type")],
            await cluster.Grains.GetGrain<IWalletGrain>("w1").GetAsync());
    }
}
