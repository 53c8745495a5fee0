namespace Subscriptions.Grpc.Transport.Framing;

/// <summary>The message encodings this transport speaks: identity and gzip.</summary>
internal static class GrpcEncodings
{
    public const string Identity = "identity";
    public const string Gzip = "gzip";

    /// <summary>Value of grpc-accept-encoding.</summary>
    public const string Accepted = "identity,gzip";

    /// <summary>True for a supported grpc-encoding value (absent means identity).</summary>
    public static bool IsSupported(string? encoding) => string.IsNullOrEmpty(encoding) || encoding is Identity or Gzip;

    /// <summary>True when the grpc-encoding value means messages may arrive gzip-compressed.</summary>
    public static bool IsGzip(string? encoding) => encoding == Gzip;

    /// <summary>True when a grpc-accept-encoding header lists gzip.</summary>
    public static bool AcceptsGzip(string? acceptEncoding) =>
        acceptEncoding is not null
        && acceptEncoding.Split(',', StringSplitOptions.TrimEntries).Contains(Gzip, StringComparer.Ordinal);
}
