using Google.Protobuf;

namespace Subscriptions.Grpc.Transport.Errors;

/// <summary>Reads the google.rpc.Status and its details back from an RpcException's trailers.</summary>
public static class RichStatus
{
    /// <summary>The status from the grpc-status-details-bin trailer, or null when there is none; throws when it is not a google.rpc.Status.</summary>
    public static Google.Rpc.Status? GetRichStatus(this RpcException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var bytes = exception.Trailers.GetValueBytes(RichErrors.StatusDetailsTrailer);
        return bytes is null ? null : Google.Rpc.Status.Parser.ParseFrom(bytes);
    }

    /// <summary>The first detail of the given type, or null.</summary>
    public static T? GetDetail<T>(this Google.Rpc.Status status)
        where T : class, IMessage<T>, new()
    {
        ArgumentNullException.ThrowIfNull(status);
        var descriptor = new T().Descriptor;
        return status.Details.FirstOrDefault(d => d.Is(descriptor))?.Unpack<T>();
    }
}
