namespace Subscriptions.Grpc.Transport.Client;

/// <summary>A client call's cancellation: the caller's token plus the deadline, on an injectable clock.</summary>
internal sealed class CallTimer : IDisposable
{
    private readonly CancellationTokenSource? _deadline;
    private readonly CancellationTokenSource _linked;
    private readonly CancellationToken _caller;

    public CallTimer(TimeProvider timeProvider, DateTimeOffset? deadline, CancellationToken caller)
    {
        _caller = caller;
        if (deadline is { } due)
        {
            var remaining = due - timeProvider.GetUtcNow();
            Remaining = remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero;
            _deadline = DeadlineTimer.Start(timeProvider, Remaining.Value);
            _linked = CancellationTokenSource.CreateLinkedTokenSource(_deadline.Token, caller);
        }
        else
        {
            _linked = CancellationTokenSource.CreateLinkedTokenSource(caller);
        }
    }

    /// <summary>Time left until the deadline when the call started, or null without one.</summary>
    public TimeSpan? Remaining { get; }

    public CancellationToken Token => _linked.Token;

    public bool DeadlineExceeded => _deadline?.IsCancellationRequested == true;

    public bool Cancelled => _caller.IsCancellationRequested;

    public void Dispose()
    {
        _linked.Dispose();
        _deadline?.Dispose();
    }
}
