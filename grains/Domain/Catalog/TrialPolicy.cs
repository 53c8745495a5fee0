namespace Subscriptions.Domain.Catalog;

/// <summary>What follows a trial (SUB-1).</summary>
public enum TrialPolicy
{
    /// <summary>The trial becomes a free subscription; the customer upgrades by hand (Central).</summary>
    ToFree,

    /// <summary>The trial is billed at its end when a default payment method exists, else it expires (Pro).</summary>
    ToPaid,
}
