namespace Subscriptions.Domain.Billing;

/// <summary>
/// Day-count rules for prorating (SUB-4, SUB-12). Days are whole local days in the account's time zone; the time
/// of day never matters.
/// <list type="bullet">
/// <item>Anniversary model: the unused part of a period on a change date is (local end date − local change date)
/// days out of (local end date − local start date). The change day itself is credited, because the new period that
/// starts at the change instant covers it; a change on the last local day of a period credits 1 day, a change on the
/// local date of the period end credits 0.</item>
/// <item>Calendar model (SUB-12, exactly as the seed): days charged for a month = days in month − day of month of the
/// start or change date, so the start day itself is not charged (15 July → 16/31). A start on the 1st is a full month
/// billed that day, not a prorated one.</item>
/// </list>
/// </summary>
public static class Proration
{
    /// <summary>The unused part of an anniversary period at the change instant (SUB-4).</summary>
    public static ProrationFactor UnusedPart(BillingPeriod period, DateTimeOffset changeAt, TimeZoneInfo zone)
    {
        var start = AccountTimeZone.LocalDate(period.Start, zone);
        var end = AccountTimeZone.LocalDate(period.End, zone);
        var change = AccountTimeZone.LocalDate(changeAt, zone);
        var total = Math.Max(1, AccountTimeZone.DaysBetween(start, end));
        var unused = Math.Clamp(AccountTimeZone.DaysBetween(change, end), 0, total);
        return new ProrationFactor(unused, total);
    }

    /// <summary>
    /// The part of a period served until an end inside it (a contract's end, SUB-6): what a change on that day would not
    /// leave unused (anniversary), or the month's days up to and with the end day, none for an end on the 1st (calendar).
    /// A contract's first and last partial periods so add up to one whole period: started 15 July, 16/31; ending
    /// 15 July, 15/31; started and ending on a 1st, a whole month and nothing.
    /// </summary>
    public static ProrationFactor UsedPart(BillingPeriod period, DateTimeOffset endAt, BillingModel model, TimeZoneInfo zone)
    {
        var unused = LeftAfter(period, endAt, model, zone);
        return new ProrationFactor(unused.PeriodDays - unused.Days, unused.PeriodDays);
    }

    /// <summary>
    /// The part of a period after an instant inside it: the complement of <see cref="UsedPart"/>. Calendar: as from a
    /// billing start, the rest of the month after the day, or the whole month from the 1st (SUB-12).
    /// </summary>
    public static ProrationFactor LeftAfter(BillingPeriod period, DateTimeOffset endAt, BillingModel model, TimeZoneInfo zone)
    {
        if (model != BillingModel.Calendar)
        {
            return UnusedPart(period, endAt, zone);
        }

        var date = AccountTimeZone.LocalDate(endAt, zone);
        return date.Day == 1 ? new ProrationFactor(DateTime.DaysInMonth(date.Year, date.Month), DateTime.DaysInMonth(date.Year, date.Month)) : RestOfMonth(date);
    }

    /// <summary>The rest of a calendar month after the given local date: days in month − day (SUB-12).</summary>
    public static ProrationFactor RestOfMonth(DateOnly date)
    {
        var daysInMonth = DateTime.DaysInMonth(date.Year, date.Month);
        return new ProrationFactor(daysInMonth - date.Day, daysInMonth);
    }
}
