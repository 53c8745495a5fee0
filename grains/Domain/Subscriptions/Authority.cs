using Subscriptions.Domain.Accounts;
using Subscriptions.Domain.Errors;

namespace Subscriptions.Domain.Subscriptions;

/// <summary>Who may issue which subscription command (ACC-2).</summary>
internal static class Authority
{
    /// <summary>Customer commands: whoever the permission table lets change subscriptions (the primary holder or billing ops).</summary>
    public static void RequireHolderOrOps(SubscriptionContext context, string ruleId, string action)
    {
        if (!Permissions.Allows(context.Caller, AccountAction.ManageSubscriptions))
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
