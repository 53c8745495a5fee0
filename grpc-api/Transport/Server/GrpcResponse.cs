using System.Globalization;
using Microsoft.AspNetCore.Http;
using Subscriptions.Grpc.Transport.Framing;

namespace Subscriptions.Grpc.Transport.Server;

/// <summary>Writes response headers and the status (grpc-status, percent-encoded grpc-message) as trailers, or as a Trailers-Only response.</summary>
internal static class GrpcResponse
{
    public const string ContentType = "application/grpc";

    /// <summary>Sets the headers that precede the first response message.</summary>
    public static void SetHeaders(HttpResponse response, string? messageEncoding, Metadata metadata)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = ContentType;
        response.Headers["grpc-accept-encoding"] = GrpcEncodings.Accepted;
        if (messageEncoding is not null)
        {
            response.Headers["grpc-encoding"] = messageEncoding;
        }

        foreach (var entry in metadata)
        {
            response.Headers.Append(entry.Key, entry.ToHeaderValue());
        }
    }

    /// <summary>Ends the call with its status: in trailers after messages, else Trailers-Only (status in the one HEADERS frame, no body).</summary>
    public static void WriteStatus(HttpResponse response, bool messagesSent, RpcException? failure, ServerCallContext context)
    {
        if (messagesSent)
        {
            AddStatus((key, value) => response.AppendTrailer(key, value), failure, context.ResponseTrailers);
            return;
        }

        SetHeaders(response, messageEncoding: null, context.ResponseHeaders);
        AddStatus((key, value) => response.Headers.Append(key, value), failure, context.ResponseTrailers);
    }

    /// <summary>Answers a request refused before any handler ran, with a Trailers-Only response.</summary>
    public static void WriteRefusal(HttpResponse response, int httpStatus, StatusCode status, string detail)
    {
        SetHeaders(response, messageEncoding: null, []);
        response.StatusCode = httpStatus;
        AddStatus((key, value) => response.Headers.Append(key, value), new RpcException(status, detail), []);
    }

    private static void AddStatus(Action<string, string> add, RpcException? failure, Metadata trailers)
    {
        add("grpc-status", ((int)(failure?.StatusCode ?? StatusCode.OK)).ToString(CultureInfo.InvariantCulture));
        // Status-Message is optional (PROTOCOL-HTTP2.md); Kestrel drops empty header values anyway, so an empty detail is omitted.
        if (failure is { Detail.Length: > 0 })
        {
            add("grpc-message", GrpcStatusMessage.Encode(failure.Detail));
        }

        foreach (var entry in trailers.Concat(failure?.Trailers ?? []))
        {
            add(entry.Key, entry.ToHeaderValue());
        }
    }
}
