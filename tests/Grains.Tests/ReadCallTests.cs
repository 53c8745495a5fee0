using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Subscriptions.Domain.Accounts;
using Subscriptions.Domain.Errors;
using Subscriptions.Grains.Accounts;
using Subscriptions.Grains.SubscriptionLifecycle;
using Subscriptions.TestHost;

namespace Subscriptions.Grains.Tests;

/// <summary>
/// A subscription read is one grain call: the subscription authorizes it with its account as it last read it, and the
/// account has it forget that before a change of members commits (ACC-2), so the read after such a change asks again.
/// </summary>
public sealed class ReadCallTests : IAsyncLifetime
{
    private readonly AccountReads _reads = new();
    private TestCluster _cluster = null!;

    private IGrainFactory Grains => _cluster.Grains;

    public async Task InitializeAsync() => _cluster = await TestCluster.StartAsync(nameof(ReadCallTests), services: s => s.AddSingleton<IIncomingGrainCallFilter>(_reads));

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task ACC_2_reads_after_the_first_do_not_call_the_account_until_its_members_change()
    {
        await Grains.OpenAccountAsync("reads-acc");
        await Grains.BuyAsync("reads-acc", "sub-1");
        var subscription = Grains.GetGrain<ISubscriptionGrain>(SubscriptionKey.Of("reads-acc", "sub-1"));
        var holder = Actor.Customer("holder-reads-acc");
        var viewer = Actor.Customer("viewer-1");
        await subscription.GetAsync(holder);

        var before = _reads.Count;
        for (var i = 0; i < 5; i++)
        {
            await subscription.GetAsync(holder);
        }

        var unchanged = _reads.Count - before;
        await Assert.ThrowsAsync<PermissionDeniedException>(() => subscription.GetAsync(viewer));
        using (CallContext.Enter(Billing.Ops.SubjectId, "add-viewer"))
        {
            await Grains.GetGrain<IAccountGrain>("reads-acc").ChangeAsync(Billing.Ops, new AddMember("viewer-1", "viewer@acme.example", AccountRole.BillingViewer));
        }

        var afterChange = _reads.Count;
        await subscription.GetAsync(viewer);
        await subscription.GetAsync(viewer);

        Assert.Equal(0, unchanged);
        Assert.Equal(1, _reads.Count - afterChange);
    }

    /// <summary>Counts the account reads other grains make (<see cref="IAccountLedgerGrain.ReadAsync"/>).</summary>
    private sealed class AccountReads : IIncomingGrainCallFilter
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public Task Invoke(IIncomingGrainCallContext context)
        {
            if (context.InterfaceMethod?.Name == nameof(IAccountLedgerGrain.ReadAsync) && context.TargetId.Type.ToString() == AccountGrain.TypeName)
            {
                Interlocked.Increment(ref _count);
            }

            return context.Invoke();
        }
    }
}
