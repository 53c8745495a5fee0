using Subscriptions.Domain.Billing;
using Subscriptions.Domain.Currencies;

namespace Subscriptions.Domain.Invoices;


/// <summary>
/// A charge or credit a subscription decision wants on an invoice, still exact (not rounded).
/// Amount = ± quantity × unit price × proration; credits are negative. Rounding happens in <see cref="InvoiceLine.Finalise"/>.
/// </summary>
public sealed record ChargeLine(
    InvoiceLineKind Kind,
    string Description,
    decimal Quantity,
    Money UnitPrice,
    ProrationFactor? Proration = null,
    BillingPeriod? Period = null,
    string? SubscriptionId = null)
{
    /// <summary>The exact signed amount before rounding.</summary>
    public Money ExactAmount
    {
        get
        {
            var gross = Quantity * UnitPrice.Amount;
            var prorated = Proration?.Apply(gross) ?? gross;
            return new Money(Kind == InvoiceLineKind.ProrationCredit ? -prorated : prorated, UnitPrice.Currency);
        }
    }
}
