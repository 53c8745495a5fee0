using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Subscriptions.Grpc.Transport;

namespace Subscriptions.Grpc.Tests.Transport;

/// <summary>A logger provider that records the status each gRPC call finished with, as the transport logs it.</summary>
public sealed class CallLog : ILoggerProvider
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<StatusCode>> _finished = new();

    /// <summary>The status the server ended the method's call from this peer with (each test client has its own connection, hence peer).</summary>
    public Task<StatusCode> FinishedAsync(string method, string peer) => Slot($"{method} {peer}").Task.WaitAsync(TestTimeouts.Safety);

    public ILogger CreateLogger(string categoryName) => new Recorder(this);

    /// <summary>The status the server ended the method's first call with, from any peer.</summary>
    public Task<StatusCode> FirstFinishedAsync(string method) => Slot(method).Task.WaitAsync(TestTimeouts.Safety);

    // The host disposes its logger providers when it stops; the recorded statuses go with it.
    public void Dispose() => _finished.Clear();

    private TaskCompletionSource<StatusCode> Slot(string call) =>
        _finished.GetOrAdd(call, _ => new TaskCompletionSource<StatusCode>(TaskCreationOptions.RunContinuationsAsynchronously));

    private sealed class Recorder(CallLog log) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (state is not IReadOnlyList<KeyValuePair<string, object?>> values)
            {
                return;
            }

            var method = values.FirstOrDefault(v => v.Key == "Method").Value as string;
            var peer = values.FirstOrDefault(v => v.Key == "Peer").Value as string;
            if (method is not null && peer is not null && values.FirstOrDefault(v => v.Key == "Status").Value is StatusCode status)
            {
                log.Slot($"{method} {peer}").TrySetResult(status);
                log.Slot(method).TrySetResult(status);
            }
        }
    }
}
