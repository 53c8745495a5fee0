using Subscriptions.Domain.Errors;

namespace Subscriptions.Domain.Subscriptions;

/// <summary>Who may issue which subscription command (ACC-2).</summary>
internal static class Authority
{
    /// <summary>Customer commands: the primary holder or billing ops.</summary>
    public static void RequireHolderOrOps(SubscriptionContext context, string ruleId, string action)
    {
        if (context.Caller is not (CallerAuthority.PrimaryHolder or CallerAuthority.BillingOps))
        {
            throw new PermissionDeniedException(ruleId, $"Only the account's primary holder or billing ops can {action}.");
        }
    }

    /// <summary>Reminder and payment events: the service itself or billing ops.</summary>
    public static void RequireSystemOrOps(SubscriptionContext context, string ruleId, string action)
    {
        if (!context.IsOpsOrSystem)
        {
            throw new PermissionDeniedException(ruleId, $"Only the service or billing ops can {action}.");
        }
    }
}
