using Subscriptions.Domain.Accounts;
using Subscriptions.Domain.Money;

namespace Subscriptions.Domain.Subscriptions;

/// <summary>What a subscription decision needs to know about its account, passed in so the domain stays pure.</summary>
public sealed record AccountFacts(
    AccountKind Kind,
    Currency Currency,
    string? TimeZoneId,
    bool HasDefaultPaymentMethod,
    bool HasOverdueBalance);
