using Orleans;
using Subscriptions.Domain.Billing;
using Subscriptions.Domain.Subscriptions;
using Subscriptions.Grains.Ops;
using Subscriptions.Grains.SubscriptionLifecycle;
using Subscriptions.Grains.TestClocks;
using Subscriptions.TestHost;

namespace Subscriptions.Grains.Tests;

/// <summary>Test clocks (CLOCK-1) on the real tables: times finer than PostgreSQL keeps still deliver each event once.</summary>
public sealed class TestClockTests : IAsyncLifetime
{
    private TestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await TestCluster.StartAsync(nameof(TestClockTests));

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task CLOCK_1_a_trial_ending_at_a_time_finer_than_a_microsecond_ends_once_and_the_advance_completes()
    {
        // 100 ns past midnight: the trial's end carries the same fraction, which PostgreSQL cannot store.
        var start = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(1);
        var grains = _cluster.Grains;
        await grains.CreateClockAsync("fine-clock", start);
        await grains.OpenAccountAsync("fine-acc", "fine-clock");
        using (CallContext.Enter(Billing.Ops.SubjectId, "trial-1"))
        {
            await grains.GetGrain<ISubscriptionGrain>("fine-acc/sub-1").StartTrialAsync(
                Billing.Ops, new StartTrial("sub-1", "fine-acc", "central", "basic", 1, BillingFrequency.Monthly), null);
        }

        TestClockAdvance advance;
        using (CallContext.Enter(Billing.Ops.SubjectId, "advance-1"))
        {
            advance = await grains.GetGrain<ITestClockGrain>("fine-clock").AdvanceAsync(start.AddDays(20));
        }

        var history = (await grains.GetGrain<ISubscriptionGrain>("fine-acc/sub-1").AsReference<IInspectableGrain>().InspectAsync()).History;
        Assert.True(advance.TicksDelivered >= 1, $"{advance.TicksDelivered} ticks delivered");
        Assert.Equal(1, history.Count(h => h.Cause.Name == ReminderRequest.TrialEnd));
    }

    [Fact]
    public async Task CLOCK_1_a_poison_event_is_quarantined_after_three_failures_and_the_clock_goes_on()
    {
        var start = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
        var grains = _cluster.Grains;
        await grains.CreateClockAsync("poison-clock", start);
        await grains.OpenAccountAsync("poison-acc", "poison-clock");
        await grains.BuyAsync("poison-acc", "sub-1");
        await grains.BuyAsync("poison-acc", "sub-2");
        // sub-1's stored record names a product the catalog no longer has: every wake-up of it fails.
        await using (var corrupt = _cluster.DataSource.CreateCommand(
            """
            UPDATE public.grain_records
               SET payload = convert_to(replace(convert_from(payload, 'UTF8'), '"productId":"meeting"', '"productId":"discontinued"'), 'UTF8')
             WHERE grain_type = 'subscription' AND grain_key = 'poison-acc/sub-1'
            """))
        {
            Assert.Equal(1, await corrupt.ExecuteNonQueryAsync());
        }

        await _cluster.RestartAsync();
        grains = _cluster.Grains;

        TestClockAdvance advance;
        using (CallContext.Enter(Billing.Ops.SubjectId, "advance-poison"))
        {
            advance = await grains.GetGrain<ITestClockGrain>("poison-clock").AdvanceAsync(start.AddDays(31));
        }

        var clock = await grains.GetGrain<ITestClockGrain>("poison-clock").AsReference<IInspectableGrain>().InspectAsync();
        var poisoned = await grains.GetGrain<ISubscriptionGrain>("poison-acc/sub-1").AsReference<IInspectableGrain>().InspectAsync();
        var quarantine = Assert.Single(clock.History, h => h.Change == "event-quarantined");
        Assert.Contains("poison-acc/sub-1", quarantine.PayloadJson, StringComparison.Ordinal);
        var wakeUp = Assert.Single(poisoned.WakeUps);
        Assert.Equal(3, wakeUp.Failures);
        Assert.Contains("ValidationException", wakeUp.QuarantinedReason, StringComparison.Ordinal);
        Assert.Equal(2, (await grains.GetGrain<ISubscriptionGrain>("poison-acc/sub-2").GetAsync(Billing.Ops)).InvoiceNumbers.Count);
        Assert.Equal(start.AddDays(31), advance.To);
    }
}
