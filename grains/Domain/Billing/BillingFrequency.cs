namespace Subscriptions.Domain.Billing;

/// <summary>How often a subscription is billed (SUB-10).</summary>
public enum BillingFrequency
{
    /// <summary>Every 30 days (anniversary model) or every calendar month (calendar model).</summary>
    Monthly,

    /// <summary>Once a year on the anniversary date.</summary>
    Annual,
}
