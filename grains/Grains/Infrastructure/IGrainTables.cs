using System.Data.Common;
using System.Net.Sockets;
using Subscriptions.Grains.Ops;

namespace Subscriptions.Grains.Infrastructure;

/// <summary>
/// What grains read from, and do to, the tables their changes are committed into (silo/Storage implements it on
/// PostgreSQL): answered requests (IDEM-1), history (OPS-1), issued invoices (INV-1), personal data to erase (ACC-8) and
/// the test clocks' schedules (CLOCK-1). A database that cannot be reached surfaces as
/// <see cref="StorageUnavailableException"/>.
/// </summary>
public interface IGrainTables
{
    /// <summary>The answer a grain gave to request <paramref name="answerKey"/> ("caller request-id"), or null.</summary>
    Task<AnsweredRequest?> ReadAnswerAsync(string grainType, string grainKey, string answerKey, CancellationToken cancellationToken);

    /// <summary>
    /// A grain's history entries numbered before <paramref name="beforeSeq"/> (null: all), the newest
    /// <paramref name="limit"/> of them (null: every one), oldest first.
    /// </summary>
    Task<IReadOnlyList<HistoryEntry>> ReadHistoryAsync(string grainType, string grainKey, long? beforeSeq, int? limit, CancellationToken cancellationToken);

    /// <summary>An issued invoice as JSON with the clock its account followed, or null.</summary>
    Task<IssuedInvoiceRow?> ReadIssuedInvoiceAsync(string accountId, string number, CancellationToken cancellationToken);

    /// <summary>
    /// Erases the personal data an account's changes committed to the history and the outbox (ACC-8), except its
    /// financial entries; idempotent, one transaction.
    /// </summary>
    Task ScrubPersonalDataAsync(string accountId, CancellationToken cancellationToken);

    /// <summary>The earliest event of <paramref name="clockId"/> due at or before <paramref name="until"/> and not quarantined, or null.</summary>
    Task<ClockEvent?> NextClockEventAsync(string clockId, DateTimeOffset until, CancellationToken cancellationToken);

    /// <summary>Moves a delivered event to the grain's next wake-up (or removes it), unless the grain rescheduled it meanwhile.</summary>
    Task CompleteClockEventAsync(string clockId, ClockEvent delivered, DateTimeOffset? next, CancellationToken cancellationToken);

    /// <summary>The scheduled wake-up of a sandbox grain, with its failures and quarantine reason, or null.</summary>
    Task<ScheduledClockEvent?> ReadClockEventAsync(string clockId, string grainType, string grainKey, CancellationToken cancellationToken);

    /// <summary>
    /// Counts a failed wake-up of <paramref name="failed"/> (unless the grain rescheduled it meanwhile) and quarantines it
    /// once it has failed <paramref name="limit"/> times in a row: its clock then passes it by. Returns the failures so
    /// far, or 0 when the event moved on.
    /// </summary>
    Task<int> RecordClockEventFailureAsync(string clockId, ClockEvent failed, string error, int limit, DateTimeOffset now, CancellationToken cancellationToken);
}

/// <summary>An issued invoice as its account committed it: the invoice as JSON and the test clock the account followed.</summary>
public sealed record IssuedInvoiceRow(string InvoiceJson, string? ClockId);

/// <summary>One scheduled wake-up of a sandbox grain on a test clock.</summary>
public sealed record ClockEvent(string GrainType, string GrainKey, DateTimeOffset DueAt);

/// <summary>A sandbox grain's scheduled wake-up as ops see it: when, how many failed wake-ups in a row, and why it is quarantined (null when it is not).</summary>
public sealed record ScheduledClockEvent(DateTimeOffset DueAt, int Failures, string? QuarantinedReason);

/// <summary>Failures of the database or of the connection to it, told apart from a defect in a query.</summary>
public static class DatabaseFailures
{
    /// <summary>
    /// True for failures of the database or the connection to it: a transient or connection-class error (SQLSTATE 08,
    /// 57: shutdown, cancelled by the server) or a lost socket; not a constraint or syntax error.
    /// </summary>
    public static bool Is(Exception exception) => exception switch
    {
        DbException { SqlState: { } state } db => db.IsTransient || state.StartsWith("08", StringComparison.Ordinal) || state.StartsWith("57", StringComparison.Ordinal),
        DbException or SocketException or TimeoutException or IOException => true,
        _ => exception.InnerException is { } inner && Is(inner),
    };
}

/// <summary>
/// PostgreSQL keeps times to the microsecond; .NET to 100 ns. A wake-up time is stored rounded up, so a grain woken at
/// the stored time always finds its event due (rounded down, it would find it 100 ns in the future, forever).
/// </summary>
public static class Microseconds
{
    /// <summary><paramref name="time"/> cut down to a whole microsecond, in UTC: a row written with it is due at exactly that time.</summary>
    public static DateTimeOffset Floor(DateTimeOffset time) => new(time.UtcTicks - (time.UtcTicks % TimeSpan.TicksPerMicrosecond), TimeSpan.Zero);

    /// <summary><paramref name="time"/> rounded up to a whole microsecond.</summary>
    public static DateTimeOffset Ceiling(DateTimeOffset time)
    {
        var remainder = time.UtcTicks % TimeSpan.TicksPerMicrosecond;
        if (remainder == 0)
        {
            return time;
        }

        // The last microsecond of time cannot be rounded up: it is rounded down instead of overflowing.
        return time.UtcTicks > DateTimeOffset.MaxValue.UtcTicks - TimeSpan.TicksPerMicrosecond
            ? time.AddTicks(-remainder)
            : time.AddTicks(TimeSpan.TicksPerMicrosecond - remainder);
    }
}
