using Subscriptions.Domain.Accounts;
using Subscriptions.Domain.Currencies;
using Subscriptions.Domain.Invoices;
using Subscriptions.Domain.Tax;
using static Subscriptions.Domain.Tests.Accounts.AccountBuilder;

namespace Subscriptions.Domain.Tests.Accounts;

/// <summary>INV-1, INV-6, ACC-6: what the account decides when it issues an invoice.</summary>
public sealed class InvoicingTests
{
    private static readonly TaxCalculator Tax = new(TaxTableLoader.LoadDefault());
    private static readonly ChargeLine[] Charges = [new(InvoiceLineKind.SubscriptionCharge, "Meeting Professional, monthly", 2, new Money(12m, Currency.Usd))];
    private static readonly DateTimeOffset[] Schedule = [Now, Now.AddDays(1)];

    [Fact]
    public void INV_6_an_invoice_carries_the_autopay_schedule_only_when_the_account_has_autopay_on()
    {
        var on = new AccountBuilder().WithCard("card-1").Then(a => a.Decide(Holder, new SetAutopay(true), Now)).Build();
        var off = new AccountBuilder().WithCard("card-1").Then(a => a.Decide(Holder, new SetAutopay(false), Now)).Build();

        var withAutopay = on.IssueInvoice("ACME-000001", Charges, Schedule, Money.Zero(Currency.Usd), Now, Tax).Invoice;
        var without = off.IssueInvoice("ACME-000001", Charges, Schedule, Money.Zero(Currency.Usd), Now, Tax).Invoice;

        Assert.Equal(Schedule, withAutopay.AutopaySchedule);
        Assert.Empty(without.AutopaySchedule);
        Assert.Equal(24m, withAutopay.Subtotal.Amount);
        Assert.Equal(withAutopay.Subtotal + withAutopay.Tax, withAutopay.Total);
    }

    [Fact]
    public void ACC_6_the_unapplied_credit_pays_what_it_can_of_the_invoice_at_issue()
    {
        var account = new AccountBuilder().Build();

        var issued = account.IssueInvoice("ACME-000001", Charges, null, new Money(10m, Currency.Usd), Now, Tax);

        Assert.Equal(10m, issued.CreditApplied.Amount);
        Assert.Equal(issued.Invoice.Total.Amount - 10m, issued.Invoice.Balance.Amount);
        Assert.Equal(InvoiceStatus.Open, issued.Invoice.Status);
    }
}
