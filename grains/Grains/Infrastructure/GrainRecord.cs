using Orleans;
using Subscriptions.Grains.Ops;

namespace Subscriptions.Grains.Infrastructure;

/// <summary>
/// What one grain stores, written whole by one <c>WriteStateAsync</c> per change (docs/runtime.md): the grain's own
/// state and, with it, everything the change produced that must not be lost or applied twice: history entries and
/// notifications not yet handed on, answered request ids with their answers (IDEM-1), issued invoices not yet archived,
/// the test clock the grain follows and its wanted wake-up. Pending lists are emptied once handed on, answered ids
/// once older than the retention, so the record stays bounded.
/// </summary>
[GenerateSerializer, Alias("subscriptions.GrainRecord")]
public sealed record GrainRecord<TState> where TState : class, new()
{
    /// <summary>The grain's own state.</summary>
    [Id(0)]
    public TState Value { get; init; } = new();

    /// <summary>Committed changes so far (0: never written).</summary>
    [Id(1)]
    public long Version { get; init; }

    /// <summary>The sequence number of the last history entry or notification recorded.</summary>
    [Id(2)]
    public long LastSeq { get; init; }

    /// <summary>History entries not yet copied to the history table.</summary>
    [Id(3)]
    public IReadOnlyList<HistoryEntry> PendingHistory { get; init; } = [];

    /// <summary>Notifications not yet copied to the outbox table.</summary>
    [Id(4)]
    public IReadOnlyList<PendingNotification> PendingNotifications { get; init; } = [];

    /// <summary>
    /// Answered request ids as records held them before the <c>answered_requests</c> table (IDEM-1): still read for a
    /// retry, and written empty, so each record drops them at its next write.
    /// </summary>
    [Id(5)]
    public IReadOnlyDictionary<string, AnsweredRequest> Answered { get; init; } = new Dictionary<string, AnsweredRequest>();

    /// <summary>The test clock the grain follows (CLOCK-1), or null for the real clock.</summary>
    [Id(6)]
    public string? ClockId { get; init; }

    /// <summary>When the grain wants to be woken next (a due renewal, trial end…), or null.</summary>
    [Id(7)]
    public DateTimeOffset? WakeAt { get; init; }

    /// <summary>When the record was last written (silo clock).</summary>
    [Id(8)]
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Invoices this grain issued (accounts) not yet copied to the issued-invoices table.</summary>
    [Id(9)]
    public IReadOnlyList<PendingInvoice> PendingInvoices { get; init; } = [];

    /// <summary>A change that made nested changes in other grains and is not committed yet, which the grain finishes by itself; null when none.</summary>
    [Id(10)]
    public PendingIntent? Intent { get; init; }

    /// <summary>
    /// The answer of the change this write commits (IDEM-1), or null: the storage write stores it in
    /// <c>answered_requests</c> in the same statement as the record, and the next write replaces it.
    /// </summary>
    [Id(11)]
    public StoredAnswer? NewAnswer { get; init; }
}

/// <summary>One answered request (IDEM-1): the grain, "caller request-id", the method, the answer as JSON, and when (silo clock).</summary>
[GenerateSerializer, Immutable, Alias("subscriptions.StoredAnswer")]
public sealed record StoredAnswer(
    [property: Id(0)] string GrainType, [property: Id(1)] string GrainKey, [property: Id(2)] string Key, [property: Id(3)] string Method,
    [property: Id(4)] string ResultJson, [property: Id(5)] DateTimeOffset AnsweredAt);

/// <summary>
/// A change the grain has decided and started to carry into other grains (an invoice issued, a credit granted), stored
/// before the first such nested call: the call that caused it (method, caller, request id), the grain's time for it, what
/// the grain needs to finish it (its decision, as JSON) and when it was recorded (silo clock). The grain finishes it on
/// its next activation, call or reminder, whichever comes first, with the same nested request ids, so the nested changes
/// already made are answered, not made again.
/// </summary>
[GenerateSerializer, Immutable, Alias("subscriptions.PendingIntent")]
public sealed record PendingIntent(
    [property: Id(0)] TurnCause Cause, [property: Id(1)] DateTimeOffset At, [property: Id(2)] string PayloadJson, [property: Id(3)] DateTimeOffset RecordedAt);

/// <summary>An issued invoice waiting to be archived (INV-1): its account, number, clock and the invoice as JSON.</summary>
[GenerateSerializer, Immutable, Alias("subscriptions.PendingInvoice")]
public sealed record PendingInvoice(
    [property: Id(0)] string AccountId, [property: Id(1)] string Number, [property: Id(2)] string? ClockId, [property: Id(3)] string InvoiceJson, [property: Id(4)] DateTimeOffset IssuedAt);

/// <summary>A notification a change produced (NOT-1), waiting to be handed to the outbox.</summary>
[GenerateSerializer, Immutable, Alias("subscriptions.PendingNotification")]
public sealed record PendingNotification([property: Id(0)] long Seq, [property: Id(1)] long Version, [property: Id(2)] string Kind, [property: Id(3)] string PayloadJson, [property: Id(4)] DateTimeOffset CreatedAt);

/// <summary>The answer given to a request id (IDEM-1): for which method, the answer as JSON, and when (silo clock).</summary>
[GenerateSerializer, Immutable, Alias("subscriptions.AnsweredRequest")]
public sealed record AnsweredRequest([property: Id(0)] string Method, [property: Id(1)] string ResultJson, [property: Id(2)] DateTimeOffset AnsweredAt);
