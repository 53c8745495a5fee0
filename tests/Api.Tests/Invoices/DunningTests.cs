using Grpc.Core;
using Subscriptions.Api.Tests.SubscriptionLifecycle;
using Subscriptions.Domain;
using Subscriptions.Grains.Invoices;
using Subscriptions.Grains.SubscriptionLifecycle;
using Proto = Subscriptions.Grpc.Api.V1;

namespace Subscriptions.Api.Tests.Invoices;

/// <summary>
/// Dunning through the API on a test clock (INV-5, SUB-8, SUB-9, ACC-6): an unpaid renewal invoice falls overdue on its
/// due date and limits its subscription, which is suspended after the grace period and restored, with no new invoice,
/// by the payment that brings the account's overdue balance to 0.00; the balances are right at every step.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class DunningTests(ApiServer server)
{
    private static readonly DateTimeOffset Start = SubscriptionKit.Start;

    [Fact]
    public async Task SUB_9_an_unpaid_renewal_is_overdue_on_day_15_limited_then_suspended_and_paying_it_restores_active_with_no_new_invoice()
    {
        var kit = await SubscriptionKit.OpenAsync(server);
        await kit.SetAutopayAsync(false);
        var first = (await kit.BuyAsync("meeting-1", "meeting", "professional")).IssuedInvoiceNumber;
        await kit.PayAsync(first);
        Assert.Equal(("0.00", "0.00"), await kit.BalancesAsync());

        await kit.AdvanceToAsync(Start.AddDays(30));
        var renewal = Assert.Single((await kit.GetAsync("meeting-1")).InvoiceNumbers, n => n != first);
        Assert.Equal(("12.00", "0.00"), await kit.BalancesAsync());
        Assert.Equal(Proto.SubscriptionStatus.Active, (await kit.GetAsync("meeting-1")).Status);

        // INV-5, SUB-8: the renewal invoice is due on day 15 after its issue.
        await kit.AdvanceToAsync(Start.AddDays(45));
        Assert.Equal(Proto.InvoiceStatus.Overdue, (await kit.InvoiceAsync(renewal)).Status);
        Assert.Equal(Proto.SubscriptionStatus.Limited, (await kit.GetAsync("meeting-1")).Status);
        Assert.Equal(("12.00", "12.00"), await kit.BalancesAsync());
        var refused = await Api.FailsWithAsync(StatusCode.FailedPrecondition, () => kit.CallAsync("AddSeats", new Proto.AddSeatsRequest
        {
            RequestId = Requests.NewRequestId(), AccountId = kit.AccountId, SubscriptionId = "meeting-1", Seats = 1,
        }, kit.Holder));
        Assert.Equal(Rules.Sub8, refused.RuleId());
        Assert.Contains("pay the overdue balance or contact support", refused.Status.Detail, StringComparison.Ordinal);

        // SUB-9: 15 days of grace later, suspended (the renewal due that day still issues its invoice first).
        await kit.AdvanceToAsync(Start.AddDays(60));
        var suspended = await kit.GetAsync("meeting-1");
        Assert.Equal(Proto.SubscriptionStatus.Suspended, suspended.Status);
        Assert.Equal(3, suspended.InvoiceNumbers.Count);
        Assert.Equal(("24.00", "12.00"), await kit.BalancesAsync());

        // A partial payment (by a billing viewer, ACC-2) leaves an overdue balance: still suspended.
        var partial = await kit.PayAsync(renewal, kit.Viewer, amount: "5.00");
        Assert.Equal((Proto.InvoiceStatus.Overdue, "7.00"), (partial.Invoice.Status, partial.Invoice.Balance.Amount));
        Assert.Equal(Proto.SubscriptionStatus.Suspended, (await kit.GetAsync("meeting-1")).Status);
        Assert.Equal(("19.00", "7.00"), await kit.BalancesAsync());

        // Paying the rest brings the overdue balance to 0.00: restored at once, with no new invoice.
        var paid = await kit.PayAsync(renewal);
        var restored = await kit.GetAsync("meeting-1");
        Assert.Equal((Proto.InvoiceStatus.Paid, "0.00"), (paid.Invoice.Status, paid.Invoice.Balance.Amount));
        Assert.Equal(Proto.SubscriptionStatus.Active, restored.Status);
        Assert.Equal(suspended.InvoiceNumbers, restored.InvoiceNumbers);
        Assert.Equal(3, (await kit.InvoicesAsync()).Count);
        Assert.Equal(("12.00", "0.00"), await kit.BalancesAsync());
        Assert.Equal(
            [SubscriptionNotice.Limited, SubscriptionNotice.Suspended, SubscriptionNotice.Restored],
            await kit.NotificationsAsync(SubscriptionGrain.TypeName, $"{kit.AccountId}/meeting-1"));
        Assert.Equal([InvoiceNotice.Receipt], await kit.NotificationsAsync(InvoiceGrain.TypeName, InvoiceKey.Of(kit.AccountId, renewal)));
    }

    [Fact]
    public async Task SUB_9_restored_after_renewals_fell_due_while_suspended_no_missed_period_is_billed_and_the_rest_of_the_period_under_way_comes_with_the_next_renewal()
    {
        var kit = await SubscriptionKit.OpenAsync(server);
        await kit.SetAutopayAsync(false);
        var first = (await kit.BuyAsync("meeting-1", "meeting", "professional")).IssuedInvoiceNumber;
        await kit.PayAsync(first);
        await kit.AdvanceToAsync(Start.AddDays(60));
        Assert.Equal(Proto.SubscriptionStatus.Suspended, (await kit.GetAsync("meeting-1")).Status);

        // Renewals fall due on days 90 and 120 while the service is cut: none is billed, then or at the restore.
        await kit.AdvanceToAsync(Start.AddDays(140));
        var unpaid = (await kit.InvoicesAsync()).Where(i => i.Number != first).Select(i => i.Number).ToList();
        foreach (var number in unpaid)
        {
            await kit.PayAsync(number);
        }

        var restored = await kit.GetAsync("meeting-1");
        var atRestore = await kit.InvoicesAsync();
        await kit.AdvanceToAsync(Start.AddDays(150));
        var next = (await kit.InvoicesAsync()).Single(i => atRestore.All(a => a.Number != i.Number));

        Assert.Equal(2, unpaid.Count);
        Assert.Equal(Proto.SubscriptionStatus.Active, restored.Status);
        Assert.Equal(3, atRestore.Count);
        // Day 150 renews the period to day 180 (12.00) with the 10 of 30 days from the restore to day 150 (4.00).
        Assert.Equal("16.00", next.Total.Amount);
        Assert.Contains(next.Lines, l => l.Description.StartsWith("Service restored for the rest of the period", StringComparison.Ordinal) && l.Amount.Amount == "4.00");
    }

    [Fact]
    public async Task INV_1_billing_ops_void_an_overdue_invoice_nothing_was_paid_on_and_its_subscription_is_restored()
    {
        var (kit, number) = await InvoiceKit.OpenWithInvoiceAsync(server);
        await kit.AdvanceToAsync(Start.AddDays(15));
        Assert.Equal(Proto.SubscriptionStatus.Limited, (await kit.GetAsync("meeting-1")).Status);

        var byHolder = await Api.FailsWithAsync(StatusCode.PermissionDenied, () => Void(kit, number, kit.Holder));
        var voided = await Void(kit, number, kit.Ops);
        var again = await Api.FailsWithAsync(StatusCode.FailedPrecondition, () => kit.PayAsync(number));

        Assert.Equal(Rules.Acc2, byHolder.RuleId());
        Assert.Equal((Proto.InvoiceStatus.Void, "0.00", $"Billed in error ({TestTokens.OpsSubject})"), (voided.Status, voided.Balance.Amount, voided.VoidReason));
        Assert.Equal(("0.00", "0.00"), await kit.BalancesAsync());
        Assert.Equal(Proto.SubscriptionStatus.Active, (await kit.GetAsync("meeting-1")).Status);
        Assert.Equal(Rules.Inv3, again.RuleId());

        // An invoice with a payment on it is credited, not voided.
        var (paying, paid) = await InvoiceKit.OpenWithInvoiceAsync(server);
        await paying.PayAsync(paid, amount: "1.00");
        Assert.Equal(Rules.Inv1, (await Api.FailsWithAsync(StatusCode.FailedPrecondition, () => Void(paying, paid, paying.Ops))).RuleId());
    }

    private static Task<Proto.Invoice> Void(SubscriptionKit kit, string number, CallOptions caller) =>
        kit.Client.InvoiceAsync<Proto.VoidInvoiceRequest, Proto.Invoice>("VoidInvoice", new Proto.VoidInvoiceRequest
        {
            RequestId = Requests.NewRequestId(), AccountId = kit.AccountId, InvoiceNumber = number, Reason = "Billed in error",
        }, caller);

    [Fact]
    public async Task INV_6_autopay_charges_a_renewal_at_once_and_retries_a_decline_on_days_1_3_and_7()
    {
        var kit = await SubscriptionKit.OpenAsync(server);
        await kit.BuyAsync("meeting-1", "meeting", "professional");
        await kit.AdvanceToAsync(Start.AddDays(1));
        var card = Requests.AddCard(kit.AccountId, 2);
        card.GatewayToken = "tok_decline_renewals";
        await kit.Client.AccountAsync("AddCard", card, kit.Holder);
        await kit.Client.AccountAsync("SetDefaultPaymentMethod", new Proto.SetDefaultPaymentMethodRequest
        {
            RequestId = Requests.NewRequestId(), AccountId = kit.AccountId, PaymentMethodId = card.PaymentMethodId,
        }, kit.Holder);

        await kit.AdvanceToAsync(Start.AddDays(44));

        var invoices = await kit.InvoicesAsync();
        Assert.Equal(Proto.InvoiceStatus.Paid, invoices[0].Status);
        var renewal = invoices[1];
        var attempts = await kit.AttemptsAsync(renewal.Number);
        var renewedAt = Start.AddDays(30);
        Assert.Equal(
            [renewedAt, renewedAt.AddDays(1), renewedAt.AddDays(3), renewedAt.AddDays(7)],
            attempts.Select(a => a.At.ToDateTimeOffset()));
        Assert.All(attempts, a => Assert.Equal((Proto.PaymentAttemptStatus.Declined, "autopay", "card-2"), (a.Status, a.By, a.PaymentMethodId)));
        Assert.Equal(Proto.InvoiceStatus.Open, renewal.Status);
        Assert.Equal(Proto.SubscriptionStatus.Active, (await kit.GetAsync("meeting-1")).Status);
    }
}
