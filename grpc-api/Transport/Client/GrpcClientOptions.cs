namespace Subscriptions.Grpc.Transport.Client;

/// <summary>Settings of a <see cref="GrpcClient"/>.</summary>
public sealed record GrpcClientOptions
{
    /// <summary>Largest response message accepted; larger ones fail the call with RESOURCE_EXHAUSTED.</summary>
    public int MaxReceiveMessageSize { get; init; } = GrpcTransportOptions.DefaultMaxMessageSize;

    /// <summary>Largest request message sent; larger ones fail the call with RESOURCE_EXHAUSTED before sending.</summary>
    public int MaxSendMessageSize { get; init; } = int.MaxValue;

    /// <summary>Compress request messages with gzip (grpc-encoding: gzip).</summary>
    public bool GzipRequests { get; init; }

    /// <summary>The clock for deadlines.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
