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

    /// <summary>The ledger after the account issued its first three invoices, holding <paramref name="entry"/>.</summary>
    private static InvoiceLedger Ledger(InvoiceLedgerEntry entry) => new([entry], 3);

    [Fact]
    public void SUB_4_an_upgrade_waits_for_its_invoice_on_the_plan_paid_for_and_gets_the_new_plan_once_it_is_paid()
    {
        var before = Professional();
        var upgrade = Subscription.Decide(before, new UpgradePlan("business"), Context(At));

        var waiting = UpgradeAwaitingPayment.After(null, before, upgrade, "ACME-000002", Ledger(Entry("ACME-000002", InvoiceStatus.Open)));

        Assert.Equal(new UpgradeAwaitingPayment("professional", "ACME-000002"), waiting);
        Assert.Equal("professional", UpgradeAwaitingPayment.PaidPlan(waiting, Ledger(Entry("ACME-000002", InvoiceStatus.Open))));
        Assert.Null(UpgradeAwaitingPayment.PaidPlan(waiting, Ledger(Entry("ACME-000002", InvoiceStatus.Paid))));
        Assert.Null(UpgradeAwaitingPayment.PaidPlan(waiting, Ledger(Entry("ACME-000002", InvoiceStatus.Paid) with { Status = InvoiceStatus.Disputed })));
    }

    [Fact]
    public void SUB_4_a_second_unpaid_upgrade_keeps_the_plan_paid_for_first_and_a_later_plan_change_ends_the_wait()
    {
        var professional = Professional();
        var first = new UpgradeAwaitingPayment("professional", "ACME-000002");
        var business = professional with { PlanId = "business" };
        var seats = Subscription.Decide(business, new AddSeats(1), Context(At));
        var downgrade = Subscription.Decide(business, new DowngradePlan("professional"), Ops(At));

        var afterSeats = UpgradeAwaitingPayment.After(first, business, seats, "ACME-000003", Ledger(Entry("ACME-000002", InvoiceStatus.Open)));
        var afterDowngrade = UpgradeAwaitingPayment.After(first, business, downgrade, null, Ledger(Entry("ACME-000002", InvoiceStatus.Open)));
        var afterPayment = UpgradeAwaitingPayment.After(first, business, seats, "ACME-000003", Ledger(Entry("ACME-000002", InvoiceStatus.Paid)));

        Assert.Equal(first, afterSeats);
        Assert.Null(afterDowngrade);
        Assert.Null(afterPayment);
    }

    [Fact]
    public void SUB_4_an_invoice_the_ledger_no_longer_holds_is_paid_when_it_was_issued_by_the_read_and_not_after()
    {
        var waiting = new UpgradeAwaitingPayment("professional", "ACME-000002");

        Assert.Null(UpgradeAwaitingPayment.PaidPlan(waiting, new InvoiceLedger([], 2)));
        Assert.Equal("professional", UpgradeAwaitingPayment.PaidPlan(waiting, new InvoiceLedger([], 1)));
    }

    [Fact]
    public void SUB_4_a_voided_upgrade_invoice_ends_the_wait_nothing_being_owed_for_it()
    {
        var waiting = new UpgradeAwaitingPayment("professional", "ACME-000002");

        Assert.Null(UpgradeAwaitingPayment.PaidPlan(waiting, new InvoiceLedger([Entry("ACME-000002", InvoiceStatus.Void)], 2)));
        Assert.Equal("professional", UpgradeAwaitingPayment.PaidPlan(waiting, new InvoiceLedger([Entry("ACME-000002", InvoiceStatus.Overdue)], 2)));
    }

    [Fact]
    public void SUB_4_a_renewal_billing_the_new_plan_ends_the_wait_even_with_the_upgrade_invoice_unpaid()
    {
        var business = Subscription.Decide(Professional(), new UpgradePlan("business"), Context(At)).State;
        var waiting = new UpgradeAwaitingPayment("professional", "ACME-000002");
        var renewal = Subscription.Decide(business, new Renew(), Service(business.NextRenewal!.Value));

        var after = UpgradeAwaitingPayment.After(waiting, business, renewal, "ACME-000003", Ledger(Entry("ACME-000002", InvoiceStatus.Overdue)));

        Assert.Equal("business", renewal.State.PlanId);
        Assert.Null(after);
    }

    [Fact]
    public void ACC_6_a_paid_invoice_leaves_the_ledger_and_comes_back_when_it_is_disputed()
    {
        var open = Entry("ACME-000001", InvoiceStatus.Open);
        var other = Entry("ACME-000002", InvoiceStatus.Overdue);

        var paid = InvoiceLedger.With([open, other], open with { Status = InvoiceStatus.Paid, Balance = Money.Zero(Currency.Usd), Revision = 2 });
        var disputed = InvoiceLedger.With(paid, open with { Status = InvoiceStatus.Disputed, Balance = Money.Zero(Currency.Usd), Revision = 3 });
        var cleaned = InvoiceLedger.With([Entry("ACME-000003", InvoiceStatus.Paid), other], other with { Revision = 2 });

        Assert.Equal([other], paid);
        Assert.Equal(["ACME-000002", "ACME-000001"], disputed.Select(e => e.Number));
        Assert.Equal([other with { Revision = 2 }], cleaned);
    }
}
