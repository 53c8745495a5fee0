using Subscriptions.Domain;
using Subscriptions.Domain.Errors;
using Subscriptions.Runtime;

namespace Subscriptions.Grains.TestClocks;

/// <summary>The persisted state of a test clock grain: when it was created and at which time it started.</summary>
public sealed record TestClockState
{
    /// <summary>The clock's start time, or null until it is created.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>How many advances were applied.</summary>
    public long Advances { get; init; }
}

/// <summary>
/// The test clock grain (CLOCK-1) over the runtime's clock registry and reminder delivery. The clock's time lives in
/// the registry; this grain gives it a lifecycle, idempotent requests and a history for ops (OPS-1).
/// </summary>
[GrainType(TypeName)]
public sealed class TestClockGrain(ClockRegistry clocks, ReminderService reminders) : Grain<TestClockState>, ITestClockGrain
{
    /// <summary>The grain type name under which test clocks are stored and inspected (OPS-1).</summary>
    public const string TypeName = "testclock";

    /// <inheritdoc />
    public async Task<TestClockView> CreateAsync(DateTimeOffset start, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (State.StartedAt is not null)
        {
            throw new AlreadyExistsException("Test clock", GrainKey);
        }

        await clocks.CreateAsync(GrainKey, start, cancellationToken);
        var now = await clocks.GetTimeAsync(GrainKey, cancellationToken);
        State = State with { StartedAt = now };
        RecordHistory("created", null, now.ToString("O"));
        return new TestClockView(GrainKey, now);
    }

    /// <inheritdoc />
    public async Task<TestClockAdvance> AdvanceAsync(DateTimeOffset target, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        RequireCreated();
        var from = await clocks.GetTimeAsync(GrainKey, cancellationToken);
        if (target < from)
        {
            throw new RuleViolationException("CLOCK-1", $"Test clock {Quoted.Of(GrainKey)} is at {from:O}; it cannot go back to {target:O}.");
        }

        // Once due events start to be delivered, the advance is carried through to its target.
        var delivered = await reminders.AdvanceClockAsync(GrainKey, target, CancellationToken.None);
        State = State with { Advances = State.Advances + 1 };
        RecordHistory("advanced", from.ToString("O"), target.ToString("O"), new { TicksDelivered = delivered });
        return new TestClockAdvance(GrainKey, from, target, delivered);
    }

    /// <inheritdoc />
    public async Task<TestClockView> GetAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        RequireCreated();
        return new TestClockView(GrainKey, await clocks.GetTimeAsync(GrainKey, cancellationToken));
    }

    private void RequireCreated()
    {
        if (State.StartedAt is null)
        {
            throw new NotFoundException("Test clock", GrainKey);
        }
    }
}
