namespace Subscriptions.Runtime;

/// <summary>
/// Who is calling and under which client request id. It flows with the call: set it before calling a grain
/// and every turn of that call (and the calls it makes) sees it, as Orleans' RequestContext.
/// </summary>
public sealed record RequestContext(string Caller, string? RequestId = null)
{
    private static readonly AsyncLocal<RequestContext?> CurrentContext = new();

    /// <summary>The caller recorded when nobody set one (e.g. a test or a start-up task).</summary>
    public const string Anonymous = "anonymous";

    /// <summary>The context of the current call, if any.</summary>
    public static RequestContext? Current => CurrentContext.Value;

    /// <summary>Sets the context for the rest of this async flow; dispose to restore the previous one.</summary>
    public static IDisposable Push(RequestContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var previous = CurrentContext.Value;
        CurrentContext.Value = context;
        return new Restore(previous);
    }

    internal static void Set(RequestContext? context) => CurrentContext.Value = context;

    private sealed class Restore(RequestContext? previous) : IDisposable
    {
        public void Dispose() => CurrentContext.Value = previous;
    }
}

/// <summary>Why a turn ran: a call (method name) or a reminder (reminder name), and on whose behalf.</summary>
public sealed record TurnCause(string Kind, string Name, string Caller, string? RequestId)
{
    public const string CallKind = "call";
    public const string ReminderKind = "reminder";

    public override string ToString() => RequestId is null ? $"{Kind} {Name} by {Caller}" : $"{Kind} {Name} by {Caller} (request {RequestId})";
}

/// <summary>One history entry of a grain: what changed, from/to, and the cause of the turn that changed it.</summary>
public sealed record HistoryEntry(
    long Version, int Index, DateTimeOffset At, TurnCause Cause, string Change, string? From, string? To, string? PayloadJson);

/// <summary>An outbound notification written to the outbox in the turn's transaction.</summary>
public sealed record OutboxMessage(long Id, GrainId Grain, string Kind, string PayloadJson, DateTimeOffset CreatedAt);
