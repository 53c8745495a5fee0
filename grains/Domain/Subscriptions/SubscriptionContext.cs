using Subscriptions.Domain.Accounts;
using Subscriptions.Domain.Billing;
using Subscriptions.Domain.Catalog;

namespace Subscriptions.Domain.Subscriptions;

/// <summary>Everything around a decision: the catalog, the account's facts, the caller's authority and the current instant.</summary>
public sealed record SubscriptionContext(ProductCatalog Catalog, AccountFacts Account, CallerAuthority Caller, DateTimeOffset Now)
{
    /// <summary>The account's time zone (UTC when none is set).</summary>
    public TimeZoneInfo Zone { get; } = AccountTimeZone.Resolve(Account.TimeZoneId);

    /// <summary>True when billing ops or the service itself acts.</summary>
    public bool IsOpsOrSystem => Caller is CallerAuthority.BillingOps or CallerAuthority.System;
}
