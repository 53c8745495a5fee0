using Google.Protobuf;

namespace Subscriptions.Grpc.Transport.Server;

/// <summary>The response stream handed to streaming handlers.</summary>
internal sealed class ResponseStreamWriter<T>(GrpcCall call) : IServerStreamWriter<T>
    where T : IMessage<T>
{
    public Task WriteAsync(T message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        return call.WriteStreamMessageAsync(message, cancellationToken);
    }
}

/// <summary>The request stream handed to duplex handlers.</summary>
internal sealed class RequestStreamReader<T>(GrpcCall call, MessageParser<T> parser) : IAsyncStreamReader<T>
    where T : IMessage<T>
{
    private T? _current;

    public T Current => _current ?? throw new InvalidOperationException("No current request message: call MoveNext first and only read Current after it returned true.");

    public async Task<bool> MoveNext(CancellationToken cancellationToken)
    {
        _current = await call.ReadRequestAsync(parser, cancellationToken);
        return _current is not null;
    }
}
