using Subscriptions.Domain.Invoices;
using Subscriptions.Domain.Orders;
using Subscriptions.Domain.Quotes;
using Subscriptions.Domain.Subscriptions;

namespace Subscriptions.Domain.Lifecycles;

/// <summary>Every lifecycle the service decides with, by kind, for ops tools.</summary>
public static class LifecycleCatalogue
{
    /// <summary>The lifecycles by kind ("subscription", "invoice", "quote", "order"), in the order ops list them.</summary>
    public static IReadOnlyDictionary<string, ILifecycleTable> ByKind { get; } = new Dictionary<string, ILifecycleTable>(StringComparer.Ordinal)
    {
        ["subscription"] = SubscriptionTransitions.Table,
        ["invoice"] = InvoiceTransitions.Table,
        ["quote"] = QuoteTransitions.Table,
        ["order"] = OrderTransitions.Table,
    };

    /// <summary>The lifecycle of <paramref name="kind"/> (case and surrounding spaces ignored), or null when there is none.</summary>
    public static ILifecycleTable? Find(string? kind) =>
        kind is not null && ByKind.TryGetValue(kind.Trim().ToLowerInvariant(), out var table) ? table : null;
}
