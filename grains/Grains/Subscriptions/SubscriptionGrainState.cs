using Orleans;
using Subscriptions.Domain.Subscriptions;

namespace Subscriptions.Grains.SubscriptionLifecycle;

/// <summary>The persisted state of a subscription grain: the domain subscription and the invoices it caused.</summary>
[GenerateSerializer, Alias("subscriptions.SubscriptionGrainState")]
public sealed record SubscriptionGrainState
{
    /// <summary>The subscription, or null until it is started.</summary>
    [Id(0)]
    public SubscriptionState? Subscription { get; init; }

    /// <summary>Numbers of the invoices this subscription caused, oldest first (INV-1).</summary>
    [Id(1)]
    public IReadOnlyList<string> InvoiceNumbers { get; init; } = [];
}
