using Subscriptions.Domain.Accounts;
using Subscriptions.Domain.Billing;
using Subscriptions.Domain.Errors;
using Subscriptions.Domain.Invoices;
using Subscriptions.Domain.Subscriptions;
using static Subscriptions.Domain.Tests.TestKit;

namespace Subscriptions.Domain.Tests.Subscriptions;

public sealed class RenewalTests
{
    private static SubscriptionDecision Connect(DateTimeOffset at, int freeMonths = 0, int? contractMonths = null, string? timeZone = null) =>
        Subscription.CreatePaid(
            new CreatePaid("sub-1", "acc-1", "connect", "phone-system", 10, BillingFrequency.Monthly, contractMonths, freeMonths),
            Ops(at, timeZone: timeZone));

    [Fact]
    public void SUB_3_buying_invoices_the_first_period_at_once_and_schedules_the_renewal()
    {
        var decision = Paid("meeting", "business", 5, Utc(2025, 1, 1, 8));

        Assert.Equal(SubscriptionStatus.Active, decision.State.Status);
        Assert.Equal(80.00m, Amount(Assert.Single(decision.Charges)));
        Assert.Equal([new ReminderRequest(ReminderRequest.Renewal, Utc(2025, 1, 31, 8))], decision.Reminders);
    }

    [Fact]
    public void SUB_3_twelve_monthly_renewals_in_a_year_produce_twelve_distinct_contiguous_30_day_periods()
    {
        var state = Paid("meeting", "business", 5, Utc(2025, 1, 1)).State;
        var periods = new List<BillingPeriod>();

        for (var i = 0; i < 12; i++)
        {
            var decision = Renew(state);
            periods.Add(Assert.Single(decision.Charges).Period!);
            Assert.Equal(80.00m, Amount(decision.Charges[0]));
            state = decision.State;
        }

        Assert.Equal(12, periods.Distinct().Count());
        Assert.All(periods.Zip(periods.Skip(1)), pair => Assert.Equal(pair.First.End, pair.Second.Start));
        Assert.All(periods, p => Assert.Equal(TimeSpan.FromDays(30), p.End - p.Start));
        Assert.True(periods[^1].Start < Utc(2026, 1, 1));
    }

    [Fact]
    public void SUB_3_twelve_calendar_renewals_bill_twelve_distinct_calendar_months()
    {
        var state = Connect(Utc(2025, 1, 1)).State;

        var months = new List<BillingPeriod>();
        for (var i = 0; i < 12; i++)
        {
            var decision = Renew(state);
            months.Add(Assert.Single(decision.Charges).Period!);
            state = decision.State;
        }

        Assert.Equal(Enumerable.Range(2, 12).Select(m => Utc(2025, 1, 1).AddMonths(m - 1)), months.Select(p => p.Start));
        Assert.Equal(Utc(2026, 2, 1), state.NextRenewal);
    }

    [Fact]
    public void SUB_3_renewal_before_its_date_is_refused()
    {
        var state = Paid("meeting", "business", 5, Utc(2025, 1, 1)).State;

        var refusal = Assert.Throws<RuleViolationException>(() => Subscription.Decide(state, new Renew(), Service(Utc(2025, 1, 30))));

        Assert.Equal(Rules.Sub3, refusal.RuleId);
    }

    [Fact]
    public void SUB_3_renewal_is_a_service_event_not_a_customer_command()
    {
        var state = Paid("meeting", "business", 5, Utc(2025, 1, 1)).State;

        var refusal = Assert.Throws<PermissionDeniedException>(() => Subscription.Decide(state, new Renew(), Context(Utc(2025, 2, 1))));

        Assert.Equal(Rules.Sub3, refusal.RuleId);
    }

    [Fact]
    public void SUB_12_billing_start_15_july_bills_16_of_31_days_of_july_plus_august()
    {
        var created = Connect(Utc(2025, 7, 15, 10));
        Assert.Empty(created.Charges);
        Assert.Equal(Utc(2025, 8, 1), created.State.NextRenewal);

        var invoice = Renew(created.State);

        Assert.Equal(2, invoice.Charges.Count);
        var july = invoice.Charges[0];
        Assert.Equal(InvoiceLineKind.ProrationCharge, july.Kind);
        Assert.Equal(new ProrationFactor(16, 31), july.Proration);
        Assert.Equal(139.35m, Amount(july));
        Assert.Equal(new BillingPeriod(Utc(2025, 7, 1), Utc(2025, 8, 1)), july.Period);
        var august = invoice.Charges[1];
        Assert.Equal(InvoiceLineKind.SubscriptionCharge, august.Kind);
        Assert.Equal(270.00m, Amount(august));
        Assert.Equal(new BillingPeriod(Utc(2025, 8, 1), Utc(2025, 9, 1)), august.Period);
    }

