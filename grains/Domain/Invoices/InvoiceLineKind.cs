namespace Subscriptions.Domain.Invoices;

/// <summary>What an invoice line is for (INV-1).</summary>
public enum InvoiceLineKind
{
    /// <summary>A full billing period of a subscription.</summary>
    SubscriptionCharge,

    /// <summary>A prorated part of a period charged (SUB-4, SUB-12).</summary>
    ProrationCharge,

    /// <summary>A prorated part of a period credited; its amount is negative.</summary>
    ProrationCredit,

    /// <summary>Metered usage.</summary>
    Usage,

    /// <summary>A one-off fee.</summary>
    Fee,

    /// <summary>Tax computed on the subtotal (INV-2).</summary>
    Tax,
}
