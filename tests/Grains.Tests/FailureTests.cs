using Orleans;
using Subscriptions.Domain.Accounts;
using Subscriptions.Domain.Accounts.Payments;
using Subscriptions.Grains.Accounts;
using Subscriptions.TestHost;

namespace Subscriptions.Grains.Tests;

/// <summary>PostgreSQL lost while the silo runs: changes answer a retryable error, write nothing, and succeed once it is back.</summary>
public sealed class FailureTests : IAsyncLifetime
{
    private TestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await TestCluster.StartAsync(nameof(FailureTests), throughProxy: true);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task IDEM_1_a_change_while_the_database_is_gone_is_unavailable_and_its_retry_applies_it_once_when_it_is_back()
    {
        await _cluster.Grains.OpenAccountAsync("lost-acc");
        var account = _cluster.Grains.GetGrain<IAccountGrain>("lost-acc");
        var change = new AddCard("card-2", CardBrand.Mastercard, "tok-2", "5454", 10, 2034);

        _cluster.Proxy!.Cut();
        using (CallContext.Enter(Billing.Ops.SubjectId, "add-card-2"))
        {
            await Assert.ThrowsAsync<StorageUnavailableException>(() => account.ChangeAsync(Billing.Ops, change));
        }

        _cluster.Proxy.Restore();
        AccountSnapshot first;
        AccountSnapshot retried;
        const string Recorded = "SELECT count(*) FROM public.grain_history WHERE grain_type = 'account' AND grain_key = 'lost-acc' AND request_id = 'add-card-2'";
        long afterFirst;
        using (CallContext.Enter(Billing.Ops.SubjectId, "add-card-2"))
        {
            first = await account.ChangeAsync(Billing.Ops, change);
            afterFirst = await _cluster.CountAsync(Recorded);
            retried = await account.ChangeAsync(Billing.Ops, change);
        }

        Assert.Equal(["card-1", "card-2"], first.Account.PaymentMethods.Select(p => p.Id));
        Assert.Equal(first.Account.PaymentMethods, retried.Account.PaymentMethods);
        Assert.True(afterFirst > 0);
        Assert.Equal(afterFirst, await _cluster.CountAsync(Recorded));
    }
}
