using Subscriptions.Domain.Billing;
using Subscriptions.Domain.Currencies;

namespace Subscriptions.Domain.Invoices;


/// <summary>A finalised invoice line: its amount is rounded half away from zero to the currency's minor unit (INV-1).</summary>
public sealed record InvoiceLine(
    InvoiceLineKind Kind,
    string Description,
    decimal Quantity,
    Money UnitPrice,
    Money Amount,
    BillingPeriod? Period,
    string? SubscriptionId)
{
    /// <summary>Finalises a charge line: computes its exact amount and rounds it once.</summary>
    public static InvoiceLine Finalise(ChargeLine charge) =>
        new(charge.Kind, charge.Description, charge.Quantity, charge.UnitPrice, charge.ExactAmount.Round(), charge.Period, charge.SubscriptionId);
}
