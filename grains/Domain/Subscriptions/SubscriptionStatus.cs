namespace Subscriptions.Domain.Subscriptions;

/// <summary>Lifecycle states of a subscription (SPEC §2).</summary>
public enum SubscriptionStatus
{
    /// <summary>Trying the product until the trial end date (SUB-1).</summary>
    Trial,

    /// <summary>Free tier: costs nothing, never invoices (SUB-2).</summary>
    Free,

    /// <summary>Paid and renewing (SUB-3).</summary>
    Active,

    /// <summary>Cancelled by request, usable until the effective date, not renewed (SUB-6).</summary>
    PendingCancellation,

    /// <summary>A renewal invoice is overdue: still usable, no upgrades or seat additions (SUB-8).</summary>
    Limited,

    /// <summary>Service cut for non-payment after the grace period (SUB-9).</summary>
    Suspended,

    /// <summary>Ended by cancellation; may be reactivated while data is retained (SUB-7).</summary>
    Cancelled,

    /// <summary>Ended because a trial could not be billed; may be reactivated (SUB-1, SUB-7).</summary>
    Expired,
}
