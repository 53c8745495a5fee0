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

/// <summary>
/// What an account's ledger holds at one read (ACC-6): an entry for each invoice still owed, disputed or void, and how
/// many invoices the account had issued. A paid invoice leaves the ledger, so it does not grow with the invoices an
/// account issues: an invoice issued by then that has no entry is paid.
/// </summary>
public sealed record InvoiceLedger(IReadOnlyList<InvoiceLedgerEntry> Entries, long IssuedCount)
{
    /// <summary>No invoice issued.</summary>
    public static readonly InvoiceLedger Empty = new([], 0);

    /// <summary>
    /// Paid, or paid and then disputed (INV-7: a dispute on a paid upgrade does not take the plan back), as of this read;
    /// an invoice issued after it is not paid.
    /// </summary>
    public bool IsPaid(string number) => Entries.FirstOrDefault(e => e.Number == number) is { } entry
        ? entry.Status == InvoiceStatus.Paid || (entry.Status == InvoiceStatus.Disputed && entry.Balance.IsZero)
        : InvoiceNumber.SequenceOf(number) is { } sequence && sequence <= IssuedCount;

    /// <summary>Voided by billing ops, as of this read: nothing is owed for it.</summary>
    public bool IsVoid(string number) => Entries.Any(e => e.Number == number && e.Status == InvoiceStatus.Void);

    /// <summary>
    /// <paramref name="entries"/> with <paramref name="report"/> taken in: in its entry's place, or after the others for
    /// an invoice that had none; without it when it is paid, and without any paid entry an older ledger still held.
    /// </summary>
    public static IReadOnlyList<InvoiceLedgerEntry> With(IReadOnlyList<InvoiceLedgerEntry> entries, InvoiceLedgerEntry report)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(report);
        var result = new List<InvoiceLedgerEntry>(entries.Count + 1);
        var placed = false;
        foreach (var entry in entries)
        {
            var current = entry.Number == report.Number ? report : entry;
            placed |= entry.Number == report.Number;
            if (current.Status != InvoiceStatus.Paid)
            {
                result.Add(current);
            }
        }

        if (!placed && report.Status != InvoiceStatus.Paid)
        {
            result.Add(report);
        }

        return result;
    }
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
