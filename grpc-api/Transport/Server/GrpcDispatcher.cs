using System.Net.Sockets;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Subscriptions.Grpc.Transport.Framing;

namespace Subscriptions.Grpc.Transport.Server;

/// <summary>Middleware that routes "/package.Service/Method" to registered handlers and refuses what a standard gRPC server refuses.</summary>
internal sealed partial class GrpcDispatcher(
    RequestDelegate next,
    GrpcServiceRegistry registry,
    IOptions<GrpcTransportOptions> options,
    TimeProvider timeProvider,
    IHostApplicationLifetime lifetime,
    CallStatusMapper statusMapper,
    ILogger<GrpcDispatcher> logger)
{
    // Request headers that belong to HTTP/2 or to the gRPC protocol, not to the call's metadata.
    private static readonly HashSet<string> ProtocolHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "content-type", "content-length", "te", "host", "grpc-timeout", "grpc-encoding", "grpc-accept-encoding",
    };

    public async Task InvokeAsync(HttpContext http)
    {
        var request = http.Request;
        var path = request.Path.Value ?? string.Empty;
        registry.TryGetMethod(path, out var handler);
        var contentType = request.ContentType ?? string.Empty;
        if (!HttpMethods.IsPost(request.Method) || (handler is null && !contentType.StartsWith(GrpcResponse.ContentType, StringComparison.OrdinalIgnoreCase)))
        {
            await next(http);
            return;
        }

        if (handler is null)
        {
            Refuse(http, path, ProtocolRefusal(request) ?? UnimplementedRefusal(path));
            return;
        }

        if ((ProtocolRefusal(request) ?? CallRefusal(request)) is { } refusal)
        {
            Refuse(http, path, refusal);
            return;
        }

        Metadata metadata;
        try
        {
            metadata = ReadMetadata(request.Headers);
        }
        catch (FormatException exception)
        {
            Refuse(http, path, new(StatusCodes.Status200OK, StatusCode.Internal, exception.Message));
            return;
        }

        await RunAsync(http, handler, metadata, ReadTimeout(request, path));
    }

    private async Task RunAsync(HttpContext http, MethodHandler handler, Metadata metadata, TimeSpan? timeout)
    {
        var settings = options.Value;
        using var cancellation = new CallCancellation(timeProvider, timeout, http.RequestAborted, lifetime.ApplicationStopping);
        var context = new ServerCallContext(handler.Path, metadata, cancellation.Deadline, PeerOf(http.Connection), http.RequestServices, cancellation.Token);
        var requestEncoding = http.Request.Headers["grpc-encoding"].ToString();
        var reader = new MessageReader(http.Request.BodyReader, settings.MaxReceiveMessageSize, requestEncoding);
        var gzipResponses = GrpcEncodings.IsGzip(settings.ResponseCompression)
            && GrpcEncodings.AcceptsGzip(http.Request.Headers["grpc-accept-encoding"].ToString());
        var call = new GrpcCall(http, context, cancellation, reader, settings.MaxSendMessageSize, gzipResponses);
        await call.RunAsync(handler, statusMapper, logger);
    }

    // As in grpc-dotnet, a malformed grpc-timeout is ignored (the call runs without a deadline) and logged, not refused.
    private TimeSpan? ReadTimeout(HttpRequest request, string path)
    {
        var header = request.Headers["grpc-timeout"].ToString();
        if (header.Length == 0)
        {
            return null;
        }

        if (GrpcTimeout.TryParse(header, out var timeout))
        {
            return timeout;
        }

        LogBadTimeout(logger, path, header);
        return null;
    }

    private void Refuse(HttpContext http, string path, Refusal refusal)
    {
        GrpcResponse.WriteRefusal(http.Response, refusal.HttpStatus, refusal.Status, refusal.Detail);
        if (refusal.HttpStatus == StatusCodes.Status426UpgradeRequired)
        {
            http.Response.Headers.Upgrade = http.Request.IsHttps ? "h2" : "h2c";
        }

        LogRefused(logger, path, refusal.Status, refusal.Detail);
    }

    // What any gRPC request is refused for, as grpc-dotnet answers it: the wrong media type or HTTP/1.x.
    private static Refusal? ProtocolRefusal(HttpRequest request)
    {
        var contentType = request.ContentType ?? string.Empty;
        if (!IsProtobufGrpc(contentType))
        {
            return new(StatusCodes.Status415UnsupportedMediaType, StatusCode.Internal, $"Content-Type '{contentType}' is not supported.");
        }

        return HttpProtocol.IsHttp2(request.Protocol) || HttpProtocol.IsHttp3(request.Protocol)
            ? null
            : new(StatusCodes.Status426UpgradeRequired, StatusCode.Internal, $"Request protocol '{request.Protocol}' is not supported.");
    }

    private Refusal UnimplementedRefusal(string path)
    {
        var service = path.Split('/', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? string.Empty;
        return registry.HasService(service)
            ? new(StatusCodes.Status200OK, StatusCode.Unimplemented, $"Method {path} is unimplemented.")
            : new(StatusCodes.Status200OK, StatusCode.Unimplemented, $"Service {service} is unimplemented.");
    }

    private Refusal? CallRefusal(HttpRequest request)
    {
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return new(StatusCodes.Status200OK, StatusCode.Unavailable, "The server is shutting down.");
        }

        var encoding = request.Headers["grpc-encoding"].ToString();

        // PROTOCOL-HTTP2.md: an unsupported message encoding is answered UNIMPLEMENTED, with grpc-accept-encoding listing ours.
        return GrpcEncodings.IsSupported(encoding)
            ? null
            : new(StatusCodes.Status200OK, StatusCode.Unimplemented, $"Unsupported grpc-encoding value '{encoding}'. Supported encodings: {GrpcEncodings.Accepted}.");
    }

    // "application/grpc" or "application/grpc+proto", parameters allowed; grpc-web and +json are other protocols.
    private static bool IsProtobufGrpc(string contentType)
    {
        var span = contentType.AsSpan();
        var separator = span.IndexOf(';');
        var mediaType = (separator < 0 ? span : span[..separator]).Trim();
        return mediaType.Equals(GrpcResponse.ContentType, StringComparison.OrdinalIgnoreCase)
            || mediaType.Equals(GrpcResponse.ContentType + "+proto", StringComparison.OrdinalIgnoreCase);
    }

    private static Metadata ReadMetadata(IHeaderDictionary headers)
    {
        var metadata = new Metadata();
        foreach (var (key, values) in headers)
        {
            if (key.StartsWith(':') || ProtocolHeaders.Contains(key))
            {
                continue;
            }

            // Kestrel names known headers in Pascal case ("User-Agent"); metadata keys are lower-case, as on the wire.
            var name = key.ToLowerInvariant();
            var binary = Metadata.IsBinaryKey(name);
            foreach (var value in values)
            {
                if (!binary)
                {
                    metadata.AddReceived(name, value ?? string.Empty);
                    continue;
                }

                // A binary header may carry several comma-separated base64 values.
                foreach (var part in (value ?? string.Empty).Split(','))
                {
                    metadata.AddReceived(name, part);
                }
            }
        }

        return metadata;
    }

    private static string PeerOf(ConnectionInfo connection)
    {
        var address = connection.RemoteIpAddress;
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        return address.AddressFamily == AddressFamily.InterNetworkV6
            ? $"ipv6:[{address}]:{connection.RemotePort}"
            : $"ipv4:{address}:{connection.RemotePort}";
    }

    private readonly record struct Refusal(int HttpStatus, StatusCode Status, string Detail);

    [LoggerMessage(Level = LogLevel.Debug, Message = "gRPC request {Path} refused with {Status}: {Detail}")]
    private static partial void LogRefused(ILogger logger, string path, StatusCode status, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "gRPC request {Path} carries a malformed grpc-timeout '{Timeout}'; it runs without a deadline.")]
    private static partial void LogBadTimeout(ILogger logger, string path, string timeout);
}
