namespace Subscriptions.Domain.Accounts;

/// <summary>How an account is sold and billed (ACC-1).</summary>
public enum AccountKind
{
    /// <summary>Bought and managed online by the customer.</summary>
    SelfService = 1,

    /// <summary>Managed with a sales rep, billed annually, uses quotes and purchase orders.</summary>
    Corporate = 2,
}
