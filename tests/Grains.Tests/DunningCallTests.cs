using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Subscriptions.Domain.Accounts;
using Subscriptions.Domain.Invoices;
using Subscriptions.Domain.Subscriptions;
using Subscriptions.Grains.Accounts;
using Subscriptions.Grains.Invoices;
using Subscriptions.Grains.Ops;
using Subscriptions.Grains.SubscriptionLifecycle;
using Subscriptions.Grains.TestClocks;
using Subscriptions.TestHost;

namespace Subscriptions.Grains.Tests;

/// <summary>
/// The invoice → subscription calls of dunning (SUB-8, SUB-9), kept as calls (docs/runtime.md, "Calls"): when one is
/// lost, nothing is lost with it. A due-date wake-up fails as a whole and is delivered again, deciding again from what
/// is stored; a customer's change has stored its outcome first and is finished by its retry under the same request
/// ids. Either way the subscription changes once, and nothing is charged or announced twice.
/// </summary>
public sealed class DunningCallTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly FailCallOnce _lost = new();
    private TestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await TestCluster.StartAsync(nameof(DunningCallTests), services: s => s.AddSingleton<IIncomingGrainCallFilter>(_lost));

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task SUB_8_a_lost_invoice_overdue_call_fails_the_due_date_wake_up_whose_redelivery_limits_the_subscription_once()
    {
        var grains = _cluster.Grains;
        await grains.CreateClockAsync("dun-clock", Start);
        await grains.OpenAccountAsync("dun-acc", "dun-clock", autopay: false);

        var (subscription, number) = await OverdueAsync("dun", lose: true);

        var invoice = await grains.GetGrain<IInvoiceGrain>(InvoiceKey.Of("dun-acc", number)).GetAsync();
        var view = await grains.GetGrain<ISubscriptionGrain>(subscription).GetAsync(Billing.Ops);
        var subscriptionHistory = (await grains.GetGrain<ISubscriptionGrain>(subscription).AsReference<IInspectableGrain>().InspectAsync()).History;
        var invoiceHistory = (await grains.GetGrain<IInvoiceGrain>(InvoiceKey.Of("dun-acc", number)).AsReference<IInspectableGrain>().InspectAsync()).History;

        Assert.Equal(1, _lost.Failed);
        Assert.Equal(InvoiceStatus.Overdue, invoice.Status);
        Assert.Equal(SubscriptionStatus.Limited, view.Subscription.Status);
        Assert.Single(subscriptionHistory, h => h.Change == SubscriptionEvent.RenewalOverdue.ToWireName());
        Assert.Single(invoiceHistory, h => h.Change == InvoiceEvent.FellOverdue.ToWireName());
        Assert.Equal(1, await _cluster.CountAsync(
            "SELECT count(*) FROM public.outbox WHERE grain_type = 'subscription' AND grain_key = $1 AND kind = $2", subscription, SubscriptionNotice.Limited));
    }

    [Fact]
    public async Task SUB_9_a_lost_overdue_settled_call_fails_the_payment_whose_retry_finishes_it_restoring_the_subscription_with_one_charge()
    {
        var grains = _cluster.Grains;
        var (subscription, number) = await OverdueAsync("settle", lose: false);
        var invoice = grains.GetGrain<IInvoiceGrain>(InvoiceKey.Of("settle-acc", number));
        _lost.Target = ($"{SubscriptionGrain.TypeName}/{subscription}", nameof(ISubscriptionDunningGrain.OverdueSettledAsync));

        using (CallContext.Enter(Billing.Ops.SubjectId, "pay-1"))
        {
            await Assert.ThrowsAsync<InvalidOperationException>(() => invoice.PayAsync(Billing.Ops, new PayInvoice(null, null, null)));
        }

        PaymentResult retried;
        using (CallContext.Enter(Billing.Ops.SubjectId, "pay-1"))
        {
            retried = await invoice.PayAsync(Billing.Ops, new PayInvoice(null, null, null));
        }

        var view = await grains.GetGrain<ISubscriptionGrain>(subscription).GetAsync(Billing.Ops);
        var invoiceHistory = (await invoice.AsReference<IInspectableGrain>().InspectAsync()).History;
        var subscriptionHistory = (await grains.GetGrain<ISubscriptionGrain>(subscription).AsReference<IInspectableGrain>().InspectAsync()).History;

        Assert.Equal(1, _lost.Failed);
        Assert.Equal((InvoiceStatus.Paid, 1), (retried.Invoice.Status, retried.Invoice.Attempts.Count));
        Assert.Equal(SubscriptionStatus.Active, view.Subscription.Status);
        Assert.Single(invoiceHistory, h => h.Change == "change-completed");
        Assert.Single(invoiceHistory, h => h.Change == InvoiceEvent.PaidInFull.ToWireName());
        Assert.Single(subscriptionHistory, h => h.Change == SubscriptionEvent.OverdueSettled.ToWireName());
        Assert.Equal(1, await _cluster.CountAsync(
            "SELECT count(*) FROM public.payment_simulator_charges WHERE status = 'succeeded' AND starts_with(idempotency_key, $1)", $"{InvoiceKey.Of("settle-acc", number)}#"));
    }

    /// <summary>
    /// A sandbox account without autopay buys a subscription whose invoice is then left unpaid past its due date; with
    /// <paramref name="lose"/>, the invoice's call telling the subscription is lost once on the way.
    /// </summary>
    private async Task<(string Subscription, string Number)> OverdueAsync(string name, bool lose)
    {
        var grains = _cluster.Grains;
        var clock = $"{name}-clock";
        var account = $"{name}-acc";
        await grains.CreateClockAsync(clock, Start);
        await grains.OpenAccountAsync(account, clock, autopay: false);

        var number = Assert.Single((await grains.BuyAsync(account, "sub-1")).InvoiceNumbers);
        var subscription = SubscriptionKey.Of(account, "sub-1");
        if (lose)
        {
            _lost.Target = ($"{SubscriptionGrain.TypeName}/{subscription}", nameof(ISubscriptionDunningGrain.InvoiceOverdueAsync));
        }

        using (CallContext.Enter(Billing.Ops.SubjectId, $"advance-{name}"))
        {
            await grains.GetGrain<ITestClockGrain>(clock).AdvanceAsync(Start.AddDays(16));
        }

        Assert.Equal(SubscriptionStatus.Limited, (await grains.GetGrain<ISubscriptionGrain>(subscription).GetAsync(Billing.Ops)).Subscription.Status);
        return (subscription, number);
    }
}
