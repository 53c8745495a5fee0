using System.Collections.Concurrent;
using Subscriptions.Grpc.Transport;

namespace Subscriptions.Grpc.Tests.Transport;

/// <summary>Lets a test wait until a handler is running, so it can cancel, time out or release a call that has really started.</summary>
public sealed class CallProbe
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<ServerCallContext>> _started = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _released = new();

    public void Started(string key, ServerCallContext context) => Slot(key).TrySetResult(context);

    public Task<ServerCallContext> WaitStartedAsync(string key) => Slot(key).Task.WaitAsync(TestTimeouts.Safety);

    public void Release(string key) => Gate(key).TrySetResult();

    public Task WaitReleasedAsync(string key) => Gate(key).Task.WaitAsync(TestTimeouts.Safety);

    private TaskCompletionSource Gate(string key) =>
        _released.GetOrAdd(key, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    private TaskCompletionSource<ServerCallContext> Slot(string key) =>
        _started.GetOrAdd(key, _ => new TaskCompletionSource<ServerCallContext>(TaskCreationOptions.RunContinuationsAsynchronously));
}
