namespace Subscriptions.Grpc.Transport.Server;

/// <summary>Turns whatever a call threw into the status sent to the client: registered mappers first, then the defaults.</summary>
internal sealed class CallStatusMapper(IEnumerable<IExceptionMapper> mappers)
{
    /// <summary>The detail of UNKNOWN: nothing of the exception leaks to the client.</summary>
    public const string UnhandledDetail = "Exception was thrown by handler.";

    private readonly IExceptionMapper[] _mappers = [.. mappers];

    public RpcException Map(Exception exception, ServerCallContext context, CallCancellation cancellation)
    {
        foreach (var mapper in _mappers)
        {
            if (mapper.Map(exception, context) is { } mapped)
            {
                return mapped;
            }
        }

        return exception switch
        {
            RpcException rpc => rpc,
            _ when cancellation.DeadlineExceeded => new RpcException(StatusCode.DeadlineExceeded, "Deadline Exceeded"),
            _ when cancellation.ClientGone => new RpcException(StatusCode.Cancelled, "Call canceled by the client."),
            OperationCanceledException when cancellation.ServerStopping => new RpcException(StatusCode.Unavailable, "The server is shutting down."),
            _ => new RpcException(StatusCode.Unknown, UnhandledDetail),
        };
    }
}
