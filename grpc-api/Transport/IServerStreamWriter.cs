namespace Subscriptions.Grpc.Transport;

/// <summary>Writes response messages of a streaming call, one at a time.</summary>
public interface IServerStreamWriter<in T>
{
    /// <summary>Sends one message; a second write must wait for the first to finish.</summary>
    Task WriteAsync(T message, CancellationToken cancellationToken = default);
}
