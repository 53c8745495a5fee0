namespace Subscriptions.Domain.Billing;

/// <summary>
/// Lays out billing periods for one subscription. Anniversary: boundaries at the anchor's local wall-clock time,
/// every 30 local days (monthly) or on the same local date each year (annual; an anchor on 29 February renews on
/// 28 February in common years and on 29 February again in leap years, because every boundary is computed from the
/// anchor, never from the previous boundary). Calendar: local calendar months, each starting at local midnight on the 1st.
/// </summary>
public sealed record BillingSchedule(BillingModel Model, BillingFrequency Frequency, DateTimeOffset Anchor, TimeZoneInfo Zone)
{
    /// <summary>Days in one monthly anniversary period (SPEC: "every 30 days from sign-up").</summary>
    public const int MonthlyAnniversaryDays = 30;

    /// <summary>The period that starts at <paramref name="start"/> and ends at the next boundary after it.</summary>
    public BillingPeriod PeriodStartingAt(DateTimeOffset start) => new(start, NextBoundaryAfter(start));

    /// <summary>The first period boundary strictly after the instant.</summary>
    public DateTimeOffset NextBoundaryAfter(DateTimeOffset instant) =>
        Model == BillingModel.Calendar ? NextFirstOfMonth(instant) : NextAnniversaryAfter(instant);

    /// <summary>The consecutive periods from <paramref name="from"/> that start before <paramref name="until"/> (a started period counts whole).</summary>
    public IReadOnlyList<BillingPeriod> PeriodsFrom(DateTimeOffset from, DateTimeOffset until)
    {
        var periods = new List<BillingPeriod>();
        for (var start = from; start < until; start = periods[^1].End)
        {
            periods.Add(PeriodStartingAt(start));
        }

        return periods;
    }

    /// <summary>The anniversary boundary number <paramref name="index"/> (0 is the anchor itself).</summary>
    public DateTimeOffset AnniversaryBoundary(int index) =>
        Frequency == BillingFrequency.Monthly
            ? AccountTimeZone.AddLocalDays(Anchor, MonthlyAnniversaryDays * index, Zone)
            : AccountTimeZone.AddLocalMonths(Anchor, 12 * index, Zone);

    private DateTimeOffset NextAnniversaryAfter(DateTimeOffset instant)
    {
        var elapsedDays = AccountTimeZone.DaysBetween(AccountTimeZone.LocalDate(Anchor, Zone), AccountTimeZone.LocalDate(instant, Zone));
        var estimate = Frequency == BillingFrequency.Monthly ? elapsedDays / MonthlyAnniversaryDays : elapsedDays / 366;
        var index = Math.Max(0, estimate - 1);
        while (AnniversaryBoundary(index) <= instant)
        {
            index++;
        }

        return AnniversaryBoundary(index);
    }

    private DateTimeOffset NextFirstOfMonth(DateTimeOffset instant)
    {
        var date = AccountTimeZone.LocalDate(instant, Zone);
        var firstOfThisMonth = new DateOnly(date.Year, date.Month, 1);
        var candidate = AccountTimeZone.StartOfDay(firstOfThisMonth, Zone);
        return candidate > instant ? candidate : AccountTimeZone.StartOfDay(firstOfThisMonth.AddMonths(1), Zone);
    }
}
