using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Subscriptions.Domain;
using Subscriptions.Domain.Accounts;
using Subscriptions.Domain.Errors;
using Subscriptions.Domain.Invoices;
using Subscriptions.Grains.Accounts;
using Subscriptions.Grains.Infrastructure;
using Subscriptions.Grains.Invoices;
using Subscriptions.TestHost;

namespace Subscriptions.Grains.Tests;

/// <summary>
/// A crash between the payment gateway's answer and the invoice's write (INV-3, IDEM-1): the charge is keyed by the
/// request, so the retry after a restart gets the gateway's first answer, the invoice is paid once and its receipt is
/// in the outbox once.
/// </summary>
public sealed class PaymentCrashTests : IAsyncLifetime
{
    private readonly CrashAfterCharge _crash = new();
    private TestCluster _cluster = null!;

    private IGrainFactory Grains => _cluster.Grains;

    public async Task InitializeAsync() => _cluster = await TestCluster.StartAsync(nameof(PaymentCrashTests), services: _crash.Register);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task INV_3_a_crash_after_the_gateway_charged_and_before_the_commit_charges_once_and_pays_once_after_restart()
    {
        // The payment below is the customer's, not autopay's.
        await Grains.OpenAccountAsync("pay-acc", autopay: false);

        var number = (await Grains.BuyAsync("pay-acc", "sub-1")).IssuedInvoiceNumber!;
        var invoice = Grains.GetGrain<IInvoiceGrain>(InvoiceKey.Of("pay-acc", number));
        var holder = Actor.Customer("holder-pay-acc");
        _crash.Target = InvoiceKey.Of("pay-acc", number);

        using (CallContext.Enter(holder.SubjectId, "pay-1"))
        {
            await Assert.ThrowsAsync<InvalidOperationException>(() => invoice.PayAsync(holder, new PayInvoice(null, null, null)));
        }

        var chargedBeforeRestart = await SucceededChargesAsync($"{InvoiceKey.Of("pay-acc", number)}#");
        var unpaid = await invoice.GetAsync();
        await _cluster.RestartAsync();
        invoice = Grains.GetGrain<IInvoiceGrain>(InvoiceKey.Of("pay-acc", number));
        PaymentResult retried;
        using (CallContext.Enter(holder.SubjectId, "pay-1"))
        {
            retried = await invoice.PayAsync(holder, new PayInvoice(null, null, null));
        }

        using (CallContext.Enter(holder.SubjectId, "pay-1"))
        {
            var again = await invoice.PayAsync(holder, new PayInvoice(null, null, null));
            Assert.Equal(JsonSerializer.Serialize(retried, DomainJson.Options), JsonSerializer.Serialize(again, DomainJson.Options));
        }

        Assert.Equal(1, chargedBeforeRestart);
        Assert.Equal((InvoiceStatus.Open, 0), (unpaid.Status, unpaid.Attempts.Count));
        Assert.Equal(1, await SucceededChargesAsync($"{InvoiceKey.Of("pay-acc", number)}#"));
        var paid = await invoice.GetAsync();
        Assert.Equal((InvoiceStatus.Paid, 1, paid.Total), (paid.Status, paid.Attempts.Count, paid.AmountPaid));
        Assert.Equal(PaymentAttemptStatus.Succeeded, retried.Attempt.Status);
        var receipts = (await _cluster.OutboxAsync(InvoiceGrain.TypeName, InvoiceKey.Of("pay-acc", number))).Where(n => n.Kind == InvoiceNotice.Receipt).ToList();
        Assert.Single(receipts);
        var account = await Grains.GetGrain<IAccountGrain>("pay-acc").GetAsync(Billing.Ops);
        Assert.Equal((true, 0, 0m), (account.Ledger.IsPaid(number), account.Invoices.Count, account.Balances.Balance.Amount));
    }

    [Fact]
    public async Task INV_3_a_charge_left_unrecorded_by_a_crash_is_found_before_anyone_is_charged_again()
    {
        await Grains.OpenAccountAsync("orphan-acc", autopay: false);

        var number = (await Grains.BuyAsync("orphan-acc", "sub-1")).IssuedInvoiceNumber!;
        var key = InvoiceKey.Of("orphan-acc", number);
        var holder = Actor.Customer("holder-orphan-acc");
        _crash.Target = key;
        using (CallContext.Enter(holder.SubjectId, "pay-1"))
        {
            await Assert.ThrowsAsync<InvalidOperationException>(() => Grains.GetGrain<IInvoiceGrain>(key).PayAsync(holder, new PayInvoice(null, null, null)));
        }

        await _cluster.RestartAsync();
        var invoice = Grains.GetGrain<IInvoiceGrain>(key);

        // Billing ops, not knowing, pay it too: the charge the crash left unrecorded is found first, so nothing more is taken.
        RuleViolationException refused;
        using (CallContext.Enter(Billing.Ops.SubjectId, "ops-pay"))
        {
            refused = await Assert.ThrowsAsync<RuleViolationException>(() => invoice.PayAsync(Billing.Ops, new PayInvoice(null, null, null)));
        }

        PaymentResult retried;
        using (CallContext.Enter(holder.SubjectId, "pay-1"))
        {
            retried = await invoice.PayAsync(holder, new PayInvoice(null, null, null));
        }

        Assert.Equal(Rules.Inv3, refused.RuleId);
        Assert.Equal(1, await SucceededChargesAsync($"{key}#"));
        var paid = await invoice.GetAsync();
        Assert.Equal((InvoiceStatus.Paid, 1), (paid.Status, paid.Attempts.Count));
        Assert.Equal((PaymentAttemptStatus.Succeeded, paid.Attempts[0].GatewayReference), (retried.Attempt.Status, retried.Attempt.GatewayReference));
        Assert.Single(await _cluster.OutboxAsync(InvoiceGrain.TypeName, key), n => n.Kind == InvoiceNotice.Receipt);
    }

    /// <summary>Charges the simulated gateway took money for under keys starting with <paramref name="keyPrefix"/>.</summary>
    private async Task<int> SucceededChargesAsync(string keyPrefix) =>
        (int)await _cluster.CountAsync("SELECT count(*) FROM public.payment_simulator_charges WHERE status = 'succeeded' AND starts_with(idempotency_key, $1)", keyPrefix);
}
