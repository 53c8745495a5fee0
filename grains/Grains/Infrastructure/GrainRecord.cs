using System.Text.Json.Serialization;
using Orleans;
using Subscriptions.Grains.Ops;

namespace Subscriptions.Grains.Infrastructure;

/// <summary>
/// What one grain stores, written by one <c>WriteStateAsync</c> per change (docs/runtime.md): the grain's own state,
/// its version and history sequence, the test clock it follows, its wanted wake-up and an unfinished change, if any.
/// Nothing in it grows with the requests the grain answers or the changes it makes: what a change produced besides the
/// state (history, notifications, issued invoices, the answer to its request id) travels with the write as
/// <see cref="Change"/> and is committed by the storage in the same transaction, into tables of their own. Stored as
/// JSON by the grain storage, never sent in a grain call.
/// </summary>
public sealed record GrainRecord<TState> : IRecordWithChange where TState : class, new()
{
    /// <summary>The grain's own state.</summary>
    public TState Value { get; init; } = new();

    /// <summary>Committed changes so far (0: never written).</summary>
    public long Version { get; init; }

    /// <summary>The sequence number of the last history entry or notification recorded.</summary>
    public long LastSeq { get; init; }

    /// <summary>The test clock the grain follows (CLOCK-1), or null for the real clock.</summary>
    public string? ClockId { get; init; }

    /// <summary>When the grain wants to be woken next (a due renewal, trial end…), or null.</summary>
    public DateTimeOffset? WakeAt { get; init; }

    /// <summary>When the record was last written (silo clock).</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>When a wake-up last committed a change (the grain's clock), or null: the "last tick" ops see.</summary>
    public DateTimeOffset? LastWokenAt { get; init; }

    /// <summary>An ops correction of the wake-up (rescheduled or cancelled), while it lasts; null when none.</summary>
    public WakeCorrection? WakeCorrection { get; init; }

    /// <summary>
    /// A change that made nested changes in other grains and is not committed yet, which the grain finishes by itself;
    /// null when none. Stored in <c>pending_intents</c> by the commit of the first nested change (not in the record), and
    /// set here when the record is read (<see cref="IRecordWithChange.WithIntent"/>).
    /// </summary>
    public PendingIntent? Intent { get; init; }

    /// <summary>
    /// What the write of this record commits with it, in the same transaction (null: nothing); never stored in the
    /// record itself, and dropped once written.
    /// </summary>
    [JsonIgnore]
    public ChangeRows? Change { get; init; }

    /// <inheritdoc />
    public object WithIntent(PendingIntent intent) => this with { Intent = intent };
}

/// <summary>A stored state that carries, for its next write, the rows its change produced (see <see cref="ChangeRows"/>).</summary>
public interface IRecordWithChange
{
    /// <summary>The rows the next write commits with the state, or null.</summary>
    ChangeRows? Change { get; }

    /// <summary>The record with the intent the storage found stored for its grain (<c>pending_intents</c>).</summary>
    object WithIntent(PendingIntent intent);
}

/// <summary>
/// Everything a change produced besides the grain's state, committed by the storage in the same transaction as the
/// state or not at all: history entries with their cause (OPS-1), notifications for the outbox (NOT-1), invoices the
/// account issued (INV-1), the answer to the change's request id (IDEM-1) and, for a sandbox grain, its wake-up on its
/// test clock (CLOCK-1), and the grain's ops projection row when it changed (<see cref="ProjectionRow"/>). Its lists hold one change's output only, never accumulated: the entries of one decision
/// (bounded by the domain's history of that decision), its notifications, and at most the one invoice the change
/// issued. They are never serialized into the record, and the grain drops them once the write commits, so a grain
/// that has made 10,000 changes writes what a new one writes.
/// </summary>
public sealed record ChangeRows(
    IReadOnlyList<HistoryEntry> History,
    IReadOnlyList<PendingNotification> Notifications,
    IReadOnlyList<PendingInvoice> Invoices,
    StoredAnswer? Answer,
    ClockWakeUp? ClockWakeUp)
{
    /// <summary>The grain's ops projection row, when it differs from the one last written; null otherwise.</summary>
    public ProjectionRow? Projection { get; init; }

    /// <summary>The grain's Orleans reminder row as the change wants it (armed or dropped), when the change moves it; null otherwise.</summary>
    public ReminderRow? Reminder { get; init; }

    /// <summary>
    /// Another grain's intent, carried by this change because it is that grain's first nested change: stored in
    /// <c>pending_intents</c> with this commit, so the other grain finishes its change even if its own write never lands.
    /// </summary>
    public CarriedIntent? CarriedIntent { get; init; }

    /// <summary>True when this commit finishes the grain's own intent: its <c>pending_intents</c> row goes with it.</summary>
    public bool ClearsIntent { get; init; }

    /// <summary>Another grain's first record, created by this change in the same commit (an invoice, by the account change that issues it); null when none.</summary>
    public BornRecord? Born { get; init; }

    /// <summary>Nothing but the record.</summary>
    public static ChangeRows None { get; } = new([], [], [], null, null);

    /// <summary>True when there is nothing to commit besides the state.</summary>
    public bool IsEmpty => History.Count == 0 && Notifications.Count == 0 && Invoices.Count == 0 && Answer is null && ClockWakeUp is null && Projection is null && Reminder is null
        && CarriedIntent is null && !ClearsIntent && Born is null;
}

