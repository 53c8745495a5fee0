namespace Subscriptions.Grpc.Transport.Auth;

/// <summary>The "roles" claim vocabulary: global roles and "&lt;role&gt;:&lt;accountId&gt;" account roles (ACC-2).</summary>
public static class RoleClaims
{
    /// <summary>Billing ops: acts on any account.</summary>
    public const string Ops = "ops";

    /// <summary>Another back-end service acting on any account.</summary>
    public const string Service = "service";

    /// <summary>Prefix of the primary-holder role on one account.</summary>
    public const string PrimaryHolder = "primary-holder";

    /// <summary>Prefix of the billing-viewer role on one account.</summary>
    public const string BillingViewer = "billing-viewer";

    /// <summary>Prefix of the user role on one account.</summary>
    public const string User = "user";

    /// <summary>Builds a caller from its role claims; throws FormatException naming an unrecognised role.</summary>
    public static CallerIdentity ToIdentity(string subject, IEnumerable<string> roles, string? name = null)
    {
        var global = new HashSet<string>(StringComparer.Ordinal);
        var perAccount = new Dictionary<string, AccountRole>(StringComparer.Ordinal);
        foreach (var role in roles)
        {
            if (role is Ops or Service)
            {
                global.Add(role);
                continue;
            }

            var (accountRole, accountId) = ParseAccountRole(role);
            // A caller holding two roles on one account holds the stronger one.
            if (!perAccount.TryGetValue(accountId, out var held) || held < accountRole)
            {
                perAccount[accountId] = accountRole;
            }
        }

        return new CallerIdentity(subject, global, perAccount) { Name = name };
    }

    /// <summary>The role claim strings that describe the caller, global roles first.</summary>
    public static IReadOnlyList<string> FromIdentity(CallerIdentity caller) =>
    [
        .. caller.GlobalRoles.Order(StringComparer.Ordinal),
        .. caller.AccountRoles.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => $"{Prefix(r.Value)}:{r.Key}"),
    ];

    /// <summary>The claim prefix of an account role.</summary>
    public static string Prefix(AccountRole role) => role switch
    {
        AccountRole.PrimaryHolder => PrimaryHolder,
        AccountRole.BillingViewer => BillingViewer,
        AccountRole.User => User,
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "Unknown account role."),
    };

    private static (AccountRole Role, string AccountId) ParseAccountRole(string role)
    {
        var colon = role.IndexOf(':', StringComparison.Ordinal);
        var accountId = colon < 0 ? string.Empty : role[(colon + 1)..];
        var prefix = colon < 0 ? role : role[..colon];
        AccountRole? parsed = prefix switch
        {
            PrimaryHolder => AccountRole.PrimaryHolder,
            BillingViewer => AccountRole.BillingViewer,
            User => AccountRole.User,
            _ => null,
        };
        if (parsed is null || accountId.Length == 0)
        {
            throw new FormatException(
                $"Role \"{role}\" is not recognised: expected \"{Ops}\", \"{Service}\" or \"<{PrimaryHolder}|{BillingViewer}|{User}>:<accountId>\".");
        }

        return (parsed.Value, accountId);
    }
}
