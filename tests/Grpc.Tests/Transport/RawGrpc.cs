using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;
using Subscriptions.Grpc.Transport.Framing;

namespace Subscriptions.Grpc.Tests.Transport;

/// <summary>gRPC requests built byte by byte, to test what the server does with exactly what arrives on the wire.</summary>
public static class RawGrpc
{
    /// <summary>A length-prefixed message: flag, 4-byte big-endian length, payload.</summary>
    public static byte[] Frame(byte[] payload, bool compressed = false)
    {
        var frame = new byte[5 + payload.Length];
        frame[0] = compressed ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)payload.Length);
        payload.CopyTo(frame, 5);
        return frame;
    }

    public static byte[] Frame(IMessage message) => Frame(message.ToByteArray());

    /// <summary>POSTs the body and reads the whole response, trailers included.</summary>
    public static async Task<RawResponse> SendAsync(
        HttpClient client,
        string path,
        HttpContent body,
        string contentType = "application/grpc",
        IReadOnlyDictionary<string, string>? headers = null,
        Version? version = null,
        CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Version = version ?? HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = body,
        };
        body.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.TryAddWithoutValidation("te", "trailers");
        foreach (var (key, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(key, value);
        }

        using var response = await client.SendAsync(request, cancellationToken);
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        return new RawResponse(
            response.StatusCode,
            Flatten(response.Headers, response.Content.Headers),
            bytes,
            Flatten(response.TrailingHeaders));
    }

    private static Dictionary<string, string> Flatten(params HttpHeaders[] groups) =>
        groups.SelectMany(g => g).ToDictionary(h => h.Key.ToLowerInvariant(), h => string.Join(",", h.Value));
}

/// <summary>A complete response as seen on the wire.</summary>
public sealed record RawResponse(HttpStatusCode HttpStatus, Dictionary<string, string> Headers, byte[] Body, Dictionary<string, string> Trailers)
{
    /// <summary>True for a Trailers-Only response: the status in the headers, no body, no trailers.</summary>
    public bool IsTrailersOnly => Headers.ContainsKey("grpc-status") && Body.Length == 0 && Trailers.Count == 0;

    /// <summary>grpc-status, from the trailers or (Trailers-Only) the headers.</summary>
    public int GrpcStatus => int.Parse(Trailers.GetValueOrDefault("grpc-status") ?? Headers["grpc-status"], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>grpc-message as sent (still percent-encoded).</summary>
    public string GrpcMessage => Trailers.GetValueOrDefault("grpc-message") ?? Headers.GetValueOrDefault("grpc-message") ?? string.Empty;

    /// <summary>The response messages, parsed from the body.</summary>
    public async Task<List<T>> MessagesAsync<T>(MessageParser<T> parser)
        where T : IMessage<T>
    {
        var reader = new MessageReader(PipeReader.Create(new MemoryStream(Body)), int.MaxValue, Headers.GetValueOrDefault("grpc-encoding"));
        var messages = new List<T>();
        while (await reader.ReadAsync(parser, CancellationToken.None) is { } message)
        {
            messages.Add(message);
        }

        return messages;
    }
}

/// <summary>A request body written in chunks of a fixed size, each flushed on its own, so each travels in its own DATA frame(s).</summary>
public sealed class ChunkedContent(byte[] bytes, int chunkSize) : HttpContent
{
    /// <summary>How many chunks were flushed.</summary>
    public int Chunks { get; private set; }

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        for (var offset = 0; offset < bytes.Length; offset += chunkSize)
        {
            await stream.WriteAsync(bytes.AsMemory(offset, Math.Min(chunkSize, bytes.Length - offset)));
            await stream.FlushAsync();
            Chunks++;
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}

/// <summary>A request body the test writes message by message while the call runs (full duplex); each write is flushed.</summary>
public sealed class PushContent : HttpContent
{
    private readonly System.Threading.Channels.Channel<byte[]> _writes = System.Threading.Channels.Channel.CreateUnbounded<byte[]>();

    public ValueTask WriteAsync(byte[] bytes) => _writes.Writer.WriteAsync(bytes);

    public void Complete() => _writes.Writer.Complete();

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        await foreach (var bytes in _writes.Reader.ReadAllAsync())
        {
            await stream.WriteAsync(bytes);
            await stream.FlushAsync();
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
