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

    /// <summary>Administers the account's products for its users (the administrator contact of a service order, QUO-5); no access to billing.</summary>
    Administrator = 4,
}
