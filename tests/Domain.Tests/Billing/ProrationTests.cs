using Subscriptions.Domain.Billing;
using static Subscriptions.Domain.Tests.TestKit;

namespace Subscriptions.Domain.Tests.Billing;

public sealed class ProrationTests
{
    [Theory]
    [InlineData(2025, 7, 15, 16, 31)]
    [InlineData(2025, 7, 31, 0, 31)]
    [InlineData(2024, 2, 10, 19, 29)]
    [InlineData(2025, 2, 10, 18, 28)]
    [InlineData(2025, 4, 30, 0, 30)]
    public void SUB_12_rest_of_month_is_days_in_month_minus_the_day(int year, int month, int day, int days, int ofDays)
    {
        var factor = Proration.RestOfMonth(new DateOnly(year, month, day));

        Assert.Equal(new ProrationFactor(days, ofDays), factor);
    }

    [Fact]
    public void SUB_4_unused_part_counts_whole_local_days_from_the_change_date_to_the_period_end()
    {
        var period = new BillingPeriod(Utc(2025, 3, 1), Utc(2025, 3, 31));

        Assert.Equal(new ProrationFactor(20, 30), Proration.UnusedPart(period, Utc(2025, 3, 11, 12), TimeZoneInfo.Utc));
        Assert.Equal(new ProrationFactor(1, 30), Proration.UnusedPart(period, Utc(2025, 3, 30, 23, 59), TimeZoneInfo.Utc));
        Assert.Equal(new ProrationFactor(30, 30), Proration.UnusedPart(period, Utc(2025, 3, 1), TimeZoneInfo.Utc));
    }

    [Fact]
    public void SUB_4_unused_part_uses_the_account_time_zone_for_the_change_date()
    {
        var zone = AccountTimeZone.Resolve("Asia/Tokyo");
        var period = new BillingPeriod(Utc(2025, 2, 28, 15), Utc(2025, 3, 30, 15));

        // The period is 1 to 31 March in Tokyo. 14:00 UTC on 10 March is still the 10th there; 16:00 UTC is the 11th.
        Assert.Equal(new ProrationFactor(21, 30), Proration.UnusedPart(period, Utc(2025, 3, 10, 14), zone));
        Assert.Equal(new ProrationFactor(20, 30), Proration.UnusedPart(period, Utc(2025, 3, 10, 16), zone));
    }

    [Fact]
    public void SUB_4_a_leap_year_annual_period_has_366_days()
    {
        var period = new BillingPeriod(Utc(2024, 1, 1), Utc(2025, 1, 1));

        Assert.Equal(new ProrationFactor(1, 366), Proration.UnusedPart(period, Utc(2024, 12, 31, 18), TimeZoneInfo.Utc));
    }

    [Fact]
    public void Proration_multiplies_before_dividing_so_no_precision_is_lost_before_rounding()
    {
        var factor = new ProrationFactor(16, 31);

        Assert.Equal(139.35m, decimal.Round(factor.Apply(270.00m), 2, MidpointRounding.AwayFromZero));
        Assert.Equal(4320m / 31m, factor.Apply(270.00m));
    }
}
