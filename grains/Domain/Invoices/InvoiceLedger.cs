using Subscriptions.Domain.Currencies;

namespace Subscriptions.Domain.Invoices;


/// <summary>
/// What an account knows of one of its invoices (ACC-6): amounts, due date and status, as the invoice last reported
/// them. <see cref="Revision"/> orders the reports, so a late report never overwrites a newer one.
/// </summary>
public sealed record InvoiceLedgerEntry(string Number, DateTimeOffset IssuedAt, DateTimeOffset DueAt, Money Total, Money Balance, InvoiceStatus Status, long Revision)
{
    /// <summary>The entry of an invoice as issued (revision 0).</summary>
    public static InvoiceLedgerEntry Issued(Invoice invoice)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        return new(invoice.Number, invoice.IssuedAt, invoice.DueAt, invoice.Total, invoice.Balance, invoice.Status, 0);
    }

    /// <summary>True while the balance is owed: open, overdue or disputed with a balance.</summary>
    public bool IsOwed => Status is InvoiceStatus.Open or InvoiceStatus.Overdue or InvoiceStatus.Disputed && !Balance.IsZero;

    /// <summary>True when the balance is past due at <paramref name="now"/> (a disputed invoice is on hold, not overdue).</summary>
    public bool IsPastDue(DateTimeOffset now) => Status is InvoiceStatus.Open or InvoiceStatus.Overdue && !Balance.IsZero && DueAt <= now;
}

/// <summary>An account's balances (ACC-6) at one instant, in its currency.</summary>
/// <param name="Balance">Open invoice balances minus unapplied credit (negative when the credit is larger).</param>
/// <param name="OverdueBalance">Balances of invoices past their due date.</param>
/// <param name="UnappliedCredit">Credit not yet applied to an invoice.</param>
public sealed record AccountBalances(Money Balance, Money OverdueBalance, Money UnappliedCredit)
{
    /// <summary>The balances of <paramref name="invoices"/> and <paramref name="unappliedCredit"/> at <paramref name="now"/>.</summary>
    public static AccountBalances Of(IEnumerable<InvoiceLedgerEntry> invoices, Money unappliedCredit, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(invoices);
        var open = Money.Zero(unappliedCredit.Currency);
        var overdue = Money.Zero(unappliedCredit.Currency);
        foreach (var entry in invoices)
        {
            if (entry.IsOwed)
            {
                open += entry.Balance;
            }

            if (entry.IsPastDue(now))
            {
                overdue += entry.Balance;
            }
        }

        return new AccountBalances(open - unappliedCredit, overdue, unappliedCredit);
    }
}
