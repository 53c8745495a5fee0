namespace Subscriptions.Grpc.Transport.Health;

/// <summary>Whether a service (or the whole server, "") is serving; numbered as grpc.health.v1's ServingStatus.</summary>
public enum ServingStatus
{
    /// <summary>Calls are being served.</summary>
    Serving = 1,

    /// <summary>Calls cannot be served now (for example while the database is unreachable).</summary>
    NotServing = 2,
}
