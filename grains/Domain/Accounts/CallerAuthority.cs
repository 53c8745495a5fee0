namespace Subscriptions.Domain.Accounts;

/// <summary>
/// On whose authority a change to an account, its subscriptions or its invoices is made: the caller's role on the
/// account, billing ops, or the service itself. <see cref="Permissions"/> says what each may do (ACC-2).
/// </summary>
public enum CallerAuthority
{
    /// <summary>The account's primary holder (billing admin).</summary>
    PrimaryHolder,

    /// <summary>A billing viewer: may read and pay invoices only.</summary>
    BillingViewer,

    /// <summary>A product user without billing rights.</summary>
    User,

    /// <summary>Billing ops, acting on any account (audited).</summary>
    BillingOps,

    /// <summary>The service itself: reminders and payment events, never a customer's action.</summary>
    System,
}