    [Fact]
    public void SUB_12_billing_start_on_the_1st_bills_that_whole_month_at_once()
    {
        var created = Connect(Utc(2025, 7, 1, 10));

        Assert.Equal(270.00m, Amount(Assert.Single(created.Charges)));
        Assert.Equal(new BillingPeriod(Utc(2025, 7, 1), Utc(2025, 8, 1)), created.State.CurrentPeriod);
    }

    [Fact]
    public void SUB_12_billing_start_on_the_31st_bills_no_day_of_that_month()
    {
        var invoice = Renew(Connect(Utc(2025, 1, 31, 10)).State);

        Assert.Equal(270.00m, Amount(Assert.Single(invoice.Charges)));
    }

    [Fact]
    public void SUB_12_february_of_a_leap_year_prorates_over_29_days()
    {
        var invoice = Renew(Connect(Utc(2024, 2, 10, 10)).State);

        Assert.Equal(new ProrationFactor(19, 29), invoice.Charges[0].Proration);
        Assert.Equal(176.90m, Amount(invoice.Charges[0]));
    }

    [Fact]
    public void SUB_12_the_1st_is_local_midnight_in_the_account_time_zone()
    {
        var created = Connect(Utc(2025, 7, 15, 10), timeZone: "America/New_York");

        Assert.Equal(Utc(2025, 8, 1, 4), created.State.NextRenewal);
    }

    [Fact]
    public void SUB_12_the_billing_start_day_is_read_in_the_account_time_zone()
    {
        // 20:00 UTC on 14 July is 05:00 on 15 July in Tokyo: 16 of 31 days, billed at Tokyo's midnight on 1 August.
        var created = Connect(Utc(2025, 7, 14, 20), timeZone: "Asia/Tokyo");

        var invoice = Subscription.Decide(created.State, new Renew(), Service(Utc(2025, 7, 31, 15), timeZone: "Asia/Tokyo"));

        Assert.Equal(Utc(2025, 7, 31, 15), created.State.NextRenewal);
        Assert.Equal(new ProrationFactor(16, 31), invoice.Charges[0].Proration);
        Assert.Equal(Utc(2025, 8, 31, 15), invoice.State.NextRenewal);
    }

    [Fact]
    public void SUB_11_free_months_start_at_signature_and_nothing_is_billed_before_the_billing_start()
    {
        var created = Connect(Utc(2025, 1, 15, 10), freeMonths: 2);

        Assert.Empty(created.Charges);
        Assert.Equal(Utc(2025, 3, 15, 10), created.State.BillingStart);
        Assert.Equal(Utc(2025, 4, 1), created.State.NextRenewal);
        Assert.Equal(Rules.Sub3, Assert.Throws<RuleViolationException>(() => Subscription.Decide(created.State, new Renew(), Service(Utc(2025, 2, 1)))).RuleId);

        var first = Renew(created.State);

        Assert.Equal([(InvoiceLineKind.ProrationCharge, 139.35m), (InvoiceLineKind.SubscriptionCharge, 270.00m)], first.Charges.Select(c => (c.Kind, Amount(c))));
    }

    [Fact]
    public void SUB_11_a_free_month_from_31_january_of_a_leap_year_ends_on_29_february_and_a_15_month_contract_on_30_april()
    {
        var created = Connect(Utc(2024, 1, 31, 10), freeMonths: 1, contractMonths: 15);

        Assert.Equal(Utc(2024, 2, 29, 10), created.State.BillingStart);
        Assert.Equal(Utc(2024, 3, 1), created.State.NextRenewal);
        Assert.Equal(Utc(2025, 4, 30, 10), created.State.ContractEnd);
        Assert.Equal(270.00m, Amount(Assert.Single(Renew(created.State).Charges)));
    }

