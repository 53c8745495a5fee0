using Subscriptions.Domain.Invoices;
using Subscriptions.Runtime;

namespace Subscriptions.Grains.Invoices;

/// <summary>One issued invoice (SPEC §4), keyed by <see cref="InvoiceKey.Of"/>; created only by its account grain, which numbers it.</summary>
public interface IInvoiceGrain : IGrainWithStringKey
{
    /// <summary>Stores the newly built invoice (status open) and queues the "invoice-issued" notification (NOT-1).</summary>
    Task<Invoice> CreateAsync(CreateInvoice command);

    /// <summary>Reads the invoice; NOT_FOUND when it was never issued.</summary>
    Task<Invoice> GetAsync();
}

/// <summary>An invoice built by the domain's InvoiceBuilder, who it goes to (ACC-4), and the test clock its account follows, if any.</summary>
public sealed record CreateInvoice(Invoice Invoice, IReadOnlyList<string> Recipients, string? ClockId);

/// <summary>The "invoice-issued" outbox message (NOT-1): enough for a sender to email the invoice.</summary>
public sealed record InvoiceIssued(
    string AccountId, string Number, DateTimeOffset IssuedAt, DateTimeOffset DueAt, string Total, string Currency, IReadOnlyList<string> Recipients);

/// <summary>Invoice grain keys: the account id and the invoice number, so numbers only need to be unique per account (INV-1).</summary>
public static class InvoiceKey
{
    /// <summary>The key of invoice <paramref name="number"/> of account <paramref name="accountId"/>, "acc-1/ACC-1-000001".</summary>
    public static string Of(string accountId, string number)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(accountId);
        ArgumentException.ThrowIfNullOrWhiteSpace(number);
        return $"{accountId}/{number}";
    }
}
