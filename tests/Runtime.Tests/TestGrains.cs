using System.Collections.Concurrent;
using System.Collections.Immutable;
using Subscriptions.Runtime;

namespace Subscriptions.Runtime.Tests;

public interface ICounterGrain : IGrainWithStringKey
{
    Task<int> IncrementAsync(int by);

    Task<int> GetAsync();

    Task AppendAsync(int value);

    Task<ImmutableList<int>> GetValuesAsync();

    /// <summary>Changes state, history, outbox and reminders, then throws: nothing may remain.</summary>
    Task FailAfterChangingEverythingAsync();

    Task RegisterReminderAsync(string name, TimeSpan dueTime, TimeSpan? period);

    Task NotifyAsync(string kind);

    Task<int> CallOtherAsync(string otherKey);

    /// <summary>Increments another counter twice in one turn, then records a marker or throws.</summary>
    Task<int> IncrementOtherTwiceAsync(string otherKey, int by, bool failAfterwards);

    Task<int> EnterAndWaitAsync(string latch);
}

public sealed record CounterState
{
    public int Count { get; init; }

    public ImmutableList<int> Values { get; init; } = [];
}

public sealed class CounterGrain(Latches latches) : Grain<CounterState>, ICounterGrain, IRemindable
{
    public Task<int> IncrementAsync(int by)
    {
        var before = State.Count;
        State = State with { Count = before + by };
        RecordHistory("incremented", before.ToString(System.Globalization.CultureInfo.InvariantCulture), State.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return Task.FromResult(State.Count);
    }

    public Task<int> GetAsync() => Task.FromResult(State.Count);

    public Task AppendAsync(int value)
    {
        State = State with { Values = State.Values.Add(value) };
        return Task.CompletedTask;
    }

    public Task<ImmutableList<int>> GetValuesAsync() => Task.FromResult(State.Values);

    public Task FailAfterChangingEverythingAsync()
    {
        State = State with { Count = State.Count + 1000 };
        RecordHistory("doomed");
        Notify("doomed", new { GrainKey });
        RegisterOrUpdateReminder("doomed", TimeSpan.FromHours(1));
        throw new InvalidOperationException($"Counter \"{GrainKey}\" refuses after changing everything.");
    }

    public Task RegisterReminderAsync(string name, TimeSpan dueTime, TimeSpan? period)
    {
        RegisterOrUpdateReminder(name, dueTime, period);
        return Task.CompletedTask;
    }

    public Task NotifyAsync(string kind)
    {
        Notify(kind, new { Counter = GrainKey, State.Count });
        return Task.CompletedTask;
    }

    public Task<int> CallOtherAsync(string otherKey) => GrainFactory.GetGrain<ICounterGrain>(otherKey).CallOtherAsync(GrainKey);

    public async Task<int> IncrementOtherTwiceAsync(string otherKey, int by, bool failAfterwards)
    {
        var other = GrainFactory.GetGrain<ICounterGrain>(otherKey);
        await other.IncrementAsync(by);
        var total = await other.IncrementAsync(by);
        if (failAfterwards)
        {
            throw new InvalidOperationException($"Counter \"{GrainKey}\" fails after calling \"{otherKey}\".");
        }

        State = State with { Count = State.Count + 1 };
        return total;
    }

    public async Task<int> EnterAndWaitAsync(string latch)
    {
        await latches.EnterAndWaitAsync(latch);
        State = State with { Count = State.Count + 1 };
        return State.Count;
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName.StartsWith("forward:", StringComparison.Ordinal))
        {
            await GrainFactory.GetGrain<ICounterGrain>(reminderName["forward:".Length..]).IncrementAsync(1);
            if (latches.TakeFault())
            {
                throw new InvalidOperationException($"Counter \"{GrainKey}\" fails after forwarding its tick.");
            }
        }

        State = State with { Count = State.Count + 1 };
    }
}

/// <summary>Named gates a grain turn can stop at until the test releases it.</summary>
public sealed class Latches
{
    private readonly ConcurrentDictionary<string, (TaskCompletionSource Entered, TaskCompletionSource Release)> gates = new();
    private int faults;

