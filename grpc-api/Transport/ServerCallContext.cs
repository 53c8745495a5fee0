namespace Subscriptions.Grpc.Transport;

/// <summary>Everything a handler knows about the call it serves.</summary>
public sealed class ServerCallContext
{
    private Dictionary<object, object?>? _items;

    /// <summary>Creates a context; the transport does this for every call (tests may too).</summary>
    public ServerCallContext(
        string method,
        Metadata requestHeaders,
        DateTimeOffset? deadline,
        string peer,
        IServiceProvider services,
        CancellationToken cancellationToken)
    {
        Method = method;
        RequestHeaders = requestHeaders;
        Deadline = deadline;
        Peer = peer;
        Services = services;
        CancellationToken = cancellationToken;
    }

    /// <summary>The full method path, "/package.Service/Method".</summary>
    public string Method { get; }

    /// <summary>Metadata sent by the client (protocol headers excluded).</summary>
    public Metadata RequestHeaders { get; }

    /// <summary>Metadata sent in the response headers; changes after the first message is written are ignored.</summary>
    public Metadata ResponseHeaders { get; } = [];

    /// <summary>Metadata sent in the trailers, next to grpc-status.</summary>
    public Metadata ResponseTrailers { get; } = [];

    /// <summary>The call's deadline from grpc-timeout, or null when the client set none.</summary>
    public DateTimeOffset? Deadline { get; }

    /// <summary>Fires at the deadline, when the client resets the stream, or when the server shuts down.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>The client address, "ipv4:127.0.0.1:5000" or "ipv6:[::1]:5000".</summary>
    public string Peer { get; }

    /// <summary>The request's service scope.</summary>
    public IServiceProvider Services { get; }

    /// <summary>A per-call bag (the authenticated caller is stored here).</summary>
    public IDictionary<object, object?> Items => _items ??= new Dictionary<object, object?>();
}
