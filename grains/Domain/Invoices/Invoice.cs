using Subscriptions.Domain.Currencies;

namespace Subscriptions.Domain.Invoices;

/// <summary>An issued invoice (INV-1): lines, subtotal, tax, total, amount paid and balance in the account's currency.</summary>
public sealed partial record Invoice
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

    /// <summary>Credited by billing ops when resolving a dispute (INV-7).</summary>
    public required Money AmountCredited { get; init; }

    /// <summary>The account's unapplied credit applied to the invoice when it was issued (ACC-6); null when none was.</summary>
    public Money? AccountCreditApplied { get; init; }

    /// <summary>Total − amount paid − amount credited − account credit applied; nothing on a void invoice.</summary>
    public Money Balance => Status == InvoiceStatus.Void
        ? Money.Zero(Currency)
        : Total - AmountPaid - AmountCredited - (AccountCreditApplied ?? Money.Zero(Currency));

    /// <summary>Why billing ops voided the invoice, and who (null unless void).</summary>
    public string? VoidReason { get; init; }

    /// <summary>Lifecycle status; a new invoice is open.</summary>
    public required InvoiceStatus Status { get; init; }

    /// <summary>Whether the invoice is marked "reverse charge" (TAX-2).</summary>
    public bool ReverseCharge { get; init; }

    /// <summary>Every payment attempt on the invoice, in order (INV-3, INV-4).</summary>
    public IReadOnlyList<PaymentAttempt> Attempts { get; init; } = [];

    /// <summary>The invoice's dispute, open or resolved (INV-7); an invoice is disputed at most once.</summary>
    public InvoiceDispute? Dispute { get; init; }

    /// <summary>The subscriptions whose service this invoice charges (SUB-8: they are limited when it falls overdue).</summary>
    public IReadOnlyList<string> ChargedSubscriptionIds() =>
        [.. Lines.Where(l => l.Kind is InvoiceLineKind.SubscriptionCharge or InvoiceLineKind.ProrationCharge && l.SubscriptionId is not null)
            .Select(l => l.SubscriptionId!).Distinct(StringComparer.Ordinal)];

    /// <summary>
    /// When autopay will charge the default payment method (INV-6): the first attempt, then the retries of the product's
    /// schedule; each instant is dropped once tried. Empty when the account did not have autopay on at issue.
    /// </summary>
    public IReadOnlyList<DateTimeOffset> AutopaySchedule { get; init; } = [];

    /// <summary>The attempt waiting for strong customer authentication (INV-4), if any.</summary>
    public PaymentAttempt? PendingAuthentication => Attempts.LastOrDefault(a => a.Status == PaymentAttemptStatus.RequiresAction);
}
