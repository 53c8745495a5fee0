namespace Subscriptions.Grpc.Transport;

/// <summary>A call failed (or must fail) with a gRPC status, a detail message and optional trailers.</summary>
public sealed class RpcException : Exception
{
    /// <summary>Creates the exception for a status, a human-readable detail and optional trailers.</summary>
    public RpcException(StatusCode statusCode, string detail, Metadata? trailers = null)
        : base($"Status(StatusCode=\"{statusCode}\", Detail=\"{detail}\")")
    {
        StatusCode = statusCode;
        Detail = detail;
        Trailers = trailers ?? [];
    }

    /// <summary>Creates the exception with the cause kept for logs (never sent to the client).</summary>
    public RpcException(StatusCode statusCode, string detail, Exception innerException)
        : base($"Status(StatusCode=\"{statusCode}\", Detail=\"{detail}\")", innerException)
    {
        StatusCode = statusCode;
        Detail = detail;
        Trailers = [];
    }

    /// <summary>The gRPC status code.</summary>
    public StatusCode StatusCode { get; }

    /// <summary>The detail sent as grpc-message.</summary>
    public string Detail { get; }

    /// <summary>Trailers sent (server) or received (client) with the status.</summary>
    public Metadata Trailers { get; }
}
