using Orleans.Runtime;
using Orleans;
using Subscriptions.Domain.Errors;
using Subscriptions.Domain;
using Subscriptions.Grains.Infrastructure;
using Subscriptions.Grains.Ops;

namespace Subscriptions.Grains.TestClocks;

/// <summary>The state of a test clock grain: when it started and where it stands.</summary>
[GenerateSerializer, Alias("subscriptions.TestClockState")]
public sealed record TestClockState : IProjectedState<TestClockState>
{
    /// <summary>The clock's start time, or null until it is created.</summary>
    [Id(0)]
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>The clock's current time.</summary>
    [Id(1)]
    public DateTimeOffset Now { get; init; }

    /// <summary>How many advances were applied.</summary>
    [Id(2)]
    public long Advances { get; init; }

    /// <summary>A test clock is found by its id, not searched: it has no projection row.</summary>
    public static ProjectedFields? Project(TestClockState state) => null;
}

/// <summary>
/// The test clock grain (CLOCK-1). The sandbox grains bound to the clock schedule their next due event in the clock's
/// table; advancing the clock wakes them one event at a time, in due order, each seeing the clock at that event's time
/// (<see cref="ITestClockGrain.GetAsync"/> runs between the steps), and touches no other clock's grains. Each wake-up is
/// committed by the woken grain before the table moves on, so a silo that stops mid-advance loses nothing: the client's
/// retry (same request id) carries on from the first event not yet delivered.
/// </summary>
[GrainType(TypeName)]
public sealed class TestClockGrain(
    [PersistentState(TestClockGrain.TypeName, SubscriptionsStorage.Name)] IPersistentState<GrainRecord<TestClockState>> record,
    GrainServices services) : RecordedGrain<TestClockState>(record, services), ITestClockGrain
{
    /// <summary>The grain type name under which test clocks are stored and inspected (OPS-1).</summary>
    public const string TypeName = "testclock";

    private DateTimeOffset? _advancingAt;

    /// <inheritdoc />
    protected override string GrainTypeName => TypeName;

    /// <inheritdoc />
    public Task<TestClockView> CreateAsync(DateTimeOffset start, CancellationToken cancellationToken = default) =>
        ChangeSync(nameof(CreateAsync), () =>
        {
            if (State.StartedAt is not null)
            {
                throw new AlreadyExistsException("Test clock", GrainKey);
            }

            if (!Limits.InRange(start))
            {
                throw new ValidationException("start_time", $"start_time must lie from {Limits.InstantRange} (got {start.UtcDateTime:O}).");
            }

            var at = start.ToUniversalTime();
            State = State with { StartedAt = at, Now = at };
            RecordHistory("created", null, at.ToString("O"));
            return new TestClockView(GrainKey, at);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<TestClockAdvance> AdvanceAsync(DateTimeOffset target, CancellationToken cancellationToken = default) =>
        ChangeAsync(nameof(AdvanceAsync), async () =>
        {
            RequireCreated();
            var from = State.Now;
            if (!Limits.InRange(target))
            {
                throw new ValidationException("target_time", $"target_time must lie from {Limits.InstantRange} (got {target.UtcDateTime:O}).");
            }

            if (target < from)
            {
                throw new RuleViolationException(Rules.Clock1, $"Test clock {Quoted.Of(GrainKey)} is at {from:O}; it cannot go back to {target:O}.");
            }

            // Once due events start to be delivered, the advance is carried through to its target.
            var delivered = 0;
            var at = from;
            ClockEvent? previous = null;
            try
            {
                while (await Services.Tables.NextClockEventAsync(GrainKey, target, CancellationToken.None) is { } next)
                {
                    if (next == previous)
                    {
                        // The grain was woken for this very event and did not move it on: stop rather than loop.
                        throw new InvalidOperationException(
                            $"Test clock {Quoted.Of(GrainKey)}: {next.GrainType}/{next.GrainKey} was woken for {next.DueAt:O} and still wants that time; the advance stops instead of looping.");
                    }

                    previous = next;
                    // The clock never goes back within an advance, even for an event scheduled before it.
                    at = next.DueAt > at ? next.DueAt : at;
                    _advancingAt = at;
                    // The woken grain, and the grains it calls, get the clock's time with the call instead of calling
                    // back: a call back into this activation can be held up for the whole response timeout when the
                    // activation is being moved (a silo holding its directory entry was declared dead mid-advance).
                    DateTimeOffset? wakeAgain;
                    try
                    {
                        using (CallContext.EnterClockTime(GrainKey, at))
                        {
                            wakeAgain = await GrainFactory.GetGrain<IWakeableGrain>(GrainId.Create(next.GrainType, next.GrainKey)).WakeAsync(at);
                        }
                    }
                    catch (Exception e) when (!IsOutage(e))
                    {
                        // A poison event: counted, retried, then quarantined so the clock's later events are delivered.
                        var limit = Services.Options.ClockEventFailureLimit;
                        var reason = RichReason(e);
                        var failures = await Services.Tables.RecordClockEventFailureAsync(GrainKey, next, reason, limit, Services.Time.GetUtcNow(), CancellationToken.None);
                        if (failures >= limit)
                        {
                            RecordHistory("event-quarantined", null, null, new { next.GrainType, next.GrainKey, next.DueAt, Failures = failures, Reason = reason });
                        }

                        previous = null;
                        continue;
                    }

                    await Services.Tables.CompleteClockEventAsync(GrainKey, next, wakeAgain, CancellationToken.None);
                    delivered++;
                }
            }
            finally
            {
                _advancingAt = null;
            }

            State = State with { Now = target.ToUniversalTime(), Advances = State.Advances + 1 };
            RecordHistory("advanced", from.ToString("O"), target.ToUniversalTime().ToString("O"), new { TicksDelivered = delivered });
            return new TestClockAdvance(GrainKey, from, target, delivered);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<TestClockView> GetAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        RequireCreated();
        return Task.FromResult(new TestClockView(GrainKey, _advancingAt ?? State.Now));
    }

    /// <summary>What ops see of a failed wake-up: the exception's kind and message, at most 400 characters.</summary>
    private static string RichReason(Exception e)
    {
        var text = $"{e.GetType().Name}: {e.Message}";
        return text.Length <= 400 ? text : string.Concat(text.AsSpan(0, 399), "…");
    }

    private void RequireCreated()
    {
        if (State.StartedAt is null)
        {
            throw new NotFoundException("Test clock", GrainKey);
        }
    }
}
