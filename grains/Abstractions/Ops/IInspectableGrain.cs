using Orleans;

namespace Subscriptions.Grains.Ops;

/// <summary>Any grain of this service, as billing ops inspect it (OPS-1).</summary>
[Alias("subscriptions.inspectable")]
public interface IInspectableGrain : IGrainWithStringKey
{
    /// <summary>The grain's stored state and what hangs on it, with its whole history; NOT_FOUND when it was never written.</summary>
    Task<GrainInspection> InspectAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// The same with one page of its history: the newest <paramref name="historyLimit"/> entries numbered before
    /// <paramref name="historyBefore"/> (null: the newest), so an old grain's inspection costs what a new one's does.
    /// </summary>
    [Alias("inspect-page")]
    Task<GrainInspection> InspectPageAsync(int historyLimit, long? historyBefore, CancellationToken cancellationToken = default);
}

/// <summary>
/// A grain as stored (OPS-1): its state as JSON, its version (one per committed change) and storage ETag, the test
/// clock it follows, its pending wake-up (an Orleans reminder on the real clock, or its test clock's schedule) and
/// its full history in order, with causes.
/// </summary>
[GenerateSerializer, Immutable, Alias("subscriptions.GrainInspection")]
public sealed record GrainInspection(
    [property: Id(0)] string GrainType,
    [property: Id(1)] string GrainKey,
    [property: Id(2)] long Version,
    [property: Id(3)] string? ETag,
    [property: Id(4)] string StateJson,
    [property: Id(5)] string? ClockId,
    [property: Id(6)] DateTimeOffset UpdatedAt,
    [property: Id(7)] IReadOnlyList<PendingWakeUp> WakeUps,
    [property: Id(8)] IReadOnlyList<HistoryEntry> History,
    [property: Id(9)] long? EarlierHistoryBefore = null);

/// <summary>When a grain will next be woken: by an Orleans reminder (no clock) or by its test clock.</summary>
[GenerateSerializer, Immutable, Alias("subscriptions.PendingWakeUp")]
public sealed record PendingWakeUp(
    [property: Id(0)] string Name, [property: Id(1)] DateTimeOffset DueAt, [property: Id(2)] TimeSpan? Period, [property: Id(3)] string? ClockId,
    [property: Id(4)] int Failures = 0, [property: Id(5)] string? QuarantinedReason = null);

/// <summary>Why a change was made: a call (its method) or a reminder, by whom, under which request id.</summary>
[GenerateSerializer, Immutable, Alias("subscriptions.TurnCause")]
public sealed record TurnCause([property: Id(0)] string Kind, [property: Id(1)] string Name, [property: Id(2)] string Caller, [property: Id(3)] string? RequestId)
{
    /// <summary>A call of a grain method.</summary>
    public const string CallKind = "call";

    /// <summary>A reminder or test clock waking the grain.</summary>
    public const string ReminderKind = "reminder";
}

/// <summary>One recorded change of a grain: its place in the grain's history, the write that made it, when, why and what.</summary>
[GenerateSerializer, Immutable, Alias("subscriptions.HistoryEntry")]
public sealed record HistoryEntry(
    [property: Id(0)] long Seq,
    [property: Id(1)] long Version,
    [property: Id(2)] DateTimeOffset At,
    [property: Id(3)] TurnCause Cause,
    [property: Id(4)] string Change,
    [property: Id(5)] string? From,
    [property: Id(6)] string? To,
    [property: Id(7)] string? PayloadJson);
