namespace Subscriptions.Grpc.Transport;

/// <summary>Deadline timers on the injected clock, for server calls and client calls alike.</summary>
internal static class DeadlineTimer
{
    // TimeProvider timers accept at most uint.MaxValue - 1 milliseconds (about 49 days).
    private static readonly TimeSpan MaxTimer = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    /// <summary>A source cancelled once the delay has passed on the clock; a delay beyond a timer's range never fires.</summary>
    public static CancellationTokenSource Start(TimeProvider clock, TimeSpan delay) =>
        delay <= MaxTimer ? new CancellationTokenSource(delay, clock) : new CancellationTokenSource();
}