    /// <summary>Makes the next <see cref="TakeFault"/> answer true.</summary>
    public void FailOnce() => Interlocked.Exchange(ref faults, 1);

    internal bool TakeFault() => Interlocked.Exchange(ref faults, 0) == 1;

    public Task Entered(string name) => Gate(name).Entered.Task;

    public void Release(string name) => Gate(name).Release.TrySetResult();

    internal Task EnterAndWaitAsync(string name)
    {
        var gate = Gate(name);
        gate.Entered.TrySetResult();
        return gate.Release.Task;
    }

    private (TaskCompletionSource Entered, TaskCompletionSource Release) Gate(string name) =>
        gates.GetOrAdd(name, _ => (new(TaskCreationOptions.RunContinuationsAsynchronously), new(TaskCreationOptions.RunContinuationsAsynchronously)));
}

public interface IAlarmGrain : IGrainWithStringKey
{
    Task BindAsync(string clockId);

    Task ScheduleAsync(string name, DateTimeOffset dueAt, TimeSpan? period);

    Task ScheduleInAsync(string name, TimeSpan dueTime, TimeSpan? period);

    Task CancelAsync(string name);

    Task<ImmutableList<Tick>> GetTicksAsync();

    Task<IReadOnlyList<ReminderEntry>> GetRemindersAsync();
}

public sealed record Tick(string Name, DateTimeOffset DueAt, DateTimeOffset SeenAt);

public sealed record AlarmState
{
    public ImmutableList<Tick> Ticks { get; init; } = [];
}

/// <summary>Records every reminder tick it receives, with the time its clock showed.</summary>
public sealed class AlarmGrain : Grain<AlarmState>, IAlarmGrain, IRemindable
{
    public Task BindAsync(string clockId)
    {
        BindToClock(clockId);
        return Task.CompletedTask;
    }

    public Task ScheduleAsync(string name, DateTimeOffset dueAt, TimeSpan? period)
    {
        RegisterOrUpdateReminder(name, dueAt, period);
        return Task.CompletedTask;
    }

    public Task ScheduleInAsync(string name, TimeSpan dueTime, TimeSpan? period)
    {
        RegisterOrUpdateReminder(name, dueTime, period);
        return Task.CompletedTask;
    }

    public Task CancelAsync(string name)
    {
        UnregisterReminder(name);
        return Task.CompletedTask;
    }

    public Task<ImmutableList<Tick>> GetTicksAsync() => Task.FromResult(State.Ticks);

    Task<IReadOnlyList<ReminderEntry>> IAlarmGrain.GetRemindersAsync() => GetRemindersAsync();

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        State = State with { Ticks = State.Ticks.Add(new Tick(reminderName, status.DueAt, Clock.GetUtcNow())) };
        RecordHistory("ticked", to: reminderName);
        return Task.CompletedTask;
    }
}

public interface IStuckGrain : IGrainWithStringKey
{
    Task WaitForeverAsync();
}

public sealed class StuckGrain : Grain, IStuckGrain
{
    private readonly TaskCompletionSource never = new();

    public Task WaitForeverAsync() => never.Task;
}

public interface IWalletGrain : IGrainWithStringKey
{
    Task AddAsync(PaymentInstrument instrument);

    Task<ImmutableList<PaymentInstrument>> GetAsync();
}

/// <summary>A polymorphic record, as domain state often holds (the discriminator must survive jsonb's key order).</summary>
[System.Text.Json.Serialization.JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(CardInstrument), "card")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(BankInstrument), "bank")]
public abstract record PaymentInstrument(string Token);

public sealed record CardInstrument(string Token, string Brand) : PaymentInstrument(Token);

public sealed record BankInstrument(string Token, string Zzz) : PaymentInstrument(Token);

public sealed record WalletState
{
    public ImmutableList<PaymentInstrument> Instruments { get; init; } = [];
}

public sealed class WalletGrain : Grain<WalletState>, IWalletGrain
{
    public Task AddAsync(PaymentInstrument instrument)
    {
        State = State with { Instruments = State.Instruments.Add(instrument) };
        return Task.CompletedTask;
    }

    public Task<ImmutableList<PaymentInstrument>> GetAsync() => Task.FromResult(State.Instruments);
}
