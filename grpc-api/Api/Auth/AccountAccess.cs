namespace Subscriptions.Grpc.Api.Auth;

/// <summary>What a call does to an account, and so which roles it needs (ACC-2).</summary>
public enum AccountAccess
{
    /// <summary>Read billing data: primary holder, billing viewer, ops, service.</summary>
    Read,

    /// <summary>Pay invoices: primary holder, billing viewer, ops, service.</summary>
    Pay,

    /// <summary>Change billing info, payment methods or subscriptions: primary holder, ops, service.</summary>
    ManageBilling,
}
