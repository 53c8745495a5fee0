using Google.Protobuf;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.AspNetCore.Http;
using Subscriptions.Grpc.Api.Edge;

namespace Subscriptions.Grpc.Api.Auth;

/// <summary>
/// The edge of every call, in this order, before the method runs: (1) find the method's <see cref="AccessRuleAttribute"/>
/// (none: allowed only for the anonymous standard services, refused otherwise, so a new method without a rule is closed,
/// not open); (2) authenticate the bearer token (UNAUTHENTICATED); (3) check every field of the request against its limit:
/// string length, integer range, timestamp range (INVALID_ARGUMENT naming the field, <see cref="FieldLimits"/>); (4) apply the rule (PERMISSION_DENIED).
/// The caller is then available to the method through <see cref="Caller(ServerCallContext)"/>.
/// </summary>
public sealed class EdgeInterceptor : Interceptor
{
    /// <summary>Services anyone may call without a token: health checks and server reflection.</summary>
    public static readonly IReadOnlySet<string> AnonymousServices = new HashSet<string>(StringComparer.Ordinal)
    {
        "grpc.health.v1.Health",
        "grpc.reflection.v1.ServerReflection",
        "grpc.reflection.v1alpha.ServerReflection",
    };

    private static readonly object CallerKey = new();

    /// <summary>The authenticated caller of the current call; throws for an anonymous method.</summary>
    public static CallerIdentity Caller(ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.UserState.TryGetValue(CallerKey, out var caller) && caller is CallerIdentity identity
            ? identity
            : throw new InvalidOperationException($"Method {context.Method} has no authenticated caller: it carries no access rule.");
    }

    /// <inheritdoc />
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        await AdmitAsync(request, context);
        return await continuation(request, context);
    }

    /// <inheritdoc />
    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        await AdmitAsync(request, context);
        await continuation(request, responseStream, context);
    }

    /// <inheritdoc />
    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        await AdmitAsync<object>(null, context);
        return await continuation(requestStream, context);
    }

    /// <inheritdoc />
    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        await AdmitAsync<object>(null, context);
        await continuation(requestStream, responseStream, context);
    }

    private static async Task AdmitAsync<TRequest>(TRequest? request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var http = context.GetHttpContext();
        var rule = http.GetEndpoint()?.Metadata.GetMetadata<AccessRuleAttribute>();
        if (rule is null)
        {
            if (AnonymousServices.Contains(ServiceOf(context.Method)))
            {
                return;
            }

            throw new RpcException(new Status(StatusCode.PermissionDenied, $"{AccessRuleAttribute.AccessRule}: method {context.Method} has no access rule, so nobody may call it"));
        }

        var caller = await BearerTokens.AuthenticateAsync(http);
        if (request is IMessage message)
        {
            FieldLimits.ThrowIfOutOfLimits(message);
        }

        rule.Authorize(caller, request, context.Method);
        context.UserState[CallerKey] = caller;
    }

    private static string ServiceOf(string method)
    {
        var path = method.AsSpan().TrimStart('/');
        var slash = path.IndexOf('/');
        return slash < 0 ? path.ToString() : path[..slash].ToString();
    }
}
