using System.Buffers.Binary;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using Grpc.Core;

namespace Subscriptions.Fuzz;

/// <summary>A request whose gRPC framing is wrong, sent over HTTP/2 without a gRPC client.</summary>
public sealed record FrameCase(byte[] Body, string? Encoding, string Description, bool Violation);

/// <summary>
/// Bad gRPC frame headers around a valid message: the compressed flag without grpc-encoding, with "identity", with an
/// unsupported encoding or with a body that is not compressed; a flag other than 0 and 1; a length prefix longer or
/// shorter than the body, past the receive limit or past 2^31; a header cut short; no frame at all; two frames in a
/// unary call. One case, a correctly gzip-compressed frame, is no violation and is checked like any call.
/// </summary>
public static class Frames
{
    public static FrameCase Make(byte[] message, Random rng)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(rng);
        var length = (uint)message.Length;
        return rng.Next(13) switch
        {
            0 => new(Frame(1, length, message), null, "compressed flag set without grpc-encoding", true),
            1 => new(Frame(1, length, message), "identity", "compressed flag set with grpc-encoding identity", true),
            2 => new(Frame(1, length, message), "gzip", "compressed flag set with grpc-encoding gzip, body not compressed", true),
            3 => new(Frame(1, length, message), "br", "compressed flag set with grpc-encoding br (not supported)", true),
            4 => new(Frame((byte)rng.Next(2, 256), length, message), null, "compressed flag neither 0 nor 1", true),
            5 => new(Frame(0, length + (uint)rng.Next(1, 1000), message), null, "length prefix larger than the body", true),
            6 => new([.. Frame(0, length, message), .. FuzzValues.Bytes(rng, rng.Next(1, 8))], null, "bytes after the message", true),
            7 => new(Frame(0, length, message)[..rng.Next(1, 5)], null, "frame header cut short", true),
            8 => new([], null, "no frame at all", true),
            9 => new([.. Frame(0, length, message), .. Frame(0, length, message)], null, "two messages in a unary call", true),
            10 => new(Frame(0, 64 * 1024 * 1024, message), null, "length prefix of 64 MiB, past the receive limit", true),
            11 => new(Frame(0, 0x8000_0000u + (uint)rng.Next(1000), message), null, "length prefix past 2^31", true),
            _ => Compressed(message),
        };
    }

    /// <summary>Sends <paramref name="frame"/> to <paramref name="path"/> and reads the gRPC status it is answered with.</summary>
    public static async Task<CallOutcome> SendAsync(HttpClient http, Uri address, string path, FrameCase frame, string? token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(frame);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(address, path))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(frame.Body),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TryAddWithoutValidation("te", "trailers");
        if (token is not null)
        {
            request.Headers.TryAddWithoutValidation("authorization", $"Bearer {token}");
        }

        if (frame.Encoding is not null)
        {
            request.Headers.TryAddWithoutValidation("grpc-encoding", frame.Encoding);
        }

        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
            await response.Content.ReadAsByteArrayAsync(cancellationToken);
            var status = Header(response, "grpc-status");
            var message = Uri.UnescapeDataString(Header(response, "grpc-message") ?? "");
            var details = Header(response, "grpc-status-details-bin");
            byte[]? detailBytes = null;
            if (details is not null)
            {
                try
                {
                    detailBytes = Convert.FromBase64String(Pad(details));
                }
                catch (FormatException)
                {
                    detailBytes = null;
                }
            }

            if (status is null || !int.TryParse(status, out var code))
            {
                // No gRPC status: the status a gRPC client derives from the HTTP status.
                return new CallOutcome(FromHttp(response.StatusCode), $"HTTP {(int)response.StatusCode} without grpc-status", Checks.DetailStrings(detailBytes), Transport: false);
            }

            return new CallOutcome((StatusCode)code, message, Checks.DetailStrings(detailBytes), Transport: false);
        }
        catch (Exception e) when (e is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
        {
            // The server reset the stream or the connection: what a gRPC client reports as INTERNAL.
            return new CallOutcome(StatusCode.Internal, $"stream reset ({e.GetType().Name}: {e.Message})", [], Transport: true);
        }
    }

    private static byte[] Frame(byte flag, uint length, byte[] message)
    {
        var frame = new byte[5 + message.Length];
        frame[0] = flag;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), length);
        message.CopyTo(frame, 5);
        return frame;
    }

    private static FrameCase Compressed(byte[] message)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(message);
        }

        var compressed = output.ToArray();
        return new(Frame(1, (uint)compressed.Length, compressed), "gzip", "a gzip-compressed message (valid framing)", false);
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.TrailingHeaders.TryGetValues(name, out var trailer) ? trailer.FirstOrDefault()
        : response.Headers.TryGetValues(name, out var header) ? header.FirstOrDefault()
        : null;

    private static string Pad(string base64) => (base64.Length % 4) switch
    {
        2 => base64 + "==",
        3 => base64 + "=",
        _ => base64,
    };

    // The HTTP to gRPC status mapping of the gRPC HTTP/2 protocol.
    private static StatusCode FromHttp(HttpStatusCode code) => code switch
    {
        HttpStatusCode.BadRequest => StatusCode.Internal,
        HttpStatusCode.Unauthorized => StatusCode.Unauthenticated,
        HttpStatusCode.Forbidden => StatusCode.PermissionDenied,
        HttpStatusCode.NotFound => StatusCode.Unimplemented,
        HttpStatusCode.TooManyRequests or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout => StatusCode.Unavailable,
        _ => StatusCode.Unknown,
    };
}
