namespace Subscriptions.Domain.Subscriptions;

/// <summary>Everything that can happen to an existing subscription; each is one column of the transition table.</summary>
public enum SubscriptionEvent
{
    /// <summary>Trial ended, product policy to-free (SUB-1).</summary>
    TrialEndedToFree,

    /// <summary>Trial ended, policy to-paid, default payment method on file (SUB-1).</summary>
    TrialEndedToPaid,

    /// <summary>Trial ended, policy to-paid, no default payment method (SUB-1).</summary>
    TrialEndedUnpaid,

    /// <summary>A free or trial subscription bought (SUB-2).</summary>
    UpgradedToPaid,

    /// <summary>Plan changed to a higher rank (SUB-4).</summary>
    PlanUpgraded,

    /// <summary>Plan changed to a lower rank by billing ops (SUB-4).</summary>
    PlanDowngraded,

    /// <summary>Seats added (SUB-4).</summary>
    SeatsAdded,

    /// <summary>Seats removed with a prorated credit (SUB-4).</summary>
    SeatsRemoved,

    /// <summary>A seat assigned to a user (SUB-5).</summary>
    LicenceAssigned,

    /// <summary>A user's seat freed (SUB-5).</summary>
    LicenceUnassigned,

    /// <summary>Billing frequency change scheduled for the next renewal (SUB-10).</summary>
    FrequencyChangeScheduled,

    /// <summary>A new period started and was invoiced (SUB-3).</summary>
    Renewed,

    /// <summary>Cancellation requested (SUB-6).</summary>
    CancellationRequested,

    /// <summary>Cancellation withdrawn before its effective date (SUB-6).</summary>
    CancellationWithdrawn,

    /// <summary>Cancellation reached its effective date (SUB-6).</summary>
    CancellationEffective,

    /// <summary>A cancelled or expired subscription restarted (SUB-7).</summary>
    Reactivated,

    /// <summary>A renewal invoice passed its due date unpaid (SUB-8).</summary>
    RenewalOverdue,

    /// <summary>Limited for longer than the grace period (SUB-9).</summary>
    GracePeriodElapsed,

    /// <summary>The account's overdue balance reached 0.00 (SUB-9).</summary>
    OverdueSettled,
}
