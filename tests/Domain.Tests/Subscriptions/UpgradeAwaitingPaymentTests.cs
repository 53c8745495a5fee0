using Subscriptions.Domain.Currencies;
using Subscriptions.Domain.Invoices;
using Subscriptions.Domain.Subscriptions;
using static Subscriptions.Domain.Tests.TestKit;

namespace Subscriptions.Domain.Tests.Subscriptions;

/// <summary>SUB-4: after an upgrade, access to the new plan follows the payment of its invoice.</summary>
public sealed class UpgradeAwaitingPaymentTests
{
    private static readonly DateTimeOffset At = Utc(2025, 3, 11);

    private static SubscriptionState Professional() => Paid("meeting", "professional", 5, Utc(2025, 3, 1)).State;

    private static InvoiceLedgerEntry Entry(string number, InvoiceStatus status) =>
        new(number, At, At.AddDays(15), new Money(10m, Currency.Usd), new Money(status == InvoiceStatus.Paid ? 0m : 10m, Currency.Usd), status, 1);

    [Fact]
    public void SUB_4_an_upgrade_waits_for_its_invoice_on_the_plan_paid_for_and_gets_the_new_plan_once_it_is_paid()
    {
        var before = Professional();
        var upgrade = Subscription.Decide(before, new UpgradePlan("business"), Context(At));

        var waiting = UpgradeAwaitingPayment.After(null, before, upgrade, "ACME-000002", [Entry("ACME-000002", InvoiceStatus.Open)]);

        Assert.Equal(new UpgradeAwaitingPayment("professional", "ACME-000002"), waiting);
        Assert.Equal("professional", UpgradeAwaitingPayment.PaidPlan(waiting, [Entry("ACME-000002", InvoiceStatus.Open)]));
        Assert.Null(UpgradeAwaitingPayment.PaidPlan(waiting, [Entry("ACME-000002", InvoiceStatus.Paid)]));
        Assert.Null(UpgradeAwaitingPayment.PaidPlan(waiting, [Entry("ACME-000002", InvoiceStatus.Paid) with { Status = InvoiceStatus.Disputed }]));
    }

    [Fact]
    public void SUB_4_a_second_unpaid_upgrade_keeps_the_plan_paid_for_first_and_a_later_plan_change_ends_the_wait()
    {
        var professional = Professional();
        var first = new UpgradeAwaitingPayment("professional", "ACME-000002");
        var business = professional with { PlanId = "business" };
        var seats = Subscription.Decide(business, new AddSeats(1), Context(At));
        var downgrade = Subscription.Decide(business, new DowngradePlan("professional"), Ops(At));

        var afterSeats = UpgradeAwaitingPayment.After(first, business, seats, "ACME-000003", [Entry("ACME-000002", InvoiceStatus.Open)]);
        var afterDowngrade = UpgradeAwaitingPayment.After(first, business, downgrade, null, [Entry("ACME-000002", InvoiceStatus.Open)]);
        var afterPayment = UpgradeAwaitingPayment.After(first, business, seats, "ACME-000003", [Entry("ACME-000002", InvoiceStatus.Paid)]);

        Assert.Equal(first, afterSeats);
        Assert.Null(afterDowngrade);
        Assert.Null(afterPayment);
    }
}
