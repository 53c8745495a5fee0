using Subscriptions.Domain;
using Subscriptions.Domain.Accounts;
using Subscriptions.Domain.Errors;
using Subscriptions.Domain.Subscriptions;

namespace Subscriptions.Grains.SubscriptionLifecycle;

/// <summary>Maps the acting subject to the domain's caller authority through the account's members (ACC-2).</summary>
internal static class SubscriptionAuthority
{
    /// <summary>Billing ops (and back-end services acting as ops), else the subject's role on the account; a stranger is refused.</summary>
    public static CallerAuthority Of(Actor actor, Account account)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(account);
        if (actor.IsOps)
        {
            return CallerAuthority.BillingOps;
        }

        return account.RoleOf(actor.SubjectId) switch
        {
            AccountRole.PrimaryHolder => CallerAuthority.PrimaryHolder,
            AccountRole.BillingViewer => CallerAuthority.BillingViewer,
            AccountRole.User => CallerAuthority.User,
            _ => throw new PermissionDeniedException(Rules.Acc2, $"{Quoted.Of(actor.SubjectId)} has no role on account {Quoted.Of(account.Id)}."),
        };
    }
}
