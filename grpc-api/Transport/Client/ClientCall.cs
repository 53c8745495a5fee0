using System.Globalization;
using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;
using Subscriptions.Grpc.Transport.Framing;

namespace Subscriptions.Grpc.Transport.Client;

/// <summary>One client call: the HTTP/2 exchange, its deadline, its response messages and its final status.</summary>
internal sealed class ClientCall : IDisposable
{
    // Response headers that belong to HTTP or to the gRPC protocol rather than to the call's metadata.
    private static readonly HashSet<string> ProtocolHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "content-type", "content-length", "date", "server", "grpc-status", "grpc-message", "grpc-encoding", "grpc-accept-encoding",
    };

    private readonly HttpResponseMessage _response;
    private readonly PipeReader _body;
    private readonly MessageReader _reader;
    private readonly CallTimer _timer;
    private readonly CancellationTokenRegistration _abortOnCancel;
    private RpcException? _failure;

    private ClientCall(HttpResponseMessage response, Stream body, CallTimer timer, int maxReceiveMessageSize)
    {
        _response = response;
        _timer = timer;
        var encoding = response.Headers.TryGetValues("grpc-encoding", out var values) ? values.FirstOrDefault() : null;
        _body = PipeReader.Create(body);
        _reader = new MessageReader(_body, maxReceiveMessageSize, encoding);
        ResponseHeaders = ToMetadata(response.Headers);

        // A cancelled or timed-out call resets its HTTP/2 stream (RST_STREAM CANCEL), so the server stops too.
        _abortOnCancel = timer.Token.Register(response.Dispose);
    }

    public Metadata ResponseHeaders { get; }

    /// <summary>The trailers, once the response has ended.</summary>
    public Metadata? Trailers { get; private set; }

    /// <summary>Sends the request and waits for the response headers.</summary>
    public static async Task<ClientCall> StartAsync(HttpClient http, string method, IMessage request, CallOptions options, GrpcClientOptions settings)
    {
        var timer = new CallTimer(settings.TimeProvider, options.Deadline, options.CancellationToken);
        try
        {
            using var message = new HttpRequestMessage(HttpMethod.Post, method)
            {
                Version = HttpVersion.Version20,
                VersionPolicy = HttpVersionPolicy.RequestVersionExact,
                Content = new ByteArrayContent(MessageWriter.ToFrame(request, settings.MaxSendMessageSize, settings.GzipRequests)),
            };
            message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
            message.Headers.TryAddWithoutValidation("te", "trailers");
            message.Headers.TryAddWithoutValidation("grpc-accept-encoding", GrpcEncodings.Accepted);
            message.Headers.TryAddWithoutValidation("user-agent", "subscriptions-grpc-client/1.0");
            if (settings.GzipRequests)
            {
                message.Headers.TryAddWithoutValidation("grpc-encoding", GrpcEncodings.Gzip);
            }

            if (timer.Remaining is { } remaining)
            {
                message.Headers.TryAddWithoutValidation("grpc-timeout", GrpcTimeout.Format(remaining));
            }

            foreach (var entry in options.Headers ?? [])
            {
                message.Headers.TryAddWithoutValidation(entry.Key, entry.ToHeaderValue());
            }

            timer.Token.ThrowIfCancellationRequested();
            var response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, timer.Token);
            try
            {
                EnsureGrpcResponse(response);
                var body = await response.Content.ReadAsStreamAsync(timer.Token);
                return new ClientCall(response, body, timer, settings.MaxReceiveMessageSize);
            }
            catch
            {
                response.Dispose();
                throw;
            }
        }
        catch (Exception exception) when (Translate(exception, timer) is { } rpc)
        {
            timer.Dispose();
            throw rpc;
        }
        catch
        {
            timer.Dispose();
            throw;
        }
    }

    /// <summary>Reads the next response message, or returns default once the response has ended (its status is then known).</summary>
    public async ValueTask<T?> ReadAsync<T>(MessageParser<T> parser, CancellationToken cancellationToken)
        where T : IMessage<T>
    {
        if (Trailers is not null)
        {
            return default;
        }

        try
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(_timer.Token, cancellationToken);
            var message = await _reader.ReadAsync(parser, linked.Token);
            if (message is null)
            {
                ReadStatus();
            }

            return message;
        }
        catch (Exception exception) when (Translate(exception, _timer) is { } rpc)
        {
            throw rpc;
        }
        catch (OperationCanceledException exception) when (cancellationToken.IsCancellationRequested)
        {
            _response.Dispose();
            throw new RpcException(StatusCode.Cancelled, "Call canceled by the client.", exception);
        }
    }

    /// <summary>Throws the call's non-OK status.</summary>
    public void ThrowIfFailed()
    {
        if (_failure is not null)
        {
            throw _failure;
        }
    }

    public void Dispose()
    {
        _abortOnCancel.Dispose();
        _response.Dispose();

        // Returns the reader's pooled buffers (and closes the body stream).
        _body.Complete();
        _timer.Dispose();
    }

    private void ReadStatus()
    {
        // Trailers-Only: the status travels in the one HEADERS frame.
        var statusSource = _response.Headers.Contains("grpc-status") ? _response.Headers : _response.TrailingHeaders;
        Trailers = ToMetadata(statusSource);
        if (!statusSource.TryGetValues("grpc-status", out var statusValues)
            || !int.TryParse(statusValues.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var code))
        {
            _failure = new RpcException(StatusCode.Internal, "No grpc-status found on response.", Trailers);
            return;
        }

        if (code != (int)StatusCode.OK)
        {
            var detail = statusSource.TryGetValues("grpc-message", out var messages) ? GrpcStatusMessage.Decode(messages.FirstOrDefault() ?? string.Empty) : string.Empty;
            var status = Enum.IsDefined((StatusCode)code) ? (StatusCode)code : StatusCode.Unknown;
            _failure = new RpcException(status, detail, Trailers);
        }
    }

    private static void EnsureGrpcResponse(HttpResponseMessage response)
    {
        if (response.Headers.Contains("grpc-status"))
        {
            return;
        }

        if (response.StatusCode != HttpStatusCode.OK)
        {
            // grpc/grpc doc/http-grpc-status-mapping.md: HTTP statuses of responses without grpc-status.
            var status = (int)response.StatusCode switch
            {
                400 => StatusCode.Internal,
                401 => StatusCode.Unauthenticated,
                403 => StatusCode.PermissionDenied,
                404 => StatusCode.Unimplemented,
                429 or 502 or 503 or 504 => StatusCode.Unavailable,
                _ => StatusCode.Unknown,
            };
            throw new RpcException(status, $"Bad gRPC response. HTTP status code: {(int)response.StatusCode}.");
        }

        var mediaType = response.Content.Headers.ContentType?.MediaType ?? string.Empty;
        if (!mediaType.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase))
        {
            throw new RpcException(StatusCode.Internal, $"Bad gRPC response. Invalid content-type value: '{mediaType}'.");
        }
    }

    private static RpcException? Translate(Exception exception, CallTimer timer)
    {
        if (exception is RpcException)
        {
            return null;
        }

        if (timer.DeadlineExceeded)
        {
            return new RpcException(StatusCode.DeadlineExceeded, "Deadline Exceeded", exception);
        }

        if (timer.Cancelled)
        {
            return new RpcException(StatusCode.Cancelled, "Call canceled by the client.", exception);
        }

        for (var inner = exception; inner is not null; inner = inner.InnerException)
        {
            if (inner is HttpProtocolException protocol)
            {
                return new RpcException(StatusOfReset(protocol.ErrorCode), $"The HTTP/2 stream was reset with error code {protocol.ErrorCode}.", exception);
            }
        }

        return exception is HttpRequestException or IOException
            ? new RpcException(StatusCode.Unavailable, $"Error talking to the server: {exception.Message}", exception)
            : null;
    }

    // PROTOCOL-HTTP2.md "Errors": RST_STREAM codes as seen by a client.
    private static StatusCode StatusOfReset(long errorCode) => errorCode switch
    {
        0x7 => StatusCode.Unavailable,       // REFUSED_STREAM
        0x8 => StatusCode.Cancelled,         // CANCEL
        0xb => StatusCode.ResourceExhausted, // ENHANCE_YOUR_CALM
        0xc => StatusCode.PermissionDenied,  // INADEQUATE_SECURITY
        _ => StatusCode.Internal,
    };

    private static Metadata ToMetadata(HttpHeaders headers)
    {
        var metadata = new Metadata();
        foreach (var (key, values) in headers)
        {
            if (ProtocolHeaders.Contains(key))
            {
                continue;
            }

            foreach (var value in values)
            {
                metadata.AddReceived(key.ToLowerInvariant(), value);
            }
        }

        return metadata;
    }
}
