using Orleans.Runtime;

namespace Subscriptions.Grains;

/// <summary>
/// Who is calling and under which client request id, carried with every grain call in Orleans' RequestContext. The
/// API sets both; a grain making a nested call derives the nested call's request id from its own,
/// so a retried request replays its nested calls under the same ids.
/// </summary>
public static class CallContext
{
    private const string CallerKey = "subscriptions.caller";
    private const string RequestIdKey = "subscriptions.request-id";
    private const string ClockIdKey = "subscriptions.clock-id";
    private const string ClockTimeKey = "subscriptions.clock-time";

    /// <summary>The caller recorded when nobody set one (a test, a start-up task).</summary>
    public const string Anonymous = "anonymous";

    /// <summary>The caller of the current call.</summary>
    public static string Caller => RequestContext.Get(CallerKey) as string ?? Anonymous;

    /// <summary>The client request id of the current call, if any.</summary>
    public static string? RequestId => RequestContext.Get(RequestIdKey) as string;

    /// <summary>Sets caller and request id for the calls made from here on; dispose to restore what was there.</summary>
    public static IDisposable Enter(string caller, string? requestId)
    {
        var previous = (Caller: RequestContext.Get(CallerKey), RequestId: RequestContext.Get(RequestIdKey));
        RequestContext.Set(CallerKey, caller);
        SetRequestId(requestId);
        return new Restore(previous.Caller, previous.RequestId);
    }

    /// <summary>Sets (or clears) the request id of the calls made from here on.</summary>
    public static void SetRequestId(string? requestId)
    {
        if (requestId is null)
        {
            RequestContext.Remove(RequestIdKey);
        }
        else
        {
            RequestContext.Set(RequestIdKey, requestId);
        }
    }

    /// <summary>
    /// The time of test clock <paramref name="clockId"/> when the current call is part of that clock's advance (the
    /// wake-up it delivers and the calls the woken grain makes), else null: such a call must not call back into the
    /// clock, which is waiting for it.
    /// </summary>
    public static DateTimeOffset? ClockTime(string clockId) =>
        RequestContext.Get(ClockIdKey) as string == clockId && RequestContext.Get(ClockTimeKey) is DateTimeOffset now ? now : null;

    /// <summary>Carries test clock <paramref name="clockId"/>'s time <paramref name="now"/> with the calls made from here on; dispose to stop.</summary>
    public static IDisposable EnterClockTime(string clockId, DateTimeOffset now)
    {
        RequestContext.Set(ClockIdKey, clockId);
        RequestContext.Set(ClockTimeKey, now);
        return new LeaveClockTime();
    }

    private sealed class LeaveClockTime : IDisposable
    {
        public void Dispose()
        {
            RequestContext.Remove(ClockIdKey);
            RequestContext.Remove(ClockTimeKey);
        }
    }

    private sealed class Restore(object? caller, object? requestId) : IDisposable
    {
        public void Dispose()
        {
            if (caller is null)
            {
                RequestContext.Remove(CallerKey);
            }
            else
            {
                RequestContext.Set(CallerKey, caller);
            }

            SetRequestId(requestId as string);
        }
    }
}
