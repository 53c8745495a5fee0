namespace Subscriptions.Runtime.Bench;

/// <summary>The grain every benchmark cell calls: one writing method, one read-only method.</summary>
public interface IBenchGrain : IGrainWithStringKey
{
    /// <summary>Adds one to the counter and records it in the history: every call commits one transaction.</summary>
    Task<long> IncrementAsync();

    /// <summary>Returns the counter; changes nothing, so nothing is written.</summary>
    Task<long> ReadAsync();
}

/// <summary>The benchmark grain's state: a counter.</summary>
public sealed record BenchState
{
    public long Count { get; init; }
}

/// <summary>A counter grain whose increments are ordinary turns: new state plus one history entry.</summary>
public sealed class BenchGrain : Grain<BenchState>, IBenchGrain
{
    public Task<long> IncrementAsync()
    {
        var before = State.Count;
        State = State with { Count = before + 1 };
        RecordHistory("incremented", Text(before), Text(State.Count));
        return Task.FromResult(State.Count);
    }

    public Task<long> ReadAsync() => Task.FromResult(State.Count);

    private static string Text(long value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
