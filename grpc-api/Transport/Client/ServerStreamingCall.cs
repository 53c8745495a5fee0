using System.Runtime.CompilerServices;
using Google.Protobuf;

namespace Subscriptions.Grpc.Transport.Client;

/// <summary>A server-streaming call in progress; disposing it before the end cancels it.</summary>
public sealed class ServerStreamingCall<TResponse> : IAsyncDisposable
    where TResponse : IMessage<TResponse>, new()
{
    private static readonly MessageParser<TResponse> Parser = new(() => new TResponse());
    private readonly ClientCall _call;

    internal ServerStreamingCall(ClientCall call) => _call = call;

    /// <summary>The response headers.</summary>
    public Metadata ResponseHeaders => _call.ResponseHeaders;

    /// <summary>The trailers; available once the stream has been read to its end.</summary>
    public Metadata Trailers => _call.Trailers ?? throw new InvalidOperationException("Trailers are only known after the response stream has been read to its end.");

    /// <summary>Reads every response message; a non-OK status is thrown as <see cref="RpcException"/> at the end.</summary>
    public async IAsyncEnumerable<TResponse> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (await _call.ReadAsync(Parser, cancellationToken) is { } message)
        {
            yield return message;
        }

        _call.ThrowIfFailed();
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _call.Dispose();
        return ValueTask.CompletedTask;
    }
}
