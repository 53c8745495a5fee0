namespace Subscriptions.Domain.Billing;

/// <summary>A fraction of a billing period expressed in whole days: <see cref="Days"/> out of <see cref="PeriodDays"/>.</summary>
public sealed record ProrationFactor
{
    /// <summary>Creates a factor; 0 &lt;= days &lt;= periodDays and periodDays &gt; 0.</summary>
    public ProrationFactor(int days, int periodDays)
    {
        if (periodDays <= 0 || days < 0 || days > periodDays)
        {
            throw new ArgumentOutOfRangeException(nameof(days), $"A proration factor needs 0 <= days <= period days and period days > 0 (got {days}/{periodDays}).");
        }

        Days = days;
        PeriodDays = periodDays;
    }

    /// <summary>Whole days charged or credited.</summary>
    public int Days { get; }

    /// <summary>Whole days in the period the factor is taken from.</summary>
    public int PeriodDays { get; }

    /// <summary>True when no day is prorated.</summary>
    public bool IsZero => Days == 0;

    /// <summary>Applies the factor to an exact amount, multiplying before dividing to keep precision (no rounding here).</summary>
    public decimal Apply(decimal amount) => amount * Days / PeriodDays;

    public override string ToString() => $"{Days}/{PeriodDays}";
}
