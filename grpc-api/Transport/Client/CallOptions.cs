namespace Subscriptions.Grpc.Transport.Client;

/// <summary>Per-call settings: request metadata, deadline and cancellation.</summary>
public sealed record CallOptions
{
    /// <summary>Metadata sent as request headers.</summary>
    public Metadata? Headers { get; init; }

    /// <summary>When the call must be finished; sent as grpc-timeout and enforced locally too.</summary>
    public DateTimeOffset? Deadline { get; init; }

    /// <summary>Cancels the call (the stream is reset; the call fails with CANCELLED).</summary>
    public CancellationToken CancellationToken { get; init; }
}
