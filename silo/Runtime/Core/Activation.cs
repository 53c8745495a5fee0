namespace Subscriptions.Runtime;

/// <summary>
/// One in-memory activation of a grain: a mailbox that runs one turn at a time, the loaded state and version,
/// and the request ids already answered. It is discarded and reloaded when its version turns out stale.
/// </summary>
internal sealed class Activation(GrainId id, GrainTypeInfo type, GrainRuntime runtime)
{
    private readonly Lock gate = new();
    private readonly Queue<WorkItem> queue = new();
    private bool running;
    private bool collected;
    private Grain? grain;
    private string? persistedJson;
    private long knownNewerVersion;
    private Dictionary<RequestKey, RequestRecord> requests = [];

    public GrainId Id { get; } = id;

    public GrainRuntime Runtime { get; } = runtime;

    public long Version { get; private set; }

    public string? ClockId { get; private set; }

    public TimeProvider Clock => ClockId is null ? Runtime.TimeProvider : Runtime.Clocks.Get(ClockId);

    public Turn? CurrentTurn { get; private set; }

    public DateTimeOffset LastActive { get; private set; } = runtime.TimeProvider.GetUtcNow();

    /// <summary>Queues a turn; false if this activation was collected (the caller then uses a new one).</summary>
    public bool TryEnqueue(WorkItem item)
    {
        lock (gate)
        {
            if (collected)
            {
                return false;
            }

            queue.Enqueue(item);
            if (running)
            {
                return true;
            }

            running = true;
        }

        _ = Task.Run(ProcessAsync);
        return true;
    }

    /// <summary>Marks the activation collected if it has been idle for <paramref name="age"/>; a busy or queued one is kept.</summary>
    public bool TryCollect(DateTimeOffset now, TimeSpan age)
    {
        lock (gate)
        {
            if (collected || running || queue.Count > 0 || now - LastActive < age)
            {
                return false;
            }

            collected = true;
            return true;
        }
    }

    /// <summary>Runs the grain's deactivation hook after collection.</summary>
    public Task DeactivateAsync(CancellationToken cancellationToken) =>
        grain?.OnDeactivateAsync(cancellationToken) ?? Task.CompletedTask;

    /// <summary>Another silo wrote <paramref name="version"/>: reload before the next turn if ours is older.</summary>
    public void NoteWrittenElsewhere(long version)
    {
        lock (gate)
        {
            knownNewerVersion = Math.Max(knownNewerVersion, version);
        }
    }

    public void BindClock(string clockId) => ClockId = clockId;

    private async Task ProcessAsync()
    {
        while (true)
        {
            WorkItem item;
            lock (gate)
            {
                if (!queue.TryDequeue(out item!))
                {
                    running = false;
                    LastActive = Runtime.TimeProvider.GetUtcNow();
                    return;
                }
            }

            await RunTurnAsync(item);
        }
    }

    private async Task RunTurnAsync(WorkItem item)
    {
        if (item.CancellationToken.IsCancellationRequested)
        {
            item.Completion.TrySetCanceled(item.CancellationToken);
            return;
        }

        RequestContext.Set(item.Context);
        CallChain.Set(item.Chain.Add(Id), null);
        try
        {
            var result = await ExecuteAsync(item);
            item.Completion.TrySetResult(result);
        }
        catch (Exception exception)
        {
            item.Completion.TrySetException(exception);
        }
        finally
        {
            RequestContext.Set(null);
            CallChain.Set([], null);
        }
    }

    private async Task<object?> ExecuteAsync(WorkItem item)
    {
        var active = await EnsureActiveAsync();
        if (ClockId is not null)
        {
            await Runtime.Clocks.RefreshAsync(ClockId, CancellationToken.None);
        }

        var requestKey = item.Tick is null && item.Cause.RequestId is { } requestId ? new RequestKey(item.Cause.Caller, requestId) : (RequestKey?)null;
        if (requestKey is { } key && requests.TryGetValue(key, out var answered))
        {
            return answered.Method == item.Method
                ? Runtime.Serializer.DeserializeResult(answered.ResultJson, item.ResultType)
                : throw new RequestIdReusedException(Id, key.RequestId, answered.Method, item.Method);
        }

        var stateful = active as IStatefulGrain;
        var stateBefore = stateful?.State;
        var clockBefore = ClockId;
        var turn = new Turn(item.Cause) { Tick = item.Tick };
        CurrentTurn = turn;
        CallChain.Set(item.Chain.Add(Id), turn);
        try
        {
            var result = await item.Invoke(active);
            await CommitAsync(turn, stateful, stateBefore, item, requestKey, result);
            return result;
        }
        catch
        {
            if (stateful is not null && stateBefore is not null)
            {
                stateful.State = stateBefore;
            }

            ClockId = clockBefore;
            throw;
        }
        finally
        {
            CurrentTurn = null;
        }
    }

    private async Task CommitAsync(Turn turn, IStatefulGrain? stateful, object? stateBefore, WorkItem item, RequestKey? requestKey, object? result)
    {
        var replaced = stateful is not null && !ReferenceEquals(stateful.State, stateBefore);
        var newJson = replaced ? Runtime.Serializer.Serialize(stateful!.State, stateful.StateType) : null;
        var stateChanged = newJson is not null && newJson != persistedJson;
        if (!stateChanged && !turn.HasWork)
        {
            return;
        }

        var stateJson = stateChanged
            ? newJson!
            : persistedJson ?? (stateful is null ? "{}" : Runtime.Serializer.Serialize(stateful.State, stateful.StateType));
        var now = Clock.GetUtcNow();
        var request = requestKey is { } key
            ? new RequestRecord(key.Caller, key.RequestId, item.Method, Runtime.Serializer.SerializeResult(result, item.ResultType))
            : null;
        var write = new TurnWrite(
            Id, Version, stateJson, ClockId, now, turn.Cause,
            turn.History, turn.Outbox, turn.Reminders, turn.Tick, turn.Tick?.NextDue(now), request);
        try
        {
            await Runtime.Storage.CommitAsync(write, CancellationToken.None);
        }
        catch
        {
            // Conflict or unknown outcome: this activation's view can no longer be trusted; reload before the next turn.
            grain = null;
            throw;
        }

        Version++;
        persistedJson = stateJson;
        Runtime.Notifier.Written(Id, Version);
        if (request is not null)
        {
            requests[new RequestKey(request.Caller, request.RequestId)] = request;
        }
    }

    private async Task<Grain> EnsureActiveAsync()
    {
        long newer;
        lock (gate)
        {
            newer = knownNewerVersion;
        }

        if (grain is not null && newer <= Version)
        {
            return grain;
        }

        grain = null;
        var loaded = await Runtime.Storage.LoadAsync(Id, Runtime.TimeProvider.GetUtcNow() - Runtime.Options.RequestIdRetention, CancellationToken.None);
        var created = type.Create(Runtime.Services);
        created.Attach(this);
        Version = loaded.Version;
        ClockId = loaded.ClockId;
        persistedJson = loaded.StateJson;
        requests = loaded.Requests.ToDictionary(r => new RequestKey(r.Caller, r.RequestId));
        if (created is IStatefulGrain stateful && loaded.StateJson is not null)
        {
            stateful.State = Runtime.Serializer.Deserialize(loaded.StateJson, stateful.StateType);
        }

        await created.OnActivateAsync(CancellationToken.None);
        grain = created;
        return created;
    }

    private readonly record struct RequestKey(string Caller, string RequestId);
}
