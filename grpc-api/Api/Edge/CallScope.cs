using Grpc.Core;
using Subscriptions.Domain.Accounts;
using Subscriptions.Grains;
using Subscriptions.Grpc.Api.Auth;

namespace Subscriptions.Grpc.Api.Edge;

/// <summary>The authenticated caller of a call as the domain sees it, and the request context grains see.</summary>
internal static class CallScope
{
    /// <summary>The acting subject; billing ops and back-end services act as ops (ACC-2).</summary>
    public static Actor ActorOf(ServerCallContext context)
    {
        var caller = EdgeInterceptor.Caller(context);
        return new Actor(caller.Subject, caller.IsOps || caller.IsService);
    }

    /// <summary>
    /// The token a read passes to its grains: none. A read answers from memory in well under a millisecond and changes
    /// nothing, so cancelling it when its caller goes away saves nothing, while passing the call's token makes the
    /// runtime watch it on every grain call: GetSubscription served about a sixth fewer reads with it
    /// (docs/benchmarks-grpc.md). Changes pass the call's token.
    /// </summary>
    public static CancellationToken Read => CancellationToken.None;

    /// <summary>Sets the caller and the client request id for the grain calls of this call (IDEM-1, history causes); dispose to end.</summary>
    public static IDisposable Enter(ServerCallContext context, string? requestId = null) =>
        CallContext.Enter(EdgeInterceptor.Caller(context).Subject, string.IsNullOrEmpty(requestId) ? null : requestId);
}
