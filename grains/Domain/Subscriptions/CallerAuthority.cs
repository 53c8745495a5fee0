namespace Subscriptions.Domain.Subscriptions;

/// <summary>On whose authority a subscription command is made (ACC-2); the grain maps the authenticated caller to one of these.</summary>
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

    /// <summary>The service itself: reminders and payment events.</summary>
    System,
}
