namespace Subscriptions.Grpc.Transport;

/// <summary>Decides whether a call may run; every registered method has one.</summary>
public interface ICallAuthorization
{
    /// <summary>Returns when allowed; throws <see cref="RpcException"/> (UNAUTHENTICATED or PERMISSION_DENIED) otherwise. The request is null for client-streaming calls.</summary>
    ValueTask AuthorizeAsync(ServerCallContext context, object? request);
}
