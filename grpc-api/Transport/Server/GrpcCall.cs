using Google.Protobuf;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Subscriptions.Grpc.Transport.Framing;

namespace Subscriptions.Grpc.Transport.Server;

/// <summary>One call in progress: reads request messages, writes response messages, and ends with the status.</summary>
internal sealed partial class GrpcCall(
    HttpContext http,
    ServerCallContext context,
    CallCancellation cancellation,
    MessageReader requestReader,
    int maxSendMessageSize,
    bool gzipResponses)
{
    private bool _messagesSent;
    private int _writing;

    public ServerCallContext Context { get; } = context;

    /// <summary>Reads the single request message of a unary or server-streaming call.</summary>
    public async ValueTask<T> ReadSingleRequestAsync<T>(MessageParser<T> parser)
        where T : IMessage<T>
    {
        var request = await requestReader.ReadAsync(parser, cancellation.Token)
            ?? throw new RpcException(StatusCode.Internal, "Request message not received: a unary request carries exactly one message.");
        await requestReader.ExpectEndAsync(cancellation.Token);
        return request;
    }

    /// <summary>Reads the next message of a request stream, or default at its end.</summary>
    public async ValueTask<T?> ReadRequestAsync<T>(MessageParser<T> parser, CancellationToken cancellationToken)
        where T : IMessage<T>
    {
        using var linked = LinkWithCall(cancellationToken);
        return await requestReader.ReadAsync(parser, linked?.Token ?? cancellation.Token);
    }

    /// <summary>Writes the one response message of a unary call, sent with the status; at shutdown it still goes out, as the work behind it is done.</summary>
    public void WriteUnaryResponse(IMessage message)
    {
        ThrowIfCallEnded();
        WriteFrame(message);
    }

    /// <summary>Writes and flushes one message of a response stream; the first write sends the response headers.</summary>
    public async Task WriteStreamMessageAsync(IMessage message, CancellationToken cancellationToken)
    {
        cancellation.Token.ThrowIfCancellationRequested();
        if (Interlocked.Exchange(ref _writing, 1) == 1)
        {
            throw new InvalidOperationException($"A write on {Context.Method} is still in progress: await each WriteAsync before the next.");
        }

        try
        {
            WriteFrame(message);
            using var linked = LinkWithCall(cancellationToken);
            await http.Response.BodyWriter.FlushAsync(linked?.Token ?? cancellation.Token);
        }
        finally
        {
            Volatile.Write(ref _writing, 0);
        }
    }

    /// <summary>Runs the handler and ends the call with the resulting status.</summary>
    public async Task RunAsync(MethodHandler handler, CallStatusMapper statusMapper, ILogger logger)
    {
        RpcException? failure = null;
        try
        {
            await handler.HandleAsync(this);

            // A handler that ignored its token still ends with DEADLINE_EXCEEDED, as its client sees the call (after a
            // reset nothing more is sent). One that finished during shutdown has its answer sent: the client still waits for it.
            ThrowIfCallEnded();
        }
        catch (Exception exception)
        {
            failure = statusMapper.Map(exception, Context, cancellation);
        }

        // A stream the client reset can carry nothing more.
        if (!cancellation.ClientGone)
        {
            GrpcResponse.WriteStatus(http.Response, _messagesSent, failure, Context);
        }

        LogFinished(logger, Context.Method, Context.Peer, failure?.StatusCode ?? StatusCode.OK);
    }

    private void WriteFrame(IMessage message)
    {
        var size = MessageWriter.Measure(message, maxSendMessageSize);
        if (!_messagesSent)
        {
            GrpcResponse.SetHeaders(http.Response, gzipResponses ? GrpcEncodings.Gzip : null, Context.ResponseHeaders);
        }

        MessageWriter.Write(http.Response.BodyWriter, message, size, gzipResponses);
        _messagesSent = true;
    }

    // The deadline passed or the client reset the stream: the call is over, whatever the handler does next.
    private void ThrowIfCallEnded()
    {
        if (cancellation.DeadlineExceeded || cancellation.ClientGone)
        {
            throw new OperationCanceledException(cancellation.Token);
        }
    }

    // Handlers mostly pass the call's own token (context.CancellationToken) or none: only another token needs a linked source.
    private CancellationTokenSource? LinkWithCall(CancellationToken cancellationToken) =>
        cancellationToken.CanBeCanceled && cancellationToken != cancellation.Token
            ? CancellationTokenSource.CreateLinkedTokenSource(cancellation.Token, cancellationToken)
            : null;

    [LoggerMessage(Level = LogLevel.Debug, Message = "gRPC call {Method} from {Peer} finished with status {Status}.")]
    private static partial void LogFinished(ILogger logger, string method, string peer, StatusCode status);
}
