using Subscriptions.Domain.Currencies;

namespace Subscriptions.Domain.Subscriptions;


/// <summary>A credit to the account balance (SUB-4 seat removal, ops downgrade), already rounded to the currency's minor unit.</summary>
public sealed record AccountCredit(Money Amount, string Description);
