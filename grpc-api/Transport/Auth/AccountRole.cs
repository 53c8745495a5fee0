namespace Subscriptions.Grpc.Transport.Auth;

/// <summary>A caller's role on one account (ACC-2), weakest first.</summary>
public enum AccountRole
{
    /// <summary>A user of the account's subscriptions, without billing rights.</summary>
    User = 1,

    /// <summary>May view and pay invoices.</summary>
    BillingViewer = 2,

    /// <summary>The billing admin: may change billing info, payment methods and subscriptions.</summary>
    PrimaryHolder = 3,
}
