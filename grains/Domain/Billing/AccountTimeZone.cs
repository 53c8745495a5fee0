using Subscriptions.Domain.Errors;

namespace Subscriptions.Domain.Billing;

/// <summary>
/// Calendar arithmetic in an account's time zone (IANA id, default UTC). Local times that do not exist
/// (a daylight-saving gap) move forward by the gap; ambiguous ones (the repeated hour) take the first occurrence.
/// </summary>
public static class AccountTimeZone
{
    /// <summary>Resolves an IANA time zone id; null or blank means UTC. An unknown id is a "time_zone" validation error.</summary>
    public static TimeZoneInfo Resolve(string? ianaId)
    {
        if (string.IsNullOrWhiteSpace(ianaId))
        {
            return TimeZoneInfo.Utc;
        }

        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(ianaId.Trim());
        }
        catch (TimeZoneNotFoundException)
        {
            throw new ValidationException("time_zone", $"Time zone {Quoted.Of(ianaId)} is not a known IANA time zone id (e.g. \"Europe/Paris\").");
        }
        catch (InvalidTimeZoneException)
        {
            throw new ValidationException("time_zone", $"Time zone {Quoted.Of(ianaId)} has invalid data on this system.");
        }
    }

    /// <summary>The local calendar date of an instant.</summary>
    public static DateOnly LocalDate(DateTimeOffset instant, TimeZoneInfo zone) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, zone).DateTime);

    /// <summary>The local wall-clock time of an instant.</summary>
    public static TimeOnly LocalTime(DateTimeOffset instant, TimeZoneInfo zone) =>
        TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, zone).DateTime);

    /// <summary>The instant of local midnight starting the given date.</summary>
    public static DateTimeOffset StartOfDay(DateOnly date, TimeZoneInfo zone) => At(date, TimeOnly.MinValue, zone);

    /// <summary>The UTC instant of a local date and wall-clock time.</summary>
    public static DateTimeOffset At(DateOnly date, TimeOnly time, TimeZoneInfo zone)
    {
        var local = date.ToDateTime(time, DateTimeKind.Unspecified);
        TimeSpan offset;
        if (zone.IsInvalidTime(local))
        {
            // Inside a spring-forward gap: read the wall time with the offset in force before the gap.
            offset = zone.GetUtcOffset(local.AddHours(-6));
        }
        else if (zone.IsAmbiguousTime(local))
        {
            offset = zone.GetAmbiguousTimeOffsets(local).Max();
        }
        else
        {
            offset = zone.GetUtcOffset(local);
        }

        return new DateTimeOffset(local, offset).ToUniversalTime();
    }

    /// <summary>The instant at the same local wall-clock time <paramref name="months"/> calendar months later (31 January + 1 → 28 or 29 February).</summary>
    public static DateTimeOffset AddLocalMonths(DateTimeOffset instant, int months, TimeZoneInfo zone) =>
        At(LocalDate(instant, zone).AddMonths(months), LocalTime(instant, zone), zone);

    /// <summary>The instant at the same local wall-clock time <paramref name="days"/> local days later (across daylight-saving changes).</summary>
    public static DateTimeOffset AddLocalDays(DateTimeOffset instant, int days, TimeZoneInfo zone) =>
        At(LocalDate(instant, zone).AddDays(days), LocalTime(instant, zone), zone);

    /// <summary>Whole local days from one date to another (negative when "to" is earlier).</summary>
    public static int DaysBetween(DateOnly from, DateOnly to) => to.DayNumber - from.DayNumber;
}
