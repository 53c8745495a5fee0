namespace Subscriptions.Grains.Invoices;

/// <summary>
/// An invoice's outbound notification (NOT-1): the kind ("payment-receipt", "payment-failed", "payment-requires-action",
/// "dispute-opened", "dispute-resolved"), the invoice, its amounts after the change, the payment attempt if any, and
/// the recipients the account names for it (ACC-4).
/// </summary>
public sealed record InvoiceNotice(
    string AccountId,
    string Number,
    string Status,
    string Total,
    string AmountPaid,
    string Balance,
    string Currency,
    int? Attempt,
    string? Amount,
    string? Detail,
    IReadOnlyList<string> Recipients)
{
    /// <summary>Paid in full: a receipt to the receipt recipient (INV-3).</summary>
    public const string Receipt = "payment-receipt";

    /// <summary>A payment was declined (INV-4).</summary>
    public const string PaymentFailed = "payment-failed";

    /// <summary>A payment waits for the customer's authentication (INV-4).</summary>
    public const string RequiresAction = "payment-requires-action";

    /// <summary>A dispute was opened (INV-7).</summary>
    public const string DisputeOpened = "dispute-opened";

    /// <summary>Billing ops resolved a dispute (INV-7).</summary>
    public const string DisputeResolved = "dispute-resolved";
}
