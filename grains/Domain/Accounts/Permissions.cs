namespace Subscriptions.Domain.Accounts;

/// <summary>
/// The one permission table (ACC-2): for each action on an account, its subscriptions or its invoices, the account
/// roles that may take it. Billing ops may take every action; the service acts on its own events (reminders, payments),
/// never as a customer. The gRPC edge, the account, subscription and invoice grains all ask here.
/// </summary>
public static class Permissions
{
    private static readonly AccountRole[] HolderOrViewer = [AccountRole.PrimaryHolder, AccountRole.BillingViewer];
    private static readonly AccountRole[] HolderOnly = [AccountRole.PrimaryHolder];
    private static readonly AccountRole[] OpsOnly = [];

    /// <summary>Each action and the account roles, besides billing ops, that may take it.</summary>
    public static IReadOnlyDictionary<AccountAction, IReadOnlyList<AccountRole>> Table { get; } = new Dictionary<AccountAction, IReadOnlyList<AccountRole>>
    {
        [AccountAction.ViewBillingInfo] = HolderOrViewer,
        [AccountAction.ViewInvoices] = HolderOrViewer,
        [AccountAction.ViewSubscriptions] = HolderOrViewer,
        [AccountAction.PayInvoices] = HolderOrViewer,
        [AccountAction.ManageRecipients] = HolderOrViewer,
        [AccountAction.ChangeBillingInfo] = HolderOnly,
        [AccountAction.ManagePaymentMethods] = HolderOnly,
        [AccountAction.ManageSubscriptions] = HolderOnly,
        [AccountAction.ManageMembers] = HolderOnly,
        [AccountAction.ChangeBillingContact] = HolderOnly,
        [AccountAction.ManageTaxSettings] = HolderOnly,
        [AccountAction.ManageTestClock] = HolderOnly,
        [AccountAction.DisputeInvoices] = HolderOnly,
        [AccountAction.DecideTaxExemption] = OpsOnly,
        [AccountAction.ViewAuditTrail] = OpsOnly,
        [AccountAction.ResolveDisputes] = OpsOnly,
        [AccountAction.EraseData] = OpsOnly,
        [AccountAction.VoidInvoices] = OpsOnly,
        [AccountAction.ViewQuotes] = HolderOrViewer,
        [AccountAction.AnswerQuotes] = HolderOnly,
        [AccountAction.WriteQuotes] = OpsOnly,
    };

    /// <summary>The account roles, besides billing ops, that may take <paramref name="action"/>.</summary>
    public static IReadOnlyList<AccountRole> RolesFor(AccountAction action) =>
        Table.TryGetValue(action, out var roles) ? roles : throw new ArgumentOutOfRangeException(nameof(action), action, "The permission table has no row for this action.");

    /// <summary>True when a member with <paramref name="role"/> may take <paramref name="action"/>.</summary>
    public static bool Allows(AccountRole role, AccountAction action) => RolesFor(action).Contains(role);

    /// <summary>True when <paramref name="caller"/> may take <paramref name="action"/>: billing ops always, the service never, a member by the table.</summary>
    public static bool Allows(CallerAuthority caller, AccountAction action) => caller switch
    {
        CallerAuthority.BillingOps => true,
        CallerAuthority.PrimaryHolder => Allows(AccountRole.PrimaryHolder, action),
        CallerAuthority.BillingViewer => Allows(AccountRole.BillingViewer, action),
        CallerAuthority.User => Allows(AccountRole.User, action),
        _ => false,
    };

    /// <summary>Who may take <paramref name="action"/>, for refusals: "the primary holder or billing ops".</summary>
    public static string WhoMay(AccountAction action) => RolesFor(action) switch
    {
        [] => "billing ops",
        [AccountRole.PrimaryHolder] => "the primary holder or billing ops",
        var roles => $"the primary holder, {string.Join(", ", roles.Where(r => r != AccountRole.PrimaryHolder).Select(r => Account.RoleName(r).Replace('-', ' ') + "s"))} or billing ops",
    };

    /// <summary>The action in words, e.g. "change subscriptions".</summary>
    public static string Describe(AccountAction action) => action switch
    {
        AccountAction.ViewBillingInfo => "view billing information",
        AccountAction.ViewInvoices => "view invoices",
        AccountAction.ViewSubscriptions => "read subscriptions",
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
        AccountAction.ViewQuotes => "read quotes and orders",
        AccountAction.AnswerQuotes => "accept or reject quotes and order seats",
        AccountAction.WriteQuotes => "write and send quotes",
        _ => action.ToString(),
    };
}
