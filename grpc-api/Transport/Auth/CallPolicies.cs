using Subscriptions.Grpc.Transport.Errors;

namespace Subscriptions.Grpc.Transport.Auth;

/// <summary>Authorization policies for bearer-token callers (ACC-2).</summary>
public static class CallPolicies
{
    /// <summary>The rule every refusal names.</summary>
    public const string AccessRule = "ACC-2";

    /// <summary>Any caller with a valid token.</summary>
    public static ICallAuthorization Authenticated { get; } = new AuthenticatedPolicy();

    /// <summary>Billing ops or a back-end service.</summary>
    public static ICallAuthorization Ops { get; } = new OpsPolicy();

    /// <summary>A caller whose role on the request's account allows the access, or ops, or a service.</summary>
    public static ICallAuthorization Account<TRequest>(Func<TRequest, string> accountId, AccountAccess access)
        where TRequest : class
    {
        ArgumentNullException.ThrowIfNull(accountId);
        return new AccountPolicy<TRequest>(accountId, access);
    }

    private sealed class AuthenticatedPolicy : ICallAuthorization
    {
        public ValueTask AuthorizeAsync(ServerCallContext context, object? request)
        {
            CallerContext.Authenticate(context);
            return ValueTask.CompletedTask;
        }
    }

    private sealed class OpsPolicy : ICallAuthorization
    {
        public ValueTask AuthorizeAsync(ServerCallContext context, object? request)
        {
            var caller = CallerContext.Authenticate(context);
            if (!caller.IsOps && !caller.IsService)
            {
                throw RichErrors.PermissionDenied(
                    AccessRule,
                    $"{AccessRule}: caller \"{caller.Subject}\" needs the \"{RoleClaims.Ops}\" or \"{RoleClaims.Service}\" role for {context.Method}",
                    new Dictionary<string, string> { ["method"] = context.Method });
            }

            return ValueTask.CompletedTask;
        }
    }

    private sealed class AccountPolicy<TRequest>(Func<TRequest, string> selectAccountId, AccountAccess access) : ICallAuthorization
        where TRequest : class
    {
        public ValueTask AuthorizeAsync(ServerCallContext context, object? request)
        {
            if (request is not TRequest typed)
            {
                throw new InvalidOperationException(
                    $"Method {context.Method} has an account policy for {typeof(TRequest).Name} requests but was given {request?.GetType().Name ?? "no request"}; account policies need a single request message.");
            }

            var caller = CallerContext.Authenticate(context);
            var accountId = selectAccountId(typed);
            if (string.IsNullOrEmpty(accountId))
            {
                throw new RpcException(StatusCode.InvalidArgument, $"{AccessRule}: the request names no account, so access to it cannot be granted");
            }

            if (!caller.May(access, accountId))
            {
                var held = caller.RoleOn(accountId) is { } role ? $"\"{RoleClaims.Prefix(role)}\"" : "no role";
                throw RichErrors.PermissionDenied(
                    AccessRule,
                    $"{AccessRule}: caller \"{caller.Subject}\" has {held} on account \"{accountId}\"; {Verb(access)} needs {Needed(access)}",
                    new Dictionary<string, string> { ["account_id"] = accountId, ["access"] = access.ToString() });
            }

            return ValueTask.CompletedTask;
        }

        private static string Verb(AccountAccess access) => access switch
        {
            AccountAccess.Read => "reading it",
            AccountAccess.Pay => "paying its invoices",
            AccountAccess.ManageBilling => "changing its billing",
            _ => throw new ArgumentOutOfRangeException(nameof(access), access, "Unknown account access."),
        };

        private static string Needed(AccountAccess access) => access switch
        {
            AccountAccess.Read or AccountAccess.Pay =>
                $"\"{RoleClaims.PrimaryHolder}\" or \"{RoleClaims.BillingViewer}\" on the account, or \"{RoleClaims.Ops}\" or \"{RoleClaims.Service}\"",
            AccountAccess.ManageBilling =>
                $"\"{RoleClaims.PrimaryHolder}\" on the account, or \"{RoleClaims.Ops}\" or \"{RoleClaims.Service}\"",
            _ => throw new ArgumentOutOfRangeException(nameof(access), access, "Unknown account access."),
        };
    }
}
