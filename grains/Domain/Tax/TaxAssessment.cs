using Subscriptions.Domain.Currencies;

namespace Subscriptions.Domain.Tax;


/// <summary>One tax amount on an invoice, rounded to the currency's minor unit.</summary>
public sealed record TaxAmount(string Name, decimal Rate, Money Amount);

/// <summary>The taxes due on a subtotal (TAX-1/TAX-2), with the reverse-charge or exemption note to print on the invoice.</summary>
public sealed record TaxAssessment(IReadOnlyList<TaxAmount> Amounts, bool ReverseCharge, string? Note)
{
    /// <summary>No tax and no note.</summary>
    public static TaxAssessment None { get; } = new([], false, null);

    /// <summary>The sum of the tax amounts.</summary>
    public Money Total(Currency currency) => Amounts.Aggregate(Money.Zero(currency), (sum, tax) => sum + tax.Amount);
}
