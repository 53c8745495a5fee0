using Subscriptions.Domain.Currencies;
using Subscriptions.Domain.Invoices;
using Subscriptions.Domain.Tax;

namespace Subscriptions.Domain.Accounts;

/// <summary>An invoice the account issues, and the part of its unapplied credit the invoice took.</summary>
public sealed record IssuedByAccount(Invoice Invoice, Money CreditApplied);

public sealed partial record Account
{
    /// <summary>What the account's invoices and quotes are taxed by: the billing address, the VAT id and an approved exemption (TAX-1, TAX-2).</summary>
    public TaxProfile TaxProfile => new(BillingAddress.Country, BillingAddress.Region, VatId, IsTaxExempt);

    /// <summary>
    /// A credit for service charged and not given (SUB-4: seats removed, an ops downgrade, a change or an order that nets
    /// to a credit), <paramref name="net"/> of tax, given back with the tax such a charge carries at the billing address
    /// (INV-2). The balance pays the next invoices after their tax (ACC-6): a credit without its tax would keep the tax
    /// of service never given.
    /// </summary>
    public Money CreditForUnusedService(Money net, TaxCalculator tax)
    {
        ArgumentNullException.ThrowIfNull(tax);
        return net + tax.Assess(net, TaxProfile).Total(Currency);
    }

    /// <summary>
    /// Issues invoice <paramref name="number"/> for <paramref name="charges"/> at <paramref name="now"/> (INV-1): taxed
    /// by the billing address (INV-2, TAX-1, TAX-2; an approved US exemption untaxes it), with the autopay schedule only
    /// when the account has autopay on (INV-6), and paid first with the account's <paramref name="unappliedCredit"/>
    /// as far as it goes (ACC-6).
    /// </summary>
    public IssuedByAccount IssueInvoice(
        string number, IEnumerable<ChargeLine> charges, IReadOnlyList<DateTimeOffset>? autopaySchedule, Money unappliedCredit, DateTimeOffset now, TaxCalculator tax)
    {
        ArgumentNullException.ThrowIfNull(charges);
        ArgumentNullException.ThrowIfNull(tax);
        var profile = TaxProfile;
        var invoice = new InvoiceBuilder(Id, number, now, Currency).Add(charges).Build(subtotal => tax.Assess(subtotal, profile));
        if (AutopayEnabled && autopaySchedule is { Count: > 0 })
        {
            invoice = invoice with { AutopaySchedule = autopaySchedule };
        }

        var (credited, applied) = InvoiceLifecycle.ApplyAccountCredit(invoice, unappliedCredit);
        return new IssuedByAccount(credited, applied);
    }
}
