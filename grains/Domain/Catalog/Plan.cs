using Subscriptions.Domain.Billing;
using Subscriptions.Domain.Currencies;

namespace Subscriptions.Domain.Catalog;


/// <summary>A plan of a product: its rank (higher is an upgrade) and per-seat prices.</summary>
public sealed record Plan(string Id, string Name, int Rank, PriceList Prices)
{
    /// <summary>The per-seat price of one full period in the currency.</summary>
    public Money SeatPrice(string productId, BillingFrequency frequency, Currency currency) =>
        Prices.SeatPrice(frequency, currency, $"\"{productId}/{Id}\"");
}
