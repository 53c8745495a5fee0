using Orleans;
using Subscriptions.Domain;

namespace Subscriptions.Grains;

/// <summary>A create command addressed a grain that was already created (maps to ALREADY_EXISTS).</summary>
[GenerateSerializer, Alias("subscriptions.AlreadyExistsException")]
public sealed class AlreadyExistsException(string kind, string id)
    : Exception($"{kind} {Quoted.Of(id)} already exists; retry with the first request id to get the first result, or use another id.")
{
    /// <summary>What already exists, e.g. "Account".</summary>
    [Id(0)]
    public string Kind { get; } = kind;

    /// <summary>Its id.</summary>
    [Id(1)]
    public string Id { get; } = id;
}

/// <summary>A request id already answered for another method of the same grain (IDEM-1; maps to INVALID_ARGUMENT on request_id).</summary>
[GenerateSerializer, Alias("subscriptions.RequestIdReusedException")]
public sealed class RequestIdReusedException(string grain, string requestId, string firstMethod, string method)
    : Exception($"Request id {Quoted.Of(requestId)} was already used on {grain} for {firstMethod}; it cannot be reused for {method}.")
{
    /// <summary>The grain the id was used on, "type/key".</summary>
    [Id(0)]
    public string Grain { get; } = grain;

    /// <summary>The reused request id.</summary>
    [Id(1)]
    public string RequestId { get; } = requestId;

    /// <summary>The grain method the id was first used for.</summary>
    [Id(2)]
    public string FirstMethod { get; } = firstMethod;

    /// <summary>The grain type the id was used on ("account", "subscription", "testclock").</summary>
    public string GrainType => Grain[..Math.Max(0, Grain.IndexOf('/', StringComparison.Ordinal))];
}

/// <summary>
/// Another write to the same grain won (its stored version moved on); nothing of this call was written, and the
/// grain reloads before its next call. Retryable (ABORTED).
/// </summary>
[GenerateSerializer, Alias("subscriptions.ConcurrentChangeException")]
public sealed class ConcurrentChangeException(string grain)
    : Exception($"{grain} was changed concurrently; nothing was written. Retry with the same request id.")
{
    /// <summary>The grain, "type/key".</summary>
    [Id(0)]
    public string Grain { get; } = grain;
}

/// <summary>
/// PostgreSQL could not be reached or failed; nothing was written. Retryable (UNAVAILABLE). It is an
/// <see cref="Orleans.Runtime.OrleansException"/> so Orleans passes it on as it is when a grain's state cannot be read
/// at activation, rather than wrapping it in a generic storage error.
/// </summary>
[GenerateSerializer, Alias("subscriptions.StorageUnavailableException")]
public sealed class StorageUnavailableException(string message) : Orleans.Runtime.OrleansException(message);

/// <summary>
/// The payment gateway did not answer or failed before deciding: nothing was recorded, and the outcome is unknown to the
/// service. Retryable (UNAVAILABLE): a retry with the same request id reuses the same idempotency key, so it charges at most once.
/// </summary>
[GenerateSerializer, Alias("subscriptions.PaymentGatewayUnavailableException")]
public sealed class PaymentGatewayUnavailableException(string message) : Exception(message);