    [Fact]
    public void SUB_11_free_months_are_granted_by_billing_ops_only_and_within_the_catalog_limit()
    {
        var holder = Assert.Throws<RuleViolationException>(() => Subscription.CreatePaid(
            new CreatePaid("sub-1", "acc-1", "connect", "phone-system", 1, BillingFrequency.Monthly, FreeMonths: 1), Context(Utc(2025, 1, 1))));
        var tooMany = Assert.Throws<ValidationException>(() => Connect(Utc(2025, 1, 1), freeMonths: 4));

        Assert.Equal(Rules.Sub11, holder.RuleId);
        Assert.Equal("free_months", Assert.Single(tooMany.Violations).Field);
    }

    [Fact]
    public void SUB_10_frequency_change_takes_effect_at_the_next_renewal()
    {
        var state = Paid("meeting", "business", 5, Utc(2025, 1, 1)).State;

        var scheduled = Subscription.Decide(state, new ChangeFrequency(BillingFrequency.Annual), Context(Utc(2025, 1, 10)));
        var renewed = Renew(scheduled.State);

        Assert.Empty(scheduled.Charges);
        Assert.Equal(BillingFrequency.Monthly, scheduled.State.Frequency);
        Assert.Equal(BillingFrequency.Annual, scheduled.State.PendingFrequency);
        Assert.Equal(800.00m, Amount(Assert.Single(renewed.Charges)));
        Assert.Equal(new BillingPeriod(Utc(2025, 1, 31), Utc(2026, 1, 31)), renewed.State.CurrentPeriod);
        Assert.Null(renewed.State.PendingFrequency);
    }

    [Fact]
    public void SUB_10_corporate_accounts_change_frequency_only_through_billing_ops()
    {
        var state = Paid("meeting", "business", 5, Utc(2025, 1, 1), BillingFrequency.Annual).State;

        var refusal = Assert.Throws<RuleViolationException>(() => Subscription.Decide(
            state, new ChangeFrequency(BillingFrequency.Monthly), Context(Utc(2025, 2, 1), kind: AccountKind.Corporate)));
        var byOps = Subscription.Decide(
            state, new ChangeFrequency(BillingFrequency.Monthly), Context(Utc(2025, 2, 1), CallerAuthority.BillingOps, kind: AccountKind.Corporate));

        Assert.Equal(Rules.Sub10, refusal.RuleId);
        Assert.Equal(BillingFrequency.Monthly, byOps.State.PendingFrequency);
    }

    [Fact]
    public void INV_8_a_corporate_customer_cannot_buy_monthly_billing_and_billing_ops_can()
    {
        var monthly = new CreatePaid("sub-1", "acc-1", "meeting", "business", 5, BillingFrequency.Monthly);

        var refusal = Assert.Throws<RuleViolationException>(() => Subscription.CreatePaid(monthly, Context(Utc(2025, 1, 1), kind: AccountKind.Corporate)));
        var annual = Subscription.CreatePaid(monthly with { Frequency = BillingFrequency.Annual }, Context(Utc(2025, 1, 1), kind: AccountKind.Corporate));
        var byOps = Subscription.CreatePaid(monthly, Context(Utc(2025, 1, 1), CallerAuthority.BillingOps, kind: AccountKind.Corporate));
        var trial = Assert.Throws<RuleViolationException>(() => Subscription.StartTrial(
            new StartTrial("sub-2", "acc-1", "pro", "personal", 1, BillingFrequency.Monthly), Context(Utc(2025, 1, 1), kind: AccountKind.Corporate)));

        Assert.Equal((Rules.Inv8, Rules.Inv8), (refusal.RuleId, trial.RuleId));
        Assert.Contains("billed annually", refusal.Reason, StringComparison.Ordinal);
        Assert.Equal((BillingFrequency.Annual, BillingFrequency.Monthly), (annual.State.Frequency, byOps.State.Frequency));
    }

    [Fact]
    public void SUB_10_an_unsupported_frequency_is_a_validation_error()
    {
        var state = Connect(Utc(2025, 1, 1)).State;

        var error = Assert.Throws<ValidationException>(() => Subscription.Decide(state, new ChangeFrequency(BillingFrequency.Annual), Ops(Utc(2025, 1, 5))));

        Assert.Equal("frequency", Assert.Single(error.Violations).Field);
    }
}
