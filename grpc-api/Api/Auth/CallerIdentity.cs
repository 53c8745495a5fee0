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

    /// <summary>True when the caller may take <paramref name="action"/> on the account by the domain's permission table (ACC-2); ops and services may take any.</summary>
    public bool May(AccountAction action, string accountId) =>
        IsOps || IsService || (RoleOn(accountId) is { } role && Permissions.Allows(role, action));
}
