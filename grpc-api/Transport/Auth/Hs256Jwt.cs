using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Subscriptions.Grpc.Transport.Auth;

/// <summary>Compact JWS with HMAC-SHA256 (RFC 7515/7519): signs a claims object and checks a token's header and signature.</summary>
internal static class Hs256Jwt
{
    public const string Algorithm = "HS256";

    private static readonly byte[] Header = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string>
    {
        ["alg"] = Algorithm,
        ["typ"] = "JWT",
    });

    /// <summary>Signs the UTF-8 JSON claims and returns header.payload.signature.</summary>
    public static string Sign(ReadOnlySpan<byte> claimsJson, byte[] key)
    {
        var signingInput = $"{Base64Url.EncodeToString(Header)}.{Base64Url.EncodeToString(claimsJson)}";
        var signature = HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(signingInput));
        return $"{signingInput}.{Base64Url.EncodeToString(signature)}";
    }

    /// <summary>Checks the structure, the algorithm and the signature; returns the payload's JSON bytes.</summary>
    public static byte[] Verify(string token, byte[] key)
    {
        var parts = token.Split('.');
        if (parts.Length != 3)
        {
            throw new InvalidTokenException($"token is malformed: expected 3 dot-separated parts, found {parts.Length}");
        }

        var algorithm = ReadAlgorithm(Decode(parts[0], "header"));
        if (algorithm != Algorithm)
        {
            throw new InvalidTokenException($"token algorithm \"{algorithm}\" is not accepted; only {Algorithm} is");
        }

        var expected = HMACSHA256.HashData(key, Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}"));
        if (!CryptographicOperations.FixedTimeEquals(expected, Decode(parts[2], "signature")))
        {
            throw new InvalidTokenException("token signature is invalid");
        }

        return Decode(parts[1], "payload");
    }

    private static string ReadAlgorithm(byte[] headerJson)
    {
        try
        {
            using var header = JsonDocument.Parse(headerJson);
            return header.RootElement.ValueKind == JsonValueKind.Object
                && header.RootElement.TryGetProperty("alg", out var alg)
                && alg.ValueKind == JsonValueKind.String
                    ? alg.GetString()!
                    : throw new InvalidTokenException("token header has no \"alg\"");
        }
        catch (JsonException e)
        {
            throw new InvalidTokenException($"token header is not JSON: {e.Message}");
        }
    }

    private static byte[] Decode(string part, string name)
    {
        try
        {
            return Base64Url.DecodeFromChars(part);
        }
        catch (FormatException)
        {
            throw new InvalidTokenException($"token {name} is not base64url");
        }
    }
}
