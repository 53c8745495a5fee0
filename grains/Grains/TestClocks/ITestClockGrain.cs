using Subscriptions.Runtime;

namespace Subscriptions.Grains.TestClocks;

/// <summary>
/// A named test clock for sandbox accounts (CLOCK-1), keyed by clock id. Advancing it delivers, in due-time order, the
/// reminders of every grain bound to it, and nothing else; a retried request id returns the first answer (IDEM-1).
/// </summary>
public interface ITestClockGrain : IGrainWithStringKey
{
    /// <summary>Creates the clock at <paramref name="start"/>; ALREADY_EXISTS if it exists.</summary>
    Task<TestClockView> CreateAsync(DateTimeOffset start, CancellationToken cancellationToken = default);

    /// <summary>Moves the clock forward to <paramref name="target"/>, firing due reminders in order; returns how many fired.</summary>
    Task<TestClockAdvance> AdvanceAsync(DateTimeOffset target, CancellationToken cancellationToken = default);

    /// <summary>The clock's current time; NOT_FOUND if it was never created.</summary>
    Task<TestClockView> GetAsync(CancellationToken cancellationToken = default);
}

/// <summary>A test clock and its current time.</summary>
public sealed record TestClockView(string ClockId, DateTimeOffset Now);

/// <summary>The outcome of one advance: where the clock was, where it is, and how many reminder ticks were delivered.</summary>
public sealed record TestClockAdvance(string ClockId, DateTimeOffset From, DateTimeOffset To, int TicksDelivered);
