using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Runtime;
using Subscriptions.Domain.Subscriptions;
using Subscriptions.Grains.Accounts;
using Subscriptions.Grains.Infrastructure;
using Subscriptions.Grains.Ops;
using Subscriptions.Grains.SubscriptionLifecycle;
using Subscriptions.TestHost;

namespace Subscriptions.Grains.Tests;

/// <summary>Two silos on one database: one activation per grain through either silo, and renewals exactly once when one silo dies.</summary>
public sealed class TwoSiloTests : IAsyncLifetime
{
    private const int Accounts = 12;
    private TestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await TestCluster.StartAsync(nameof(TwoSiloTests), siloCount: 2);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task SUB_3_calls_through_either_silo_reach_one_grain_and_after_one_silo_is_killed_every_due_renewal_happens_once()
    {
        for (var i = 0; i < Accounts; i++)
        {
            await _cluster.Grains.OpenAccountAsync($"two-{i}");
            await _cluster.Grains.BuyAsync($"two-{i}", "sub-1");
        }

        var silos = _cluster.Cluster.Silos.ToList();
        var first = _cluster.Cluster.GetSiloServiceProvider(silos[0].SiloAddress).GetRequiredService<IGrainFactory>();
        var second = _cluster.Cluster.GetSiloServiceProvider(silos[1].SiloAddress).GetRequiredService<IGrainFactory>();
        using (CallContext.Enter(Billing.Ops.SubjectId, "seats-through-first"))
        {
            await first.GetGrain<ISubscriptionGrain>("two-0/sub-1").AddSeatsAsync(Billing.Ops, new AddSeats(2));
        }

        var seenThroughSecond = (await second.GetGrain<ISubscriptionGrain>("two-0/sub-1").GetAsync(Billing.Ops)).Subscription.Seats;

        _cluster.Clock.Advance(TimeSpan.FromDays(45));
        var tick = new TickStatus(DateTime.UtcNow, TimeSpan.FromMinutes(5), DateTime.UtcNow);
        var early = Enumerable.Range(0, Accounts / 2).Select(i =>
            _cluster.Grains.GetGrain<ISubscriptionGrain>($"two-{i}/sub-1").AsReference<IRemindable>().ReceiveReminder(RecordedGrain<SubscriptionGrainState>.WakeReminder, tick));
        await Task.WhenAll(early);
        await _cluster.Cluster.KillSiloAsync(silos[1]);
        await _cluster.Cluster.WaitForLivenessToStabilizeAsync(didKill: true);
        for (var round = 0; round < 2; round++)
        {
            await Task.WhenAll(Enumerable.Range(0, Accounts).Select(i =>
                _cluster.Grains.GetGrain<ISubscriptionGrain>($"two-{i}/sub-1").AsReference<IRemindable>().ReceiveReminder(RecordedGrain<SubscriptionGrainState>.WakeReminder, tick)));
        }

        Assert.Equal(3, seenThroughSecond);
        for (var i = 0; i < Accounts; i++)
        {
            var prefix = AccountGrain.InvoicePrefix($"two-{i}");
            var expected = i == 0 ? 3 : 2;
            Assert.Equal(Enumerable.Range(1, expected).Select(n => $"{prefix}-{n:D6}"), await _cluster.Grains.InvoiceNumbersAsync($"two-{i}"));
            var inspection = await _cluster.Grains.GetGrain<ISubscriptionGrain>($"two-{i}/sub-1").AsReference<IInspectableGrain>().InspectAsync();
            Assert.Single(inspection.History, h => h.Change == "renewed");
            Assert.Equal("renewal", Assert.Single(inspection.WakeUps).Name);
        }
    }
}
