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
}
