using Subscriptions.Domain.Billing;
using Subscriptions.Domain.Errors;
using static Subscriptions.Domain.Tests.TestKit;

namespace Subscriptions.Domain.Tests.Billing;

public sealed class BillingScheduleTests
{
    private static BillingSchedule Anniversary(BillingFrequency frequency, DateTimeOffset anchor, string? zone = null) =>
        new(BillingModel.Anniversary, frequency, anchor, AccountTimeZone.Resolve(zone));

    [Fact]
    public void SUB_3_monthly_anniversary_period_is_30_days_from_sign_up()
    {
        var period = Anniversary(BillingFrequency.Monthly, Utc(2025, 1, 31, 9)).PeriodStartingAt(Utc(2025, 1, 31, 9));

        Assert.Equal(Utc(2025, 3, 2, 9), period.End);
    }

    [Fact]
    public void SUB_3_monthly_anniversary_from_the_31st_in_a_leap_year_crosses_29_february()
    {
        var period = Anniversary(BillingFrequency.Monthly, Utc(2024, 1, 31)).PeriodStartingAt(Utc(2024, 1, 31));

        Assert.Equal(Utc(2024, 3, 1), period.End);
    }

    [Fact]
    public void SUB_3_annual_anniversary_on_29_february_renews_on_28_february_and_again_on_29_february_in_leap_years()
    {
        var schedule = Anniversary(BillingFrequency.Annual, Utc(2024, 2, 29, 10));

        var boundaries = schedule.PeriodsFrom(Utc(2024, 2, 29, 10), Utc(2028, 3, 1)).Select(p => p.End).ToList();

        Assert.Equal([Utc(2025, 2, 28, 10), Utc(2026, 2, 28, 10), Utc(2027, 2, 28, 10), Utc(2028, 2, 29, 10), Utc(2029, 2, 28, 10)], boundaries);
    }

    [Fact]
    public void SUB_3_anniversary_keeps_the_local_wall_clock_time_across_daylight_saving()
    {
        var signUp = new DateTimeOffset(2025, 3, 10, 10, 0, 0, TimeSpan.FromHours(1));
        var period = Anniversary(BillingFrequency.Monthly, signUp, "Europe/Paris").PeriodStartingAt(signUp);

        Assert.Equal(new DateTimeOffset(2025, 4, 9, 10, 0, 0, TimeSpan.FromHours(2)), period.End);
    }

    [Fact]
    public void SUB_12_calendar_periods_are_months_starting_at_local_midnight_on_the_1st()
    {
        var schedule = new BillingSchedule(BillingModel.Calendar, BillingFrequency.Monthly, Utc(2025, 7, 15), AccountTimeZone.Resolve("America/New_York"));

        var period = schedule.PeriodStartingAt(Utc(2025, 8, 1, 4));

        Assert.Equal(Utc(2025, 9, 1, 4), period.End);
        Assert.Equal(Utc(2025, 8, 1, 4), schedule.NextBoundaryAfter(Utc(2025, 7, 15, 12)));
    }

    [Fact]
    public void SUB_12_calendar_month_in_a_time_zone_ahead_of_utc_starts_the_previous_utc_day()
    {
        var schedule = new BillingSchedule(BillingModel.Calendar, BillingFrequency.Monthly, Utc(2025, 1, 1), AccountTimeZone.Resolve("Asia/Tokyo"));

        Assert.Equal(Utc(2025, 1, 31, 15), schedule.NextBoundaryAfter(Utc(2025, 1, 31, 14)));
        Assert.Equal(Utc(2025, 2, 28, 15), schedule.NextBoundaryAfter(Utc(2025, 1, 31, 15)));
    }

    [Fact]
    public void Account_time_zone_defaults_to_utc_and_an_unknown_id_names_the_time_zone_field()
    {
        Assert.Equal(TimeZoneInfo.Utc, AccountTimeZone.Resolve(null));

        var error = Assert.Throws<ValidationException>(() => AccountTimeZone.Resolve("Mars/Olympus_Mons"));

        Assert.Equal("time_zone", Assert.Single(error.Violations).Field);
    }

    [Fact]
    public void Local_midnight_inside_a_daylight_saving_gap_moves_forward_by_the_gap()
    {
        // Chile springs forward at local midnight: 2024-09-08 00:00 does not exist in America/Santiago.
        var zone = AccountTimeZone.Resolve("America/Santiago");

        var start = AccountTimeZone.StartOfDay(new DateOnly(2024, 9, 8), zone);

        Assert.Equal(new DateTimeOffset(2024, 9, 8, 1, 0, 0, TimeSpan.FromHours(-3)), start);
    }
}
