namespace Subscriptions.Runtime;

/// <summary>Everything one turn commits in one transaction.</summary>
internal sealed record TurnWrite(
    GrainId Grain,
    long ExpectedVersion,
    string StateJson,
    string? ClockId,
    DateTimeOffset Now,
    TurnCause Cause,
    IReadOnlyList<PendingHistory> History,
    IReadOnlyList<PendingOutbox> Outbox,
    IReadOnlyDictionary<string, ReminderRegistration?> Reminders,
    ReminderTick? Tick,
    DateTimeOffset? TickNextDue,
    RequestRecord? Request);

/// <summary>An answered request id and its first result.</summary>
internal sealed record RequestRecord(string Caller, string RequestId, string Method, string ResultJson);

/// <summary>A grain as read at activation.</summary>
internal sealed record LoadedGrain(long Version, string? StateJson, string? ClockId, IReadOnlyList<RequestRecord> Requests);

/// <summary>A grain's persisted record as billing ops inspect it (OPS-1).</summary>
public sealed record GrainSnapshot(GrainId Grain, long Version, string? StateJson, string? ClockId, DateTimeOffset? UpdatedAt);
