namespace Subscriptions.Domain.Billing;

/// <summary>How billing periods are laid out in time (SPEC §2).</summary>
public enum BillingModel
{
    /// <summary>Periods run from the sign-up (or last change) instant: 30 days or one year.</summary>
    Anniversary,

    /// <summary>Periods are calendar months in the account's time zone, billed on the 1st; the first month is prorated.</summary>
    Calendar,
}
