using Grpc.Core;
using Subscriptions.Domain;
using Subscriptions.Domain.Accounts;
using Subscriptions.Grpc.Api.Errors;
using Subscriptions.Grpc.Api.V1;

namespace Subscriptions.Grpc.Api.Auth;

/// <summary>
/// Who may call a gRPC method (ACC-2). Every method of the subscriptions.v1 services carries exactly one rule; the
/// <see cref="EdgeInterceptor"/> authenticates the caller and applies it before the method runs. A method without a
/// rule is refused unless its service is one of the anonymous standard services (health, reflection).
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public abstract class AccessRuleAttribute : Attribute
{
    /// <summary>The rule every refusal names.</summary>
    public const string AccessRule = Rules.Acc2;

    /// <summary>Throws PERMISSION_DENIED (or INVALID_ARGUMENT for a request that names no account) when the caller may not call.</summary>
    public abstract void Authorize(CallerIdentity caller, object? request, string method);
}

/// <summary>Any caller with a valid token (the domain decides the rest, e.g. who may open an account).</summary>
public sealed class AnyCallerAttribute : AccessRuleAttribute
{
    /// <inheritdoc />
    public override void Authorize(CallerIdentity caller, object? request, string method)
    {
    }
}

/// <summary>Billing ops or a back-end service.</summary>
public sealed class OpsOnlyAttribute : AccessRuleAttribute
{
    /// <inheritdoc />
    public override void Authorize(CallerIdentity caller, object? request, string method)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!caller.IsOps && !caller.IsService)
        {
            throw RichErrors.PermissionDenied(
                AccessRule,
                $"{AccessRule}: caller {Quoted.Of(caller.Subject)} needs the \"{RoleClaims.Ops}\" or \"{RoleClaims.Service}\" role for {method}",
                new Dictionary<string, string> { ["method"] = method });
        }
    }
}

/// <summary>
/// A caller whose role on the request's account (its account_id) may take <see cref="Action"/> by the domain's one
/// permission table (<see cref="Permissions"/>), or ops, or a service.
/// </summary>
/// <param name="action">What the method does to the account.</param>
public sealed class OnAccountAttribute(AccountAction action) : AccessRuleAttribute
{
    /// <summary>What the method does to the account.</summary>
    public AccountAction Action { get; } = action;

    /// <inheritdoc />
    public override void Authorize(CallerIdentity caller, object? request, string method)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (request is not IAccountRequest addressed)
        {
            throw new InvalidOperationException(
                $"Method {method} has an account rule but its request {request?.GetType().Name ?? "(none)"} names no account; account rules need a single IAccountRequest message.");
        }

        if (addressed.AccountId.Length == 0)
        {
            throw RichErrors.InvalidArgument("invalid request: account_id is required", [("account_id", "is required")]);
        }

        if (!caller.May(Action, addressed.AccountId))
        {
            var held = caller.RoleOn(addressed.AccountId) is { } role ? $"\"{RoleClaims.Prefix(role)}\"" : "no role";
            throw RichErrors.PermissionDenied(
                AccessRule,
                $"{AccessRule}: caller {Quoted.Of(caller.Subject)} has {held} on account {Quoted.Of(addressed.AccountId)}; to {Permissions.Describe(Action)} needs {Needed(Action)}",
                new Dictionary<string, string> { ["account_id"] = Quoted.Cut(addressed.AccountId), ["action"] = Action.ToString() });
        }
    }

    private static string Needed(AccountAction action) =>
        string.Join(" or ", Permissions.RolesFor(action).Select(r => $"\"{RoleClaims.Prefix(r)}\"")) is { Length: > 0 } roles
            ? $"{roles} on the account, or \"{RoleClaims.Ops}\" or \"{RoleClaims.Service}\""
            : $"\"{RoleClaims.Ops}\" or \"{RoleClaims.Service}\"";
}
