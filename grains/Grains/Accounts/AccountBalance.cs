using Money = Subscriptions.Domain.Money.Money;

namespace Subscriptions.Grains.Accounts;

/// <summary>Puts a credit on the account balance (SUB-4 seat removal, ops downgrade), naming the subscription it comes from.</summary>
public sealed record AddAccountCredit(string SubscriptionId, Money Amount, string Description);

/// <summary>
/// The account balance (ACC-6): open invoice balances minus unapplied credit, and the overdue part (balances of
/// invoices past their due date), in the account currency.
/// </summary>
public sealed record AccountBalance(Money Balance, Money OverdueBalance, Money UnappliedCredit);
