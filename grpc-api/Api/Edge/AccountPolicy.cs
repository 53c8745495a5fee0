using Subscriptions.Grpc.Api.V1;
using Subscriptions.Grpc.Transport;
using Subscriptions.Grpc.Transport.Auth;
using Subscriptions.Grpc.Transport.Errors;

namespace Subscriptions.Grpc.Api.Edge;

/// <summary>
/// The ACC-2 account policy of <see cref="CallPolicies.Account{TRequest}"/> for requests naming an account, after
/// checking that the request names one at all, so a missing account_id is an INVALID_ARGUMENT naming the field.
/// </summary>
internal sealed class AccountPolicy(AccountAccess access) : ICallAuthorization
{
    private readonly ICallAuthorization _inner = CallPolicies.Account<IAccountRequest>(request => request.AccountId, access);

    /// <summary>Callers with <paramref name="access"/> on the request's account, or ops, or a service (ACC-2).</summary>
    public static ICallAuthorization For(AccountAccess access) => new AccountPolicy(access);

    /// <inheritdoc />
    public ValueTask AuthorizeAsync(ServerCallContext context, object? request)
    {
        if (request is IAccountRequest { AccountId.Length: 0 })
        {
            CallerContext.Authenticate(context);
            throw RichErrors.InvalidArgument("invalid request: account_id is required", [("account_id", "is required")]);
        }

        return _inner.AuthorizeAsync(context, request);
    }
}
