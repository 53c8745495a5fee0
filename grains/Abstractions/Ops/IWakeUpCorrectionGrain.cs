using Orleans;

namespace Subscriptions.Grains.Ops;

/// <summary>
/// Billing ops' corrections of a grain's wake-up (docs/ops.md), each with a reason recorded in the grain's history with
/// the ops caller and answered once per request id (IDEM-1). Firing runs only the events already due at the grain's
/// time: billing rules never bend. Rescheduling moves the wake-up (a later time holds the due events until then, an
/// earlier one only wakes the grain sooner); cancelling drops it. Either lasts until the grain is woken by it or its
/// state wants another wake-up.
/// </summary>
[Alias("subscriptions.wake-up-correction")]
public interface IWakeUpCorrectionGrain : IGrainWithStringKey
{
    /// <summary>Runs the events due now; refused (OPS-1) when none is due.</summary>
    [Alias("fire")]
    Task<WakeUpState> FireWakeUpAsync(string reason, CancellationToken cancellationToken = default);

    /// <summary>Moves the grain's wake-up to <paramref name="at"/> (after the grain's time, within a year).</summary>
    [Alias("reschedule")]
    Task<WakeUpState> RescheduleWakeUpAsync(DateTimeOffset at, string reason, CancellationToken cancellationToken = default);

    /// <summary>Drops the grain's wake-up until its state wants another one.</summary>
    [Alias("cancel")]
    Task<WakeUpState> CancelWakeUpAsync(string reason, CancellationToken cancellationToken = default);
}

/// <summary>
/// A grain's wake-up after a correction: what it is for, when it will be woken (null: never, until its state wants
/// another), when its state wants it, and how many due events a firing ran.
/// </summary>
[GenerateSerializer, Immutable, Alias("subscriptions.WakeUpState")]
public sealed record WakeUpState(
    [property: Id(0)] string? Name, [property: Id(1)] DateTimeOffset? DueAt, [property: Id(2)] DateTimeOffset? WantedAt, [property: Id(3)] int EventsRun);

/// <summary>The history details of a wake-up correction: fire, reschedule or cancel, and why.</summary>
public sealed record WakeUpCorrectionEntry(string Action, string Reason);
