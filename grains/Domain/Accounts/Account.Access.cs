using Subscriptions.Domain.Errors;

namespace Subscriptions.Domain.Accounts;

/// <summary>Who may do what on an account (ACC-2).</summary>
public sealed partial record Account
{
    /// <summary>
    /// True when <paramref name="actor"/> may perform <paramref name="action"/> by the <see cref="Permissions"/> table:
    /// billing ops may do anything; a member what the table allows their role. Once personal data is erased (ACC-8) only
    /// billing ops may do anything.
    /// </summary>
    public bool Allows(Actor actor, AccountAction action) =>
        actor.IsOps || (PersonalDataErasedAt is null && RoleOf(actor.SubjectId) is { } role && Permissions.Allows(role, action));

    /// <summary>Throws <see cref="PermissionDeniedException"/> (ACC-2) unless <paramref name="actor"/> may perform <paramref name="action"/>.</summary>
    public void Authorize(Actor actor, AccountAction action)
    {
        if (Allows(actor, action))
        {
            return;
        }

        var who = RoleOf(actor.SubjectId) is { } role
            ? $"{Quoted.Of(actor.SubjectId)} ({RoleName(role)})"
            : $"{Quoted.Of(actor.SubjectId)}, who is not a member,";
        throw new PermissionDeniedException(Rules.Acc2, $"{who} may not {Permissions.Describe(action)} on account {Quoted.Of(Id)}; only {Permissions.WhoMay(action)} may.");
    }

    /// <summary>
    /// The authority <paramref name="actor"/> acts with on this account: billing ops (and back-end services acting as
    /// ops), else the actor's role; an actor with no role on the account is refused (ACC-2).
    /// </summary>
    public CallerAuthority AuthorityOf(Actor actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (actor.IsOps)
        {
            return CallerAuthority.BillingOps;
        }

        return RoleOf(actor.SubjectId) switch
        {
            AccountRole.PrimaryHolder => CallerAuthority.PrimaryHolder,
            AccountRole.BillingViewer => CallerAuthority.BillingViewer,
            AccountRole.User or AccountRole.Administrator => CallerAuthority.User,
            _ => throw new PermissionDeniedException(Rules.Acc2, $"{Quoted.Of(actor.SubjectId)} has no role on account {Quoted.Of(Id)}."),
        };
    }

    /// <summary>The role as the API names it, e.g. "billing-viewer".</summary>
    public static string RoleName(AccountRole role) => role switch
    {
        AccountRole.PrimaryHolder => "primary-holder",
        AccountRole.BillingViewer => "billing-viewer",
        AccountRole.User => "user",
        AccountRole.Administrator => "administrator",
        _ => role.ToString(),
    };
}
