using Subscriptions.Domain.Billing;
using Subscriptions.Domain.Currencies;
using Subscriptions.Domain.Errors;

namespace Subscriptions.Domain.Catalog;


/// <summary>Per-seat prices of one plan for each billing frequency and currency (price of one full period).</summary>
public sealed record PriceList(IReadOnlyDictionary<BillingFrequency, IReadOnlyDictionary<string, decimal>> Prices)
{
    /// <summary>The per-seat price of one full period, or a "currency"/"frequency" validation error naming the plan.</summary>
    public Money SeatPrice(BillingFrequency frequency, Currency currency, string planKey)
    {
        if (!Prices.TryGetValue(frequency, out var byCurrency))
        {
            throw new ValidationException("frequency", $"Plan {planKey} has no {frequency.ToWireName()} price.");
        }

        return byCurrency.TryGetValue(currency.Code, out var amount)
            ? new Money(amount, currency)
            : throw new ValidationException("currency", $"Plan {planKey} has no {frequency.ToWireName()} price in {currency.Code}.");
    }
}
