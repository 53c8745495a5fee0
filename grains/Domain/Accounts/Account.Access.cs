using Subscriptions.Domain.Errors;

namespace Subscriptions.Domain.Accounts;

/// <summary>Who may do what on an account (ACC-2).</summary>
public sealed partial record Account
{
    private static readonly HashSet<AccountAction> OpsOnly = [AccountAction.DecideTaxExemption, AccountAction.ViewAuditTrail, AccountAction.ResolveDisputes, AccountAction.EraseData, AccountAction.VoidInvoices];

    private static readonly HashSet<AccountAction> BillingViewerActions =
        [AccountAction.ViewBillingInfo, AccountAction.ViewInvoices, AccountAction.PayInvoices, AccountAction.ManageRecipients];

    /// <summary>
    /// True when <paramref name="actor"/> may perform <paramref name="action"/>: billing ops may do anything; the primary
    /// holder anything but ops-only actions; billing viewers may view and pay invoices and manage recipients; users nothing.
    /// Once personal data is erased (ACC-8) only billing ops may do anything.
    /// </summary>
    public bool Allows(Actor actor, AccountAction action) =>
        actor.IsOps || (PersonalDataErasedAt is null && RoleOf(actor.SubjectId) switch
        {
            AccountRole.PrimaryHolder => !OpsOnly.Contains(action),
            AccountRole.BillingViewer => BillingViewerActions.Contains(action),
            _ => false,
        });

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
        var allowed = OpsOnly.Contains(action) ? "only billing ops may"
            : BillingViewerActions.Contains(action) ? "only the primary holder, billing viewers or billing ops may"
            : "only the primary holder or billing ops may";
        throw new PermissionDeniedException(Rules.Acc2, $"{who} may not {ActionName(action)} on account {Quoted.Of(Id)}; {allowed}.");
    }

    /// <summary>The role as the API names it, e.g. "billing-viewer".</summary>
    public static string RoleName(AccountRole role) => role switch
    {
        AccountRole.PrimaryHolder => "primary-holder",
        AccountRole.BillingViewer => "billing-viewer",
        AccountRole.User => "user",
        _ => role.ToString(),
    };

    private static string ActionName(AccountAction action) => action switch
    {
        AccountAction.ViewBillingInfo => "view billing information",
        AccountAction.ViewInvoices => "view invoices",
        AccountAction.PayInvoices => "pay invoices",
        AccountAction.ChangeBillingInfo => "change billing information",
        AccountAction.ManagePaymentMethods => "change payment methods",
        AccountAction.ManageSubscriptions => "change subscriptions",
        AccountAction.ManageMembers => "change members",
        AccountAction.ChangeBillingContact => "change the billing contact",
        AccountAction.ManageRecipients => "change invoice or receipt recipients",
        AccountAction.ManageTaxSettings => "change tax settings",
        AccountAction.DecideTaxExemption => "decide a tax exemption",
        AccountAction.ViewAuditTrail => "list the audit trail",
        AccountAction.ManageTestClock => "attach a test clock",
        AccountAction.DisputeInvoices => "dispute invoices",
        AccountAction.ResolveDisputes => "resolve invoice disputes",
        AccountAction.EraseData => "erase personal data",
        AccountAction.VoidInvoices => "void invoices",
        _ => action.ToString(),
    };
}
