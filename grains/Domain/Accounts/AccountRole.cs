namespace Subscriptions.Domain.Accounts;

/// <summary>A member's role on an account (ACC-2).</summary>
public enum AccountRole
{
    /// <summary>The billing admin and billing contact; exactly one per account.</summary>
    PrimaryHolder = 1,

    /// <summary>May view and pay invoices and manage invoice and receipt recipients.</summary>
    BillingViewer = 2,

    /// <summary>Uses the products; no access to billing.</summary>
    User = 3,
}
