using System.Security.Claims;
using Subscriptions.Domain;
using Subscriptions.Domain.Accounts;

namespace Subscriptions.Grpc.Api.Auth;

/// <summary>
/// The "roles" claim vocabulary: global roles and "&lt;role&gt;:&lt;accountId&gt;" account roles (ACC-2). Account roles
/// are the domain's <see cref="AccountRole"/>, so tokens and accounts speak of the same roles.
/// </summary>
public static class RoleClaims
{
    /// <summary>The claim type of role claims in tokens.</summary>
    public const string ClaimType = "roles";

    /// <summary>The claim type of the caller's subject.</summary>
    public const string SubjectClaimType = "sub";

    /// <summary>The claim type of the caller's display name.</summary>
    public const string NameClaimType = "name";

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

    /// <summary>Prefix of the product administrator role on one account (QUO-5).</summary>
    public const string Administrator = "administrator";

    /// <summary>The caller a validated token describes; throws FormatException naming a missing subject or an unrecognised role.</summary>
    public static CallerIdentity ToIdentity(ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        var subject = principal.FindFirst(SubjectClaimType)?.Value;
        if (string.IsNullOrEmpty(subject))
        {
            throw new FormatException("token has no \"sub\" claim");
        }

        return ToIdentity(subject, principal.FindAll(ClaimType).Select(c => c.Value), principal.FindFirst(NameClaimType)?.Value);
    }

    /// <summary>Builds a caller from its role claims; throws FormatException naming an unrecognised role.</summary>
    public static CallerIdentity ToIdentity(string subject, IEnumerable<string> roles, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(roles);
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
            if (!perAccount.TryGetValue(accountId, out var held) || Strength(held) < Strength(accountRole))
            {
                perAccount[accountId] = accountRole;
            }
        }

        return new CallerIdentity(subject, global, perAccount) { Name = name };
    }

    /// <summary>The role claim strings that describe the caller, global roles first.</summary>
    public static IReadOnlyList<string> FromIdentity(CallerIdentity caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return
        [
            .. caller.GlobalRoles.Order(StringComparer.Ordinal),
            .. caller.AccountRoles.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => $"{Prefix(r.Value)}:{r.Key}"),
        ];
    }

    /// <summary>The claim prefix of an account role.</summary>
    public static string Prefix(AccountRole role) => role switch
    {
        AccountRole.PrimaryHolder => PrimaryHolder,
        AccountRole.BillingViewer => BillingViewer,
        AccountRole.User => User,
        AccountRole.Administrator => Administrator,
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "Unknown account role."),
    };

    /// <summary>How much a role may do: a user least, the primary holder most.</summary>
    private static int Strength(AccountRole role) => role switch
    {
        AccountRole.User or AccountRole.Administrator => 1,
        AccountRole.BillingViewer => 2,
        AccountRole.PrimaryHolder => 3,
        _ => 0,
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
            Administrator => AccountRole.Administrator,
            _ => null,
        };
        if (parsed is null || accountId.Length == 0)
        {
            throw new FormatException(
                $"Role {Quoted.Of(role)} is not recognised: expected \"{Ops}\", \"{Service}\" or \"<{PrimaryHolder}|{BillingViewer}|{User}|{Administrator}>:<accountId>\".");
        }

        return (parsed.Value, accountId);
    }
}
