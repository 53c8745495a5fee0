namespace Subscriptions.Runtime;

/// <summary>Raised by the runtime for failures the caller may retry (the transport maps them to ABORTED / UNAVAILABLE).</summary>
public abstract class RetryableGrainException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The grain's persisted version moved on since this activation read it (another silo wrote it).
/// Nothing of the turn was written; the activation has been discarded and reloads on the next call; retry the call.
/// </summary>
public sealed class GrainVersionConflictException(GrainId grain, long expectedVersion)
    : RetryableGrainException($"Grain {grain} was written concurrently (expected version {expectedVersion}); nothing was applied, retry the call.")
{
    public GrainId Grain { get; } = grain;

    public long ExpectedVersion { get; } = expectedVersion;
}

/// <summary>The database could not be reached; nothing was applied unless stated otherwise; retry later.</summary>
public sealed class StorageUnavailableException(string message, Exception inner) : RetryableGrainException(message, inner);

/// <summary>A grain call did not complete within the response timeout (e.g. a stuck call); the turn may still complete later.</summary>
public sealed class GrainCallTimeoutException(string message) : TimeoutException(message);

/// <summary>A call would re-enter a non-reentrant grain already waiting in the current call chain (a call cycle).</summary>
public sealed class GrainCallCycleException(IReadOnlyList<GrainId> chain, GrainId target)
    : TimeoutException($"Call cycle: {string.Join(" -> ", chain.Append(target))}; grain {target} is already busy in this call chain and is not reentrant, so the call could never complete.")
{
    public IReadOnlyList<GrainId> Chain { get; } = chain;
}

/// <summary>The same request id was used before on this grain for a different method.</summary>
public sealed class RequestIdReusedException(GrainId grain, string requestId, string firstMethod, string method)
    : ArgumentException($"Request id \"{requestId}\" was already used on {grain} for {firstMethod}; it cannot be reused for {method}.", "request_id")
{
    /// <summary>The grain the id was used on.</summary>
    public GrainId Grain { get; } = grain;

    /// <summary>The reused request id.</summary>
    public string RequestId { get; } = requestId;

    /// <summary>The grain method the id was first used for.</summary>
    public string FirstMethod { get; } = firstMethod;
}
