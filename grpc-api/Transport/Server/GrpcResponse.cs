using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
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

        AddMetadata(response.Headers, metadata);
    }

    /// <summary>Ends the call with its status: in trailers after messages, else Trailers-Only (status in the one HEADERS frame, no body).</summary>
    public static void WriteStatus(HttpResponse response, bool messagesSent, RpcException? failure, ServerCallContext context)
    {
        if (!messagesSent)
        {
            SetHeaders(response, messageEncoding: null, context.ResponseHeaders);
        }

        var target = messagesSent ? TrailersOf(response) : response.Headers;
        AddStatus(target, failure?.StatusCode ?? StatusCode.OK, failure?.Detail);
        AddMetadata(target, context.ResponseTrailers);
        if (failure is not null)
        {
            AddMetadata(target, failure.Trailers);
        }
    }

    /// <summary>Answers a request refused before any handler ran, with a Trailers-Only response.</summary>
    public static void WriteRefusal(HttpResponse response, int httpStatus, StatusCode status, string detail)
    {
        SetHeaders(response, messageEncoding: null, []);
        response.StatusCode = httpStatus;
        AddStatus(response.Headers, status, detail);
    }

    private static void AddStatus(IHeaderDictionary target, StatusCode status, string? detail)
    {
        target.Append("grpc-status", ((int)status).ToString(CultureInfo.InvariantCulture));

        // Status-Message is optional (PROTOCOL-HTTP2.md); Kestrel drops empty header values anyway, so an empty detail is omitted.
        if (!string.IsNullOrEmpty(detail))
        {
            target.Append("grpc-message", GrpcStatusMessage.Encode(detail));
        }
    }

    private static void AddMetadata(IHeaderDictionary target, Metadata metadata)
    {
        foreach (var entry in metadata)
        {
            target.Append(entry.Key, entry.ToHeaderValue());
        }
    }

    // What HttpResponse.AppendTrailer writes to, fetched once per call instead of once per trailer.
    private static IHeaderDictionary TrailersOf(HttpResponse response) =>
        response.HttpContext.Features.Get<IHttpResponseTrailersFeature>()?.Trailers is { IsReadOnly: false } trailers
            ? trailers
            : throw new InvalidOperationException($"The response to {response.HttpContext.Request.Path} cannot carry trailers, so its grpc-status cannot be sent.");
}
