namespace Subscriptions.Grpc.Transport.Server;

/// <summary>The call's deadline and cancellation: the deadline timer, the client's stream reset and server shutdown, and which one fired.</summary>
internal sealed class CallCancellation : IDisposable
{
    private readonly CancellationTokenSource? _deadline;
    private readonly CancellationTokenSource _linked;
    private readonly CancellationToken _clientGone;
    private readonly CancellationToken _serverStopping;

    public CallCancellation(TimeProvider timeProvider, TimeSpan? timeout, CancellationToken clientGone, CancellationToken serverStopping)
    {
        _clientGone = clientGone;
        _serverStopping = serverStopping;
        if (timeout is not { } delay)
        {
            _linked = CancellationTokenSource.CreateLinkedTokenSource(clientGone, serverStopping);
            return;
        }

        // grpc-timeout reaches 99999999 hours, past DateTimeOffset.MaxValue: such a deadline is the end of time.
        var now = timeProvider.GetUtcNow();
        Deadline = delay < DateTimeOffset.MaxValue - now ? now + delay : DateTimeOffset.MaxValue;
        _deadline = DeadlineTimer.Start(timeProvider, delay);
        _linked = CancellationTokenSource.CreateLinkedTokenSource(_deadline.Token, clientGone, serverStopping);
    }

    /// <summary>When the call must end, on the injected clock; null when the client sent no grpc-timeout.</summary>
    public DateTimeOffset? Deadline { get; }

    /// <summary>The token handed to the handler.</summary>
    public CancellationToken Token => _linked.Token;

    /// <summary>The deadline passed.</summary>
    public bool DeadlineExceeded => _deadline?.IsCancellationRequested == true;

    /// <summary>The client reset the stream or the connection dropped.</summary>
    public bool ClientGone => _clientGone.IsCancellationRequested;

    /// <summary>The application is stopping.</summary>
    public bool ServerStopping => _serverStopping.IsCancellationRequested;

    public void Dispose()
    {
        _linked.Dispose();
        _deadline?.Dispose();
    }
}
