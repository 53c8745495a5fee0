using Subscriptions.Domain.Invoices;
using Orleans;

namespace Subscriptions.Grains.Invoices;

/// <summary>
/// One issued invoice (SPEC §4), keyed by <see cref="InvoiceKey.Of"/>. Its account numbers and records it; the grain
/// adopts that record on its first turn and holds the invoice's own lifecycle from then on.
/// </summary>
[Alias("subscriptions.invoice")]
public interface IInvoiceGrain : IGrainWithStringKey
{
    /// <summary>Reads the invoice; NOT_FOUND when its account never issued it.</summary>
    Task<Invoice> GetAsync(CancellationToken cancellationToken = default);
}
