using Subscriptions.Domain.Accounts;
using Subscriptions.Domain.Currencies;

namespace Subscriptions.Domain.Subscriptions;

/// <summary>What a subscription decision needs to know about its account, passed in so the domain stays pure.</summary>
/// <param name="HasDefaultPaymentMethod">True when the default payment method can be charged now; an expired card cannot (SUB-1, ACC-3, INV-3).</param>
public sealed record AccountFacts(
    AccountKind Kind,
    Currency Currency,
    string? TimeZoneId,
    bool HasDefaultPaymentMethod,
    bool HasOverdueBalance)
{
    /// <summary>The facts of <paramref name="account"/> at <paramref name="now"/>; an expired default card does not count as a default payment method.</summary>
    public static AccountFacts Of(Account account, DateTimeOffset now, bool hasOverdueBalance)
    {
        ArgumentNullException.ThrowIfNull(account);
        return new(account.Kind, account.Currency, account.TimeZoneId, account.ChargeableDefaultPaymentMethod(now) is not null, hasOverdueBalance);
    }
}
