namespace Subscriptions.Domain.Invoices;

/// <summary>Invoice states (SPEC §4).</summary>
public enum InvoiceStatus
{
    /// <summary>Issued and due.</summary>
    Open,

    /// <summary>Paid in full.</summary>
    Paid,

    /// <summary>Past its due date with a balance (INV-5).</summary>
    Overdue,

    /// <summary>Under dispute (INV-7).</summary>
    Disputed,

    /// <summary>Cancelled by billing ops.</summary>
    Void,
}
