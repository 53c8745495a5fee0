using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Reflection;
using Microsoft.Extensions.Logging;

namespace Subscriptions.Runtime;

/// <summary>
/// The activations of one silo: creates them on the first call or reminder tick, routes calls into their mailboxes,
/// collects idle ones, and drops stale ones when another silo writes the same grain.
/// </summary>
public sealed class GrainRuntime : IGrainFactory
{
    private readonly ConcurrentDictionary<GrainId, Activation> activations = new();
    private readonly GrainTypeRegistry types;
    private readonly ILogger<GrainRuntime> logger;

    public GrainRuntime(
        GrainTypeRegistry types,
        GrainStorage storage,
        WriteNotifier notifier,
        ClockRegistry clocks,
        GrainSerializer serializer,
        GrainRuntimeOptions options,
        TimeProvider timeProvider,
        IServiceProvider services,
        ILogger<GrainRuntime> logger)
    {
        this.types = types;
        this.logger = logger;
        Storage = storage;
        Notifier = notifier;
        Clocks = clocks;
        Serializer = serializer;
        Options = options;
        TimeProvider = timeProvider;
        Services = services;
    }

    /// <summary>The silo clock (the system clock in production).</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>Number of activations currently in memory.</summary>
    public int ActivationCount => activations.Count;

    internal GrainStorage Storage { get; }

    internal WriteNotifier Notifier { get; }

    internal ClockRegistry Clocks { get; }

    internal GrainSerializer Serializer { get; }

    internal GrainRuntimeOptions Options { get; }

    internal IServiceProvider Services { get; }

    /// <inheritdoc />
    public TGrain GetGrain<TGrain>(string key) where TGrain : IGrainWithStringKey
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        var info = types.Get(typeof(TGrain));
        var proxy = DispatchProxy.Create<TGrain, GrainProxy>();
        ((GrainProxy)(object)proxy!).Bind(this, new GrainId(info.Name, key));
        return proxy;
    }

    /// <summary>True if the grain has an activation in this silo.</summary>
    public bool IsActive(GrainId grain) => activations.ContainsKey(grain);

    /// <summary>Collects activations idle for at least the collection age; returns how many were collected.</summary>
    public async Task<int> CollectIdleActivationsAsync(CancellationToken cancellationToken = default)
    {
        var now = TimeProvider.GetUtcNow();
        var collected = 0;
        foreach (var (id, activation) in activations)
        {
            if (!activation.TryCollect(now, Options.CollectionAge))
            {
                continue;
            }

            activations.TryRemove(new KeyValuePair<GrainId, Activation>(id, activation));
            collected++;
            try
            {
                await activation.DeactivateAsync(cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                logger.LogWarning(exception, "Deactivation of {Grain} failed; the activation is collected anyway", id);
            }
        }

        return collected;
    }

    /// <summary>Raised when a write by another silo is noted (grain, version), after the activation was marked stale.</summary>
    public event Action<GrainId, long>? WriteNoted;

    /// <summary>Another silo committed <paramref name="version"/> of <paramref name="grain"/>: our activation reloads before its next turn.</summary>
    public void NoteWrittenElsewhere(GrainId grain, long version)
    {
        if (activations.TryGetValue(grain, out var activation))
        {
            activation.NoteWrittenElsewhere(version);
        }

        WriteNoted?.Invoke(grain, version);
    }

    internal Task<object?> DeliverReminderAsync(GrainId grain, ReminderTick tick, CancellationToken cancellationToken)
    {
        var info = types.Get(grain.Type);
        if (!typeof(IRemindable).IsAssignableFrom(info.ImplementationType))
        {
            throw new InvalidOperationException($"Grain {grain} received reminder \"{tick.Name}\" but {info.ImplementationType.Name} is not IRemindable.");
        }

        // A tick has a stable id, so the calls its turn makes get stable derived ids: a tick delivered again after its
        // turn failed does not apply those calls twice. The tick itself needs no record: its acknowledgement commits with it.
        var context = new RequestContext("reminder", $"{tick.Name}@{tick.DueAt.UtcDateTime:O}");
        var cause = new TurnCause(TurnCause.ReminderKind, tick.Name, context.Caller, context.RequestId);
        var item = new WorkItem(
            cause,
            nameof(IRemindable.ReceiveReminder),
            async g =>
            {
                await ((IRemindable)g).ReceiveReminder(tick.Name, new TickStatus(tick.DueAt, tick.Period, g.Activation.Clock.GetUtcNow()));
                return null;
            },
            typeof(void),
            [],
            context,
            cancellationToken,
            tick);
        return SendAsync(grain, item, "ReceiveReminder", cancellationToken);
    }

    internal Task<object?> InvokeAsync(GrainId grain, GrainMethod method, object?[] arguments)
    {
        var chain = CallChain.Current;
        if (chain.Contains(grain))
        {
            throw new GrainCallCycleException(chain, grain);
        }

        var context = RequestContext.Current;
        if (!chain.IsEmpty && CallChain.Turn is { } callingTurn && context is not null)
        {
            context = context with { RequestId = callingTurn.NextNestedRequestId(chain[^1]) };
        }

        var cancellationToken = method.CancellationTokenIndex is { } index && arguments[index] is CancellationToken token ? token : CancellationToken.None;
        var cause = new TurnCause(TurnCause.CallKind, method.Name, context?.Caller ?? chainCaller(chain), context?.RequestId);
        var item = new WorkItem(cause, method.Name, g => method.InvokeOnGrain(g, arguments), method.ResultType, chain, context, cancellationToken);
        return SendAsync(grain, item, method.Name, cancellationToken);

        static string chainCaller(ImmutableArray<GrainId> chain) => chain.IsEmpty ? RequestContext.Anonymous : chain[^1].ToString();
    }

    private async Task<object?> SendAsync(GrainId grain, WorkItem item, string what, CancellationToken cancellationToken)
    {
        while (true)
        {
            var activation = activations.GetOrAdd(grain, id => new Activation(id, types.Get(id.Type), this));
            if (activation.TryEnqueue(item))
            {
                break;
            }

            activations.TryRemove(new KeyValuePair<GrainId, Activation>(grain, activation));
        }

        try
        {
            return await item.Completion.Task.WaitAsync(Options.ResponseTimeout, TimeProvider, cancellationToken);
        }
        catch (TimeoutException) when (!item.Completion.Task.IsCompleted)
        {
            throw new GrainCallTimeoutException(
                $"Call {what} on {grain} did not complete within {Options.ResponseTimeout}; the grain may be stuck or waiting on a call that cannot complete.");
        }
    }
}
