namespace Subscriptions.Domain.Catalog;

/// <summary>Who may cancel a product's subscriptions (SUB-6).</summary>
public enum CancellationPolicy
{
    /// <summary>The primary holder cancels from the portal.</summary>
    SelfService,

    /// <summary>Only billing ops cancel; customers are told to contact support.</summary>
    SupportOnly,
}
