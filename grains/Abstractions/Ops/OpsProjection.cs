namespace Subscriptions.Grains.Ops;

/// <summary>
/// The searchable fields of one grain (ops projection): its account, its own id within the account, its state as the
/// lifecycle names it, the name of the event its wake-up is for, and the fields of its kind (null where they do not
/// apply). Bounded: a fixed set of scalars, nothing that grows with the grain's age.
/// </summary>
public sealed record ProjectedFields(string AccountId, string EntityId, string State)
{
    /// <summary>The event the grain's next wake-up is for ("renewal", "due-date", "quote-expiry"…), or null.</summary>
    public string? WakeName { get; init; }

    /// <summary>Subscriptions: the product.</summary>
    public string? ProductId { get; init; }

    /// <summary>Subscriptions: the plan.</summary>
    public string? PlanId { get; init; }

    /// <summary>Subscriptions: the seats.</summary>
    public int? Seats { get; init; }

    /// <summary>Subscriptions: the end of the current billing period (the renewal), or null when it has none.</summary>
    public DateTimeOffset? PeriodEnd { get; init; }

    /// <summary>Subscriptions: the end of the grace period while limited (SUB-9), or null.</summary>
    public DateTimeOffset? GraceEnd { get; init; }

    /// <summary>Invoices and quotes: the ISO currency code.</summary>
    public string? Currency { get; init; }

    /// <summary>Invoices and quotes: the total including tax.</summary>
    public decimal? Total { get; init; }

    /// <summary>Invoices: what is left to pay.</summary>
    public decimal? Balance { get; init; }

    /// <summary>Invoices: when issued; quotes: when sent; orders: when placed.</summary>
    public DateTimeOffset? IssuedAt { get; init; }

    /// <summary>Invoices: the due date.</summary>
    public DateTimeOffset? DueAt { get; init; }

    /// <summary>Quotes: when a sent quote expires (QUO-2).</summary>
    public DateTimeOffset? ExpiresAt { get; init; }
}

/// <summary>The grain types the ops projection holds a row for, and whose wake-ups ops list and correct (test clocks have none).</summary>
public static class ProjectedGrainTypes
{
    /// <summary>"account", "subscription", "invoice", "quote", "order".</summary>
    public static readonly IReadOnlyList<string> All = ["account", "subscription", "invoice", "quote", "order"];
}

/// <summary>One grain as the ops projection holds it: its type and key, the version the row was written at, its fields, test clock, wanted wake-up, and when a wake-up last changed it.</summary>
public sealed record ProjectedGrain(
    string GrainType, string GrainKey, long Version, ProjectedFields Fields, string? ClockId, DateTimeOffset? WakeAt, DateTimeOffset? LastWokenAt, DateTimeOffset UpdatedAt);

/// <summary>How a search orders its results, and so what its cursor holds.</summary>
public enum ProjectionOrder
{
    /// <summary>By grain type and key (account, then the grain's own id): stable for any filter.</summary>
    Key,

    /// <summary>By wanted wake-up, then type and key: the order reminders fall due in.</summary>
    WakeAt,
}

/// <summary>
/// A search of the ops projection: every filter given must hold (null or empty: any). Results come in
/// <see cref="Order"/>, at most <see cref="Limit"/>, after the cursor <see cref="After"/> (the last row of the previous
/// page), so a page never repeats or skips a row that stayed in the results.
/// </summary>
public sealed record ProjectionQuery
{
    /// <summary>The grain type ("subscription", "invoice", "quote", "order", "account"), or null for every type.</summary>
    public string? GrainType { get; init; }

    /// <summary>One grain, by key (with <see cref="GrainType"/>).</summary>
    public string? GrainKey { get; init; }

    /// <summary>The states wanted, as the lifecycles name them ("suspended", "overdue"…); empty for any.</summary>
    public IReadOnlyList<string> States { get; init; } = [];

    /// <summary>Only this account's grains.</summary>
    public string? AccountId { get; init; }

    /// <summary>Only the grains on this test clock.</summary>
    public string? ClockId { get; init; }

    /// <summary>Only grains on the real clock (no test clock).</summary>
    public bool RealClockOnly { get; init; }

    /// <summary>Subscriptions of this product.</summary>
    public string? ProductId { get; init; }

    /// <summary>Subscriptions of this plan.</summary>
    public string? PlanId { get; init; }

    /// <summary>Subscriptions whose current period ends in [from, to).</summary>
    public TimeWindow? PeriodEnd { get; init; }

    /// <summary>Subscriptions whose grace period ends in [from, to).</summary>
    public TimeWindow? GraceEnd { get; init; }

    /// <summary>Invoices due in [from, to).</summary>
    public TimeWindow? Due { get; init; }

    /// <summary>Quotes expiring in [from, to).</summary>
    public TimeWindow? Expires { get; init; }

    /// <summary>Grains wanting a wake-up in [from, to).</summary>
    public TimeWindow? Wake { get; init; }

    /// <summary>Invoices with at least this balance left to pay.</summary>
    public decimal? MinBalance { get; init; }

    /// <summary>Invoices and quotes in this currency.</summary>
    public string? Currency { get; init; }

    /// <summary>The order of the results.</summary>
    public ProjectionOrder Order { get; init; }

    /// <summary>The last row of the previous page, or null for the first page.</summary>
    public ProjectionCursor? After { get; init; }

    /// <summary>The most rows to return.</summary>
    public int Limit { get; init; } = 20;
}

/// <summary>A half-open time window [From, To); either end may be open (null).</summary>
public sealed record TimeWindow(DateTimeOffset? From, DateTimeOffset? To);

/// <summary>Where a page ended: the last row's wake-up (for <see cref="ProjectionOrder.WakeAt"/>), type and key.</summary>
public sealed record ProjectionCursor(DateTimeOffset? WakeAt, string GrainType, string GrainKey);

/// <summary>A page of search results, and the cursor of its last row when more may follow (null at the end).</summary>
public sealed record ProjectionPage(IReadOnlyList<ProjectedGrain> Rows, ProjectionCursor? Next);

/// <summary>Reads the ops projection (the host implements it on PostgreSQL). A database that cannot be reached surfaces as <see cref="Subscriptions.Grains.StorageUnavailableException"/>.</summary>
public interface IOpsProjection
{
    /// <summary>How often a production reminder ticks again until its grain has handled what is due (Grains:WakeRetryPeriod).</summary>
    TimeSpan ReminderPeriod { get; }

    /// <summary>The rows matching <paramref name="query"/>, in its order, one page.</summary>
    Task<ProjectionPage> SearchAsync(ProjectionQuery query, CancellationToken cancellationToken);
}

/// <summary>One call to the ops service, as the audit trail keeps it (ACC-7): when, who, which method, which account the request names (null when none), the request as JSON and its gRPC status.</summary>
public sealed record OpsRead(DateTimeOffset At, string Caller, string Method, string? AccountId, string RequestJson, string Status);

/// <summary>The audit trail of ops reads (ACC-7); the host implements it on PostgreSQL.</summary>
public interface IOpsReadAudit
{
    /// <summary>Records <paramref name="read"/>.</summary>
    Task RecordAsync(OpsRead read, CancellationToken cancellationToken);

    /// <summary>The latest reads, newest first, of one account or of all (null).</summary>
    Task<IReadOnlyList<OpsRead>> ListAsync(string? accountId, int limit, CancellationToken cancellationToken);
}
