using System.Globalization;
using System.Text;

namespace Subscriptions.Grpc.Transport.Framing;

/// <summary>Percent-encoding of grpc-message (PROTOCOL-HTTP2.md): UTF-8 bytes outside 0x20-0x7E, and '%', become %XX.</summary>
internal static class GrpcStatusMessage
{
    /// <summary>Encodes a detail for the grpc-message header.</summary>
    public static string Encode(string detail)
    {
        var builder = new StringBuilder(detail.Length);
        foreach (var b in Encoding.UTF8.GetBytes(detail))
        {
            if (b is >= 0x20 and <= 0x7E and not (byte)'%')
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    /// <summary>Decodes a grpc-message header; a malformed value is returned as received, as the spec asks.</summary>
    public static string Decode(string encoded)
    {
        if (!encoded.Contains('%', StringComparison.Ordinal))
        {
            return encoded;
        }

        var bytes = new List<byte>(encoded.Length);
        for (var i = 0; i < encoded.Length; i++)
        {
            if (encoded[i] == '%'
                && i + 2 < encoded.Length
                && byte.TryParse(encoded.AsSpan(i + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value))
            {
                bytes.Add(value);
                i += 2;
            }
            else
            {
                bytes.Add((byte)encoded[i]);
            }
        }

        try
        {
            return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString([.. bytes]);
        }
        catch (DecoderFallbackException)
        {
            return encoded;
        }
    }
}
