namespace Subscriptions.Runtime;

/// <summary>
/// Base of every grain (as Orleans' Grain). A grain runs one turn at a time; what a turn changes
/// (state, history, outbox, reminders) commits in one transaction when the turn returns, or not at all.
/// </summary>
public abstract class Grain
{
    private Activation? activation;

    /// <summary>This grain's identity.</summary>
    public GrainId GrainId => Activation.Id;

    /// <summary>This grain's key.</summary>
    protected string GrainKey => Activation.Id.Key;

    /// <summary>Creates references to other grains.</summary>
    protected IGrainFactory GrainFactory => Activation.Runtime;

    /// <summary>The grain's clock: the named test clock it is bound to, or the silo clock.</summary>
    protected TimeProvider Clock => Activation.Clock;

    /// <summary>The test clock this grain is bound to, if any.</summary>
    protected string? ClockId => Activation.ClockId;

    /// <summary>Why the current turn runs.</summary>
    protected TurnCause Cause => Turn.Cause;

    /// <summary>Called once when the activation is created, after its state is loaded.</summary>
    public virtual Task OnActivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Called when an idle activation is collected. Nothing written here is persisted.</summary>
    public virtual Task OnDeactivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Registers or moves the reminder <paramref name="name"/> (committed with this turn).</summary>
    protected void RegisterOrUpdateReminder(string name, DateTimeOffset dueAt, TimeSpan? period = null) =>
        Turn.SetReminder(ReminderRegistration.Create(name, dueAt, period));

    /// <summary>Registers or moves the reminder <paramref name="name"/> to fire after <paramref name="dueTime"/> on the grain's clock.</summary>
    protected void RegisterOrUpdateReminder(string name, TimeSpan dueTime, TimeSpan? period = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dueTime, TimeSpan.Zero);
        RegisterOrUpdateReminder(name, Clock.GetUtcNow() + dueTime, period);
    }

    /// <summary>Removes the reminder <paramref name="name"/> (committed with this turn); no effect if absent.</summary>
    protected void UnregisterReminder(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Turn.RemoveReminder(name);
    }

    /// <summary>Records a history entry (what changed, from → to) with the current turn's cause.</summary>
    protected void RecordHistory(string change, string? from = null, string? to = null, object? payload = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(change);
        Turn.History.Add(new PendingHistory(change, from, to, payload is null ? null : Activation.Runtime.Serializer.Serialize(payload)));
    }

    /// <summary>Writes an outbound notification to the outbox in this turn's transaction (NOT-1).</summary>
    protected void Notify(string kind, object payload)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(kind);
        ArgumentNullException.ThrowIfNull(payload);
        Turn.Outbox.Add(new PendingOutbox(kind, Activation.Runtime.Serializer.Serialize(payload)));
    }

    /// <summary>Binds this grain (and the reminders it registers from now on) to a named test clock.</summary>
    protected void BindToClock(string clockId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(clockId);
        Activation.BindClock(clockId);
        Turn.ClockChanged = true;
    }

    /// <summary>The reminders this grain has registered, as persisted before this turn.</summary>
    protected Task<IReadOnlyList<ReminderEntry>> GetRemindersAsync() =>
        Activation.Runtime.Storage.ReadRemindersAsync(GrainId, CancellationToken.None);

    internal Activation Activation => activation ?? throw new InvalidOperationException("This grain is not activated by the runtime.");

    internal Turn Turn => Activation.CurrentTurn ?? throw new InvalidOperationException($"Grain {GrainId} is not in a turn; reminders, history and notifications can only be recorded during a call or reminder.");

    internal void Attach(Activation owner) => activation = owner;
}

/// <summary>A grain with persistent state of type <typeparamref name="TState"/> (an immutable record changed with <c>with</c>).</summary>
public abstract class Grain<TState> : Grain, IStatefulGrain where TState : class, new()
{
    /// <summary>The state as of the start of the turn plus this turn's changes; replaced, never mutated.</summary>
    protected TState State { get; set; } = new();

    /// <summary>The persisted version this state was read at (0 before the first write).</summary>
    protected long Version => Activation.Version;

    /// <summary>True once the state has been written at least once.</summary>
    protected bool RecordExists => Activation.Version > 0;

    Type IStatefulGrain.StateType => typeof(TState);

    object IStatefulGrain.State
    {
        get => State;
        set => State = (TState)value;
    }
}

/// <summary>The runtime's view of a grain's state.</summary>
internal interface IStatefulGrain
{
    Type StateType { get; }

    object State { get; set; }
}
