namespace Subscriptions.Grpc.Transport;

/// <summary>Maps a handler exception to a status; registered mappers run in order, the first non-null answer wins.</summary>
public interface IExceptionMapper
{
    /// <summary>The status for the exception, or null to let the next mapper (and then the defaults) decide.</summary>
    RpcException? Map(Exception exception, ServerCallContext context);
}
