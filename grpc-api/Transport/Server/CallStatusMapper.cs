using Microsoft.Extensions.Logging;

namespace Subscriptions.Grpc.Transport.Server;

/// <summary>Turns whatever a call threw into the status sent to the client: registered mappers first, then the defaults.</summary>
internal sealed partial class CallStatusMapper(IEnumerable<IExceptionMapper> mappers, ILogger<CallStatusMapper> logger)
{
    /// <summary>The detail of UNKNOWN: nothing of the exception leaks to the client.</summary>
    private const string UnhandledDetail = "Exception was thrown by handler.";

    private readonly IExceptionMapper[] _mappers = [.. mappers];

    /// <summary>The status for the exception; an exception nothing maps is logged and answered UNKNOWN.</summary>
    public RpcException Map(Exception exception, ServerCallContext context, CallCancellation cancellation)
    {
        foreach (var mapper in _mappers)
        {
            RpcException? mapped;
            try
            {
                mapped = mapper.Map(exception, context);
            }
            catch (Exception mapperFailure)
            {
                LogMapperFailed(logger, mapperFailure, mapper.GetType().Name, context.Method, exception.GetType().Name);
                return new RpcException(StatusCode.Unknown, UnhandledDetail);
            }

            if (mapped is not null)
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
            _ => Unhandled(exception, context.Method),
        };
    }

    private RpcException Unhandled(Exception exception, string method)
    {
        LogUnhandled(logger, exception, method);
        return new RpcException(StatusCode.Unknown, UnhandledDetail);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "gRPC call {Method} failed with an unhandled exception; answered UNKNOWN.")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method);

    [LoggerMessage(Level = LogLevel.Error, Message = "Exception mapper {Mapper} threw while mapping the failure of gRPC call {Method} ({Failure}); answered UNKNOWN.")]
    private static partial void LogMapperFailed(ILogger logger, Exception exception, string mapper, string method, string failure);
}
