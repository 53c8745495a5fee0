using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Runtime;
using Subscriptions.Domain.Accounts;
using Subscriptions.Grains.Accounts;
using Subscriptions.Grains.Infrastructure;
using Subscriptions.Grains.Ops;
using Subscriptions.Grains.SubscriptionLifecycle;
using Subscriptions.TestHost;

namespace Subscriptions.Grains.Tests;

/// <summary>
/// A silo runs a bounded number of reminder ticks at once: a tick that finds every slot busy is put off to its
/// reminder's next tick, changing nothing, and the renewal happens once when a slot is free (SUB-3).
/// </summary>
public sealed class WakeUpSlotTests : IAsyncLifetime
{
    private static readonly TickStatus Tick = new(DateTime.UtcNow, TimeSpan.FromMinutes(1), DateTime.UtcNow);
    private TestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await TestCluster.StartAsync(
        nameof(WakeUpSlotTests), services: s => s.AddSingleton(new GrainRecordOptions { MaxConcurrentWakeUps = 1, WakeUpQueueWait = TimeSpan.Zero }));

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task SUB_3_a_renewal_tick_that_finds_every_wake_up_slot_busy_is_put_off_and_renews_once_at_a_later_tick()
    {
        // With autopay on, the purchase's invoice would charge at once, in the silo's one wake-up slot.
        await _cluster.Grains.OpenAccountAsync("slot-acc", autopay: false);

        await _cluster.Grains.BuyAsync("slot-acc", "sub-1");
        var subscription = _cluster.Grains.GetGrain<ISubscriptionGrain>("slot-acc/sub-1").AsReference<IRemindable>();
        _cluster.Clock.Advance(TimeSpan.FromDays(45));
        var slots = _cluster.SiloService<WakeUpSlots>();

        var held = await slots.TryEnterAsync();
        await subscription.ReceiveReminder(RecordedGrain<SubscriptionGrainState>.WakeReminder, Tick);
        var whileBusy = await RenewalsAsync();
        held!.Dispose();
        await subscription.ReceiveReminder(RecordedGrain<SubscriptionGrainState>.WakeReminder, Tick);
        await subscription.ReceiveReminder(RecordedGrain<SubscriptionGrainState>.WakeReminder, Tick);

        Assert.NotNull(held);
        Assert.Equal(0, whileBusy);
        Assert.Equal(1, await RenewalsAsync());
        Assert.Equal(2, (await _cluster.Grains.InvoiceNumbersAsync("slot-acc")).Count);
    }

    [Fact]
    public void Settings_that_cannot_run_are_refused_naming_the_setting()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new GrainRecordOptions { MaxConcurrentWakeUps = 0 }.Validate());

        Assert.Equal("Grains:MaxConcurrentWakeUps must be from 1 to 10000 (got 0).", error.Message);
        Assert.Throws<InvalidOperationException>(() => new GrainRecordOptions { WakeRetryPeriod = TimeSpan.FromSeconds(10) }.Validate());
        Assert.NotNull(new GrainRecordOptions().Validate());
    }

    private async Task<int> RenewalsAsync() =>
        (await _cluster.Grains.GetGrain<ISubscriptionGrain>("slot-acc/sub-1").AsReference<IInspectableGrain>().InspectAsync()).History.Count(h => h.Change == "renewed");
}
