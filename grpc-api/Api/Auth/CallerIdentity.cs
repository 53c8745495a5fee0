using Subscriptions.Domain.Accounts;

namespace Subscriptions.Grpc.Api.Auth;

/// <summary>The authenticated caller of a call: token subject, global roles and roles per account (ACC-2).</summary>
public sealed record CallerIdentity(
    string Subject,
    IReadOnlySet<string> GlobalRoles,
    IReadOnlyDictionary<string, AccountRole> AccountRoles)
{
    /// <summary>The display name from the token's "name" claim, if any.</summary>
    public string? Name { get; init; }

    /// <summary>True for billing ops, who act on any account.</summary>
    public bool IsOps => GlobalRoles.Contains(RoleClaims.Ops);

    /// <summary>True for a back-end service, which acts on any account.</summary>
    public bool IsService => GlobalRoles.Contains(RoleClaims.Service);

    /// <summary>The caller's role on the account, or null when it has none.</summary>
    public AccountRole? RoleOn(string accountId) =>
        AccountRoles.TryGetValue(accountId, out var role) ? role : null;

    /// <summary>True when the caller may perform the access on the account (ACC-2).</summary>
    public bool May(AccountAccess access, string accountId)
    {
        if (IsOps || IsService)
        {
            return true;
        }

        return (access, RoleOn(accountId)) switch
        {
            (_, AccountRole.PrimaryHolder) => true,
            (AccountAccess.Read or AccountAccess.Pay, AccountRole.BillingViewer) => true,
            _ => false,
        };
    }
}
