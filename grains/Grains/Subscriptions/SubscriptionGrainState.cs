using Subscriptions.Domain.Subscriptions;

namespace Subscriptions.Grains.SubscriptionLifecycle;

/// <summary>The persisted state of a subscription grain: the domain subscription and the invoices it caused.</summary>
public sealed record SubscriptionGrainState
{
    /// <summary>The subscription, or null until it is started.</summary>
    public SubscriptionState? Subscription { get; init; }

    /// <summary>Numbers of the invoices this subscription caused, oldest first (INV-1).</summary>
    public IReadOnlyList<string> InvoiceNumbers { get; init; } = [];
}

/// <summary>
/// A subscription as callers see it, with what the answered command caused: the invoice it issued, if any, and the
/// credits it put on the account balance (SUB-4). Both are empty on a read.
/// </summary>
public sealed record SubscriptionView(
    SubscriptionState Subscription,
    IReadOnlyList<string> InvoiceNumbers,
    string? IssuedInvoiceNumber,
    IReadOnlyList<AccountCredit> Credits);
