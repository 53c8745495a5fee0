namespace Subscriptions.Runtime;

/// <summary>What one turn has asked to commit besides its state: history, outbox messages, reminder changes.</summary>
internal sealed class Turn(TurnCause cause)
{
    private readonly Dictionary<string, ReminderRegistration?> reminders = new(StringComparer.Ordinal);
    private int calls;

    public TurnCause Cause { get; } = cause;

    public List<PendingHistory> History { get; } = [];

    public List<PendingOutbox> Outbox { get; } = [];

    /// <summary>Reminder changes by name, in registration order: a registration, or null for a removal.</summary>
    public IReadOnlyDictionary<string, ReminderRegistration?> Reminders => reminders;

    /// <summary>The reminder tick this turn delivers, acknowledged in the same transaction.</summary>
    public ReminderTick? Tick { get; init; }

    public bool ClockChanged { get; set; }

    public bool HasWork => History.Count > 0 || Outbox.Count > 0 || reminders.Count > 0 || Tick is not null || ClockChanged;

    /// <summary>
    /// The request id of the next call this turn makes to another grain: the turn's own id plus the caller and the
    /// call's position, so a retried request replays the same nested calls under the same ids (and they are
    /// answered from their first results), while two calls in one request never share an id.
    /// </summary>
    public string? NextNestedRequestId(GrainId caller) =>
        Cause.RequestId is { } requestId ? $"{requestId}>{caller}#{Interlocked.Increment(ref calls)}" : null;

    public void SetReminder(ReminderRegistration registration) => reminders[registration.Name] = registration;

    public void RemoveReminder(string name) => reminders[name] = null;
}

internal sealed record PendingHistory(string Change, string? From, string? To, string? PayloadJson);

internal sealed record PendingOutbox(string Kind, string PayloadJson);

/// <summary>A reminder as a grain registers it: a name, the instant it is due, and an optional period.</summary>
public sealed record ReminderRegistration
{
    private ReminderRegistration(string name, DateTimeOffset dueAt, TimeSpan? period)
    {
        Name = name;
        DueAt = dueAt;
        Period = period;
    }

    public string Name { get; }

    public DateTimeOffset DueAt { get; }

    public TimeSpan? Period { get; }

    /// <summary>Validates and creates a registration; the period, when given, must be positive.</summary>
    public static ReminderRegistration Create(string name, DateTimeOffset dueAt, TimeSpan? period)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (name.Length > 200)
        {
            throw new ArgumentException($"Reminder name \"{name[..20]}…\" is longer than 200 characters.", nameof(name));
        }

        if (period is { } p && p <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(period), p, $"The period of reminder \"{name}\" must be positive.");
        }

        return new ReminderRegistration(name, dueAt.ToUniversalTime(), period);
    }
}

/// <summary>A reminder as stored: its grain, name, due time, period and the test clock it follows (if any).</summary>
public sealed record ReminderEntry(GrainId Grain, string Name, DateTimeOffset DueAt, TimeSpan? Period, string? ClockId);

/// <summary>One delivery of a reminder that came due (claimed by a silo, or fired by a test clock).</summary>
internal sealed record ReminderTick(string Name, DateTimeOffset DueAt, TimeSpan? Period)
{
    /// <summary>The next due time after a tick delivered at <paramref name="now"/>: one per period, never one per missed period.</summary>
    public DateTimeOffset? NextDue(DateTimeOffset now)
    {
        if (Period is not { } period)
        {
            return null;
        }

        var next = DueAt + period;
        if (next <= now)
        {
            var missed = (now - DueAt).Ticks / period.Ticks;
            next = DueAt + TimeSpan.FromTicks(period.Ticks * (missed + 1));
        }

        return next;
    }
}
