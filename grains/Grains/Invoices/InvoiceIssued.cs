namespace Subscriptions.Grains.Invoices;

/// <summary>The "invoice-issued" outbox message (NOT-1), written by the account in the turn that issues the invoice: enough for a sender to email it.</summary>
public sealed record InvoiceIssued(
    string AccountId, string Number, DateTimeOffset IssuedAt, DateTimeOffset DueAt, string Total, string Currency, IReadOnlyList<string> Recipients)
{
    /// <summary>The outbox kind of this message.</summary>
    public const string Kind = "invoice-issued";
}
