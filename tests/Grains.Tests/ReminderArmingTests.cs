using Orleans;
using Orleans.Runtime;
using Subscriptions.Domain.Subscriptions;
using Subscriptions.Grains.Infrastructure;
using Subscriptions.Grains.SubscriptionLifecycle;
using Subscriptions.TestHost;

namespace Subscriptions.Grains.Tests;

/// <summary>
/// A grain's reminder row is written once per change at most, and only when its time moves: billing changes within the
/// intent recovery delay share one recovery reminder, whose tick then sets the reminder back to the renewal.
/// </summary>
public sealed class ReminderArmingTests : IAsyncLifetime
{
    private TestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await TestCluster.StartAsync(nameof(ReminderArmingTests));

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task SUB_3_seat_changes_within_the_recovery_delay_write_no_reminder_and_its_tick_sets_it_back_to_the_renewal()
    {
        await _cluster.Grains.OpenAccountAsync("arm-acc");
        var bought = await _cluster.Grains.BuyAsync("arm-acc", "sub-1");
        var subscription = _cluster.Grains.GetGrain<ISubscriptionGrain>(SubscriptionKey.Of("arm-acc", "sub-1"));
        var afterPurchase = await ReminderVersionAsync();

        using (CallContext.Enter(Billing.Ops.SubjectId, "seats-1"))
        {
            await subscription.AddSeatsAsync(Billing.Ops, new AddSeats(1));
        }

        using (CallContext.Enter(Billing.Ops.SubjectId, "seats-2"))
        {
            await subscription.AddSeatsAsync(Billing.Ops, new AddSeats(1));
        }

        var afterSeats = await ReminderVersionAsync();
        var recoverySoon = await _cluster.CountAsync(
            "SELECT count(*) FROM public.orleans_reminders WHERE grain_id LIKE '%arm-acc/sub-1' AND start_time <= now() + interval '20 seconds'");
        await subscription.AsReference<IRemindable>().ReceiveReminder(
            RecordedGrain<SubscriptionGrainState>.WakeReminder, new TickStatus(DateTime.UtcNow, TimeSpan.FromMinutes(1), DateTime.UtcNow));
        var afterTick = await ReminderVersionAsync();
        var atRenewal = await _cluster.CountAsync(
            "SELECT count(*) FROM public.orleans_reminders WHERE grain_id LIKE '%arm-acc/sub-1' AND start_time > now() + interval '20 days'");

        // The purchase armed its recovery reminder; both seat changes came within its delay and wrote none.
        Assert.Equal(afterPurchase, afterSeats);
        Assert.Equal(1, recoverySoon);
        Assert.Equal(afterSeats + 1, afterTick);
        Assert.Equal(1, atRenewal);
        Assert.Equal(3, (await subscription.GetAsync(Billing.Ops)).Subscription.Seats);
        Assert.NotNull(bought.IssuedInvoiceNumber);
    }

    private Task<long> ReminderVersionAsync() =>
        _cluster.CountAsync("SELECT version FROM public.orleans_reminders WHERE grain_id LIKE '%arm-acc/sub-1'");
}
