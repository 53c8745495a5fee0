namespace Subscriptions.Domain;

/// <summary>
/// The largest count, amount and instant the service accepts anywhere. The API checks requests against these before
/// a grain is called (docs/api.md, "Number, amount and time limits"), and the domain checks them again in its
/// decisions, so a value past a limit is refused, never wrapped, rounded or stored.
/// </summary>
public static class Limits
{
    /// <summary>The most seats one subscription may hold; a product of the catalog may set a lower <c>max_seats</c>.</summary>
    public const int MaxSeats = 100_000;

    /// <summary>The longest contract term, in months.</summary>
    public const int MaxContractTermMonths = 120;

    /// <summary>The most free months a catalog product may grant (its own <c>max_free_months</c> is at most this).</summary>
    public const int MaxFreeMonths = 120;

    /// <summary>
    /// The largest amount of money in any currency: a payment, a credit, an invoice line or an invoice total
    /// (one trillion units of the currency; JPY included).
    /// </summary>
    public const decimal MaxAmount = 1_000_000_000_000m;

    /// <summary>The largest exchange rate an informational local total may use (INV-9).</summary>
    public const decimal MaxExchangeRate = 1_000_000m;

    /// <summary>The earliest instant a request may carry (test clock times, billing starts, filters).</summary>
    public static readonly DateTimeOffset EarliestInstant = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The first instant past the accepted range; every instant the service stores or computes stays before it.</summary>
    public static readonly DateTimeOffset EndOfTime = new(2200, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>True when <paramref name="instant"/> lies in the accepted range [<see cref="EarliestInstant"/>, <see cref="EndOfTime"/>).</summary>
    public static bool InRange(DateTimeOffset instant) => instant >= EarliestInstant && instant < EndOfTime;

    /// <summary>True when <paramref name="amount"/> lies within ±<see cref="MaxAmount"/>.</summary>
    public static bool InRange(decimal amount) => amount is >= -MaxAmount and <= MaxAmount;

    /// <summary>The accepted range of instants, as messages state it.</summary>
    public static string InstantRange => "2000-01-01T00:00:00Z to 2199-12-31T23:59:59.999999999Z";
}
