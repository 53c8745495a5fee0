using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using Google.Protobuf;

namespace Subscriptions.Grpc.Transport.Framing;

/// <summary>Writes one length-prefixed gRPC message (flag, 4-byte big-endian length, bytes).</summary>
internal static class MessageWriter
{
    private const int HeaderSize = 5;

    /// <summary>The serialized size of the message; RESOURCE_EXHAUSTED when it exceeds the limit.</summary>
    public static int Measure(IMessage message, int maxMessageSize)
    {
        var size = message.CalculateSize();
        return size <= maxMessageSize
            ? size
            : throw new RpcException(StatusCode.ResourceExhausted, $"Sending message larger than max ({size} vs. {maxMessageSize}).");
    }

    /// <summary>Serializes a measured message into the writer, gzip-compressed when asked.</summary>
    public static void Write(IBufferWriter<byte> writer, IMessage message, int size, bool gzip)
    {
        if (gzip)
        {
            WriteFrame(writer, compressed: true, Compress(message.ToByteArray()));
            return;
        }

        var span = writer.GetSpan(HeaderSize + size);
        span[0] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(span[1..], (uint)size);
        message.WriteTo(span.Slice(HeaderSize, size));
        writer.Advance(HeaderSize + size);
    }

    /// <summary>The framed message as a byte array (used by the client for request bodies).</summary>
    public static byte[] ToFrame(IMessage message, int maxMessageSize, bool gzip)
    {
        var buffer = new ArrayBufferWriter<byte>();
        Write(buffer, message, Measure(message, maxMessageSize), gzip);
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteFrame(IBufferWriter<byte> writer, bool compressed, ReadOnlySpan<byte> payload)
    {
        var span = writer.GetSpan(HeaderSize + payload.Length);
        span[0] = compressed ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt32BigEndian(span[1..], (uint)payload.Length);
        payload.CopyTo(span[HeaderSize..]);
        writer.Advance(HeaderSize + payload.Length);
    }

    private static byte[] Compress(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(bytes);
        }

        return output.ToArray();
    }
}
