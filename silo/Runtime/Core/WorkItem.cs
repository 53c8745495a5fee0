using System.Collections.Immutable;

namespace Subscriptions.Runtime;

/// <summary>One queued turn: a method call or a reminder tick, with the context it was sent under.</summary>
internal sealed class WorkItem(
    TurnCause cause,
    string method,
    Func<Grain, Task<object?>> invoke,
    Type resultType,
    ImmutableArray<GrainId> chain,
    RequestContext? context,
    CancellationToken cancellationToken,
    ReminderTick? tick = null)
{
    public TurnCause Cause { get; } = cause;

    /// <summary>The interface method name, used to recognise a reused request id.</summary>
    public string Method { get; } = method;

    public Func<Grain, Task<object?>> Invoke { get; } = invoke;

    /// <summary>The type a stored result is read back as when a request id repeats (typeof(void) for none).</summary>
    public Type ResultType { get; } = resultType;

    public ImmutableArray<GrainId> Chain { get; } = chain;

    public RequestContext? Context { get; } = context;

    public CancellationToken CancellationToken { get; } = cancellationToken;

    public ReminderTick? Tick { get; } = tick;

    public TaskCompletionSource<object?> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>
/// The grains waiting on each other in the current async flow (to refuse call cycles at once), and the turn that is
/// making calls (to give each nested call its own request id).
/// </summary>
internal static class CallChain
{
    private static readonly AsyncLocal<ImmutableArray<GrainId>> Chain = new();
    private static readonly AsyncLocal<Turn?> CallingTurn = new();

    public static ImmutableArray<GrainId> Current => Chain.Value.IsDefault ? [] : Chain.Value;

    public static Turn? Turn => CallingTurn.Value;

    public static void Set(ImmutableArray<GrainId> chain, Turn? turn)
    {
        Chain.Value = chain;
        CallingTurn.Value = turn;
    }
}
