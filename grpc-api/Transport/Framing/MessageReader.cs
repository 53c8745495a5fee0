using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Pipelines;
using Google.Protobuf;

namespace Subscriptions.Grpc.Transport.Framing;

/// <summary>Reads length-prefixed gRPC messages from a pipe, whatever the DATA frame boundaries.</summary>
/// <remarks>Each message is a 1-byte compressed flag, a 4-byte big-endian length, then the bytes (PROTOCOL-HTTP2.md "Length-Prefixed-Message").</remarks>
internal sealed class MessageReader(PipeReader reader, int maxMessageSize, string? encoding)
{
    private const int HeaderSize = 5;

    /// <summary>Reads and parses the next message, or returns null at the clean end of the stream.</summary>
    public async ValueTask<T?> ReadAsync<T>(MessageParser<T> parser, CancellationToken cancellationToken)
        where T : IMessage<T>
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            var consumed = buffer.Start;
            var examined = buffer.End;
            try
            {
                if (TryReadFrame(buffer, out var compressed, out var payload))
                {
                    // Only what was consumed counts as examined, so a next message already buffered
                    // (several messages in one DATA frame) is read without waiting for more data.
                    consumed = examined = payload.End;
                    return Parse(parser, compressed, payload);
                }

                if (result.IsCompleted)
                {
                    return buffer.IsEmpty ? default : throw new RpcException(StatusCode.Internal, "Incomplete message.");
                }
            }
            finally
            {
                // After parsing: the payload points into the pipe's memory until this call.
                reader.AdvanceTo(consumed, examined);
            }
        }
    }

    /// <summary>Waits for the end of the stream; any further byte is a protocol error (a unary call carries exactly one message).</summary>
    public async ValueTask ExpectEndAsync(CancellationToken cancellationToken)
    {
        var result = await reader.ReadAsync(cancellationToken);
        while (result.Buffer.IsEmpty && !result.IsCompleted)
        {
            reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
            result = await reader.ReadAsync(cancellationToken);
        }

        var empty = result.Buffer.IsEmpty;
        reader.AdvanceTo(result.Buffer.End);
        if (!empty)
        {
            throw new RpcException(StatusCode.Internal, "Additional data after the message received.");
        }
    }

    private bool TryReadFrame(ReadOnlySequence<byte> buffer, out bool compressed, out ReadOnlySequence<byte> payload)
    {
        compressed = false;
        payload = default;
        if (buffer.Length < HeaderSize)
        {
            return false;
        }

        Span<byte> header = stackalloc byte[HeaderSize];
        buffer.Slice(0, HeaderSize).CopyTo(header);
        compressed = header[0] switch
        {
            0 => false,
            1 => true,
            _ => throw new RpcException(StatusCode.Internal, $"Invalid compressed flag {header[0]}: it must be 0 or 1."),
        };

        var length = BinaryPrimitives.ReadUInt32BigEndian(header[1..]);
        if (length > maxMessageSize)
        {
            throw new RpcException(StatusCode.ResourceExhausted, $"Received message larger than max ({length} vs. {maxMessageSize}).");
        }

        if (buffer.Length < HeaderSize + length)
        {
            return false;
        }

        payload = buffer.Slice(HeaderSize, length);
        return true;
    }

    private T Parse<T>(MessageParser<T> parser, bool compressed, ReadOnlySequence<byte> payload)
        where T : IMessage<T>
    {
        if (compressed)
        {
            // PROTOCOL-HTTP2.md: "If the Message-Encoding header is omitted then the Compressed-Flag must be 0."
            // grpc-core, grpc-go and grpc-dotnet all answer a violation with INTERNAL, and so do we.
            payload = GrpcEncodings.IsGzip(encoding)
                ? new ReadOnlySequence<byte>(Decompress(payload))
                : throw new RpcException(StatusCode.Internal, "Received a compressed message without a grpc-encoding that declares its compression.");
        }

        try
        {
            return parser.ParseFrom(payload);
        }
        catch (InvalidProtocolBufferException exception)
        {
            throw new RpcException(StatusCode.Internal, "Failed to deserialize the message.", exception);
        }
    }

    private byte[] Decompress(ReadOnlySequence<byte> payload)
    {
        using var compressedStream = new MemoryStream(payload.ToArray(), writable: false);
        using var gzip = new GZipStream(compressedStream, CompressionMode.Decompress);
        using var output = new MemoryStream();
        var chunk = new byte[8192];
        try
        {
            int read;
            while ((read = gzip.Read(chunk)) > 0)
            {
                if (output.Length + read > maxMessageSize)
                {
                    throw new RpcException(StatusCode.ResourceExhausted, $"Received message larger than max (more than {maxMessageSize} bytes after decompression).");
                }

                output.Write(chunk, 0, read);
            }
        }
        catch (InvalidDataException exception)
        {
            throw new RpcException(StatusCode.Internal, "Failed to decompress the gzip message.", exception);
        }

        return output.ToArray();
    }
}
