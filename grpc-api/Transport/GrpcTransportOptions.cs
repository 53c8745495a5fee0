namespace Subscriptions.Grpc.Transport;

/// <summary>Settings of the gRPC transport.</summary>
public sealed class GrpcTransportOptions
{
    /// <summary>Default message size limit, 4 MiB, as in standard gRPC servers.</summary>
    public const int DefaultMaxMessageSize = 4 * 1024 * 1024;

    /// <summary>Largest request message accepted (after decompression); larger ones end the call with RESOURCE_EXHAUSTED.</summary>
    public int MaxReceiveMessageSize { get; set; } = DefaultMaxMessageSize;

    /// <summary>Largest response message sent; larger ones end the call with RESOURCE_EXHAUSTED.</summary>
    public int MaxSendMessageSize { get; set; } = DefaultMaxMessageSize;

    /// <summary>Compression for response messages ("gzip"), used when the client accepts it; null sends them uncompressed.</summary>
    public string? ResponseCompression { get; set; }
}
