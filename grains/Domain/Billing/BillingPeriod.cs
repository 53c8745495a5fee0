namespace Subscriptions.Domain.Billing;

/// <summary>A half-open billing period [Start, End) between two UTC instants.</summary>
public sealed record BillingPeriod
{
    /// <summary>Creates a period; End must be after Start.</summary>
    public BillingPeriod(DateTimeOffset start, DateTimeOffset end)
    {
        if (end <= start)
        {
            throw new ArgumentException($"A billing period must end after it starts (start {start:O}, end {end:O}).", nameof(end));
        }

        Start = start.ToUniversalTime();
        End = end.ToUniversalTime();
    }

    /// <summary>First instant of the period.</summary>
    public DateTimeOffset Start { get; }

    /// <summary>First instant after the period (the next renewal).</summary>
    public DateTimeOffset End { get; }

    public override string ToString() => $"[{Start:O}, {End:O})";
}