/// <summary>
/// A grain's intent travelling with its first nested call (in the call's request context) to the grain that commits it:
/// the grain's type and key, and the intent.
/// </summary>
[GenerateSerializer, Immutable, Alias("subscriptions.CarriedIntent")]
public sealed record CarriedIntent([property: Id(0)] string GrainType, [property: Id(1)] string GrainKey, [property: Id(2)] PendingIntent Intent);

/// <summary>
/// A grain's first record, created by another grain's change and committed with it, so the grain is never written a
/// second time just to take what that change made (an invoice issued by its account, docs/runtime.md): the grain's type
/// and key, its record at version 1 (a <see cref="GrainRecord{TState}"/> of the grain's state), its one first history
/// entry, its ops projection row, and its wake-up as a reminder row (production) or a test clock's event (CLOCK-1).
/// Like the rest of <see cref="ChangeRows"/>, it travels with one write and is never stored in a record. The record is
/// inserted only if the creating change's own record is written, and a record of that key already stored fails the
/// whole commit.
/// </summary>
public sealed record BornRecord(
    string GrainType, string GrainKey, object Record, HistoryEntry History, ProjectionRow? Projection, ReminderRow? Reminder, ClockWakeUp? ClockWakeUp);

/// <summary>
/// A grain's row in Orleans' reminder table (<c>orleans_reminders</c>) as a change wants it, committed with the change:
/// registered to start at <paramref name="StartTime"/> (the reminder service's clock) with <paramref name="Period"/>,
/// or removed when <paramref name="StartTime"/> is null. <paramref name="GrainId"/> and <paramref name="GrainHash"/> are
/// Orleans' text form and uniform hash of the grain id, as the reminder provider stores them.
/// </summary>
public sealed record ReminderRow(string ServiceId, string GrainId, int GrainHash, string Name, DateTimeOffset? StartTime, TimeSpan Period);

/// <summary>
/// An ops correction of a grain's wake-up: woken at <paramref name="At"/> instead (null: not at all) while the state
/// still wants it at <paramref name="Wanted"/>; it ends when the grain is woken at <paramref name="At"/> or its state
/// wants another wake-up.
/// </summary>
public sealed record WakeCorrection(DateTimeOffset? At, DateTimeOffset? Wanted);

/// <summary>A sandbox grain's wake-up on test clock <paramref name="ClockId"/>: at <paramref name="DueAt"/>, or none (null).</summary>
public sealed record ClockWakeUp(string ClockId, DateTimeOffset? DueAt);

/// <summary>One answered request (IDEM-1): "caller request-id", the method, the answer as JSON, and when (silo clock).</summary>
public sealed record StoredAnswer(string Key, string Method, string ResultJson, DateTimeOffset AnsweredAt);

/// <summary>
/// A change the grain has decided and started to carry into other grains (an invoice issued, a credit granted), stored
/// with the first such nested change: the call that caused it (method, caller, request id), the grain's time for it, what
/// the grain needs to finish it (its decision, as JSON), when it was recorded (silo clock) and the version of the grain's
/// record it was decided on (null for an intent stored in the record by an earlier release). The grain finishes it on its
/// next activation or call, or when a silo's sweep finds it, whichever comes first, with the same nested request ids, so
/// the nested changes already made are answered, not made again.
/// </summary>
[GenerateSerializer, Immutable, Alias("subscriptions.PendingIntent")]
public sealed record PendingIntent(
    [property: Id(0)] TurnCause Cause, [property: Id(1)] DateTimeOffset At, [property: Id(2)] string PayloadJson, [property: Id(3)] DateTimeOffset RecordedAt,
    [property: Id(4)] long? BaseVersion = null);

/// <summary>An invoice an account issued (INV-1), committed with the account's change: its account, number, clock and the invoice as JSON.</summary>
public sealed record PendingInvoice(string AccountId, string Number, string? ClockId, string InvoiceJson, DateTimeOffset IssuedAt);

/// <summary>A notification a change produced (NOT-1), committed to the outbox with the change.</summary>
public sealed record PendingNotification(long Seq, long Version, string Kind, string PayloadJson, DateTimeOffset CreatedAt);

/// <summary>The answer given to a request id (IDEM-1): for which method, the answer as JSON, and when (silo clock).</summary>
[GenerateSerializer, Immutable, Alias("subscriptions.AnsweredRequest")]
public sealed record AnsweredRequest([property: Id(0)] string Method, [property: Id(1)] string ResultJson, [property: Id(2)] DateTimeOffset AnsweredAt);
