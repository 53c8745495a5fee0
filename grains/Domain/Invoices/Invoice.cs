using Subscriptions.Domain.Money;

namespace Subscriptions.Domain.Invoices;

using Money = Money.Money;

/// <summary>An issued invoice (INV-1): lines, subtotal, tax, total, amount paid and balance in the account's currency.</summary>
public sealed record Invoice
{
    /// <summary>Days between issue and due date (INV-1).</summary>
    public const int PaymentTermDays = 15;

    /// <summary>Number unique in the account's sequence, e.g. "ACME-000042".</summary>
    public required string Number { get; init; }

    /// <summary>The account billed.</summary>
    public required string AccountId { get; init; }

    /// <summary>When the invoice was issued.</summary>
    public required DateTimeOffset IssuedAt { get; init; }

    /// <summary>Issue date + 15 days.</summary>
    public required DateTimeOffset DueAt { get; init; }

    /// <summary>The account's currency.</summary>
    public required Currency Currency { get; init; }

    /// <summary>Charge, credit, usage and fee lines followed by tax lines.</summary>
    public required IReadOnlyList<InvoiceLine> Lines { get; init; }

    /// <summary>Sum of the non-tax lines.</summary>
    public required Money Subtotal { get; init; }

    /// <summary>Sum of the tax lines.</summary>
    public required Money Tax { get; init; }

    /// <summary>Subtotal + tax.</summary>
    public required Money Total { get; init; }

    /// <summary>Payments applied so far.</summary>
    public required Money AmountPaid { get; init; }

    /// <summary>Total − amount paid.</summary>
    public Money Balance => Total - AmountPaid;

    /// <summary>Lifecycle status; a new invoice is open.</summary>
    public required InvoiceStatus Status { get; init; }

    /// <summary>Whether the invoice is marked "reverse charge" (TAX-2).</summary>
    public bool ReverseCharge { get; init; }
}
