using Orleans;

namespace Subscriptions.Grains.TestClocks;

/// <summary>
/// A named test clock for sandbox accounts (CLOCK-1), keyed by clock id. Advancing it delivers, in due-time order, the
/// reminders of every grain bound to it, and nothing else; a retried request id returns the first answer (IDEM-1).
/// </summary>
[Alias("subscriptions.testclock")]
public interface ITestClockGrain : IGrainWithStringKey
{
    /// <summary>Creates the clock at <paramref name="start"/>; ALREADY_EXISTS if it exists.</summary>
    Task<TestClockView> CreateAsync(DateTimeOffset start, CancellationToken cancellationToken = default);

    /// <summary>Moves the clock forward to <paramref name="target"/>, firing due reminders in order; returns how many fired.</summary>
    Task<TestClockAdvance> AdvanceAsync(DateTimeOffset target, CancellationToken cancellationToken = default);

    /// <summary>The clock's current time; NOT_FOUND if it was never created. Runs between the steps of an advance, so grains woken by it can read the time.</summary>
    [Orleans.Concurrency.AlwaysInterleave, Orleans.Concurrency.ReadOnly]
    Task<TestClockView> GetAsync(CancellationToken cancellationToken = default);
}

/// <summary>A test clock and its current time.</summary>
[GenerateSerializer, Immutable, Alias("subscriptions.TestClockView")]
public sealed record TestClockView([property: Id(0)] string ClockId, [property: Id(1)] DateTimeOffset Now);

/// <summary>The outcome of one advance: where the clock was, where it is, and how many reminder ticks were delivered.</summary>
[GenerateSerializer, Immutable, Alias("subscriptions.TestClockAdvance")]
public sealed record TestClockAdvance([property: Id(0)] string ClockId, [property: Id(1)] DateTimeOffset From, [property: Id(2)] DateTimeOffset To, [property: Id(3)] int TicksDelivered);
