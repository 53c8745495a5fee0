using Subscriptions.Domain.Billing;
using Subscriptions.Domain.Errors;
using Subscriptions.Domain.Invoices;
using Subscriptions.Domain.Subscriptions;
using static Subscriptions.Domain.Tests.TestKit;

namespace Subscriptions.Domain.Tests.Subscriptions;

public sealed class DunningTests
{
    private static SubscriptionState Limited(string plan = "business")
    {
        var renewed = Renew(Paid("meeting", plan, 5, Utc(2025, 3, 1)).State).State;
        return Subscription.Decide(renewed, new MarkRenewalOverdue(), Service(Utc(2025, 4, 15), overdue: true)).State;
    }

    [Fact]
    public void SUB_8_an_overdue_renewal_invoice_limits_the_subscription_and_starts_the_grace_period()
    {
        var limited = Limited();

        Assert.Equal(SubscriptionStatus.Limited, limited.Status);
        Assert.Equal(Utc(2025, 4, 30), limited.GracePeriodEndsAt);
        Assert.Contains(new ReminderRequest(ReminderRequest.GracePeriodEnd, Utc(2025, 4, 30)), limited.WantedReminders());
        Assert.Contains(new ReminderRequest(ReminderRequest.Renewal, Utc(2025, 4, 30)), limited.WantedReminders());
    }

    [Fact]
    public void SUB_8_limited_refuses_plan_upgrades_and_seat_additions()
    {
        var limited = Limited("professional");

        var upgrade = Assert.Throws<RuleViolationException>(() => Subscription.Decide(limited, new UpgradePlan("business"), Context(Utc(2025, 4, 16))));
        var seats = Assert.Throws<RuleViolationException>(() => Subscription.Decide(limited, new AddSeats(1), Context(Utc(2025, 4, 16))));

        Assert.Equal(Rules.Sub8, upgrade.RuleId);
        Assert.Equal(Rules.Sub8, seats.RuleId);
        Assert.Contains("pay the overdue balance or contact support", seats.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void SUB_9_limited_past_the_grace_period_is_suspended()
    {
        var limited = Limited();

        var early = Assert.Throws<RuleViolationException>(() => Subscription.Decide(limited, new ElapseGracePeriod(), Service(Utc(2025, 4, 29))));
        var suspended = Subscription.Decide(limited, new ElapseGracePeriod(), Service(Utc(2025, 4, 30)));

        Assert.Equal(Rules.Sub9, early.RuleId);
        Assert.Equal(SubscriptionStatus.Suspended, suspended.State.Status);
        Assert.Empty(suspended.Reminders);
    }

    [Fact]
    public void SUB_9_paying_the_overdue_balance_restores_the_subscription_without_a_new_invoice()
    {
        var suspended = Subscription.Decide(Limited(), new ElapseGracePeriod(), Service(Utc(2025, 4, 30))).State;

        var stillOwing = Assert.Throws<RuleViolationException>(() => Subscription.Decide(suspended, new SettleOverdue(), Service(Utc(2025, 5, 2), overdue: true)));
        var restored = Subscription.Decide(suspended, new SettleOverdue(), Service(Utc(2025, 5, 2)));

        Assert.Equal(Rules.Sub9, stillOwing.RuleId);
        Assert.Equal(SubscriptionStatus.Active, restored.State.Status);
        Assert.Empty(restored.Charges);
        Assert.Equal([new ReminderRequest(ReminderRequest.Renewal, Utc(2025, 5, 30))], restored.Reminders);
        Assert.Equal(new ProrationFactor(28, 30), Assert.Single(restored.State.DeferredCharges).Proration);
    }

    [Fact]
    public void SUB_9_restored_after_months_suspended_it_bills_no_missed_period_and_the_rest_of_the_period_under_way_with_the_next_renewal()
    {
        var suspended = Subscription.Decide(Limited(), new ElapseGracePeriod(), Service(Utc(2025, 4, 30))).State;

        var restored = Subscription.Decide(suspended, new SettleOverdue(), Service(Utc(2025, 8, 15)));
        var early = Assert.Throws<RuleViolationException>(() => Subscription.Decide(restored.State, new Renew(), Service(Utc(2025, 8, 15))));
        var renewed = Subscription.Decide(restored.State, new Renew(), Service(Utc(2025, 8, 28)));

        // Monthly anniversary periods of 30 days from 30 April: those of 30 April, 30 May and 29 June ran out while it
        // was suspended; restored on 15 August, the one from 29 July is under way, 13 of its 30 days left.
        Assert.Empty(restored.Charges);
        Assert.Equal([new ReminderRequest(ReminderRequest.Renewal, Utc(2025, 8, 28))], restored.Reminders);
        Assert.Contains("Not billed: 3 period(s) that ran out while it was suspended; the rest of the period under way, 13/30 days", Assert.Single(restored.History).Description, StringComparison.Ordinal);
        Assert.Equal(Rules.Sub3, early.RuleId);
        Assert.Equal(
            [(InvoiceLineKind.SubscriptionCharge, null, new BillingPeriod(Utc(2025, 8, 28), Utc(2025, 9, 27))),
             (InvoiceLineKind.ProrationCharge, new ProrationFactor(13, 30), new BillingPeriod(Utc(2025, 7, 29), Utc(2025, 8, 28)))],
            renewed.Charges.Select(c => (c.Kind, c.Proration, c.Period)));
    }

    [Fact]
    public void SUB_9_SUB_10_restored_with_a_pending_switch_to_monthly_it_switches_at_the_end_of_the_year_under_way_billing_no_month_missed()
    {
        var annual = Paid("meeting", "business", 5, Utc(2025, 1, 1), BillingFrequency.Annual).State;
        var switching = Subscription.Decide(annual, new ChangeFrequency(BillingFrequency.Monthly), Context(Utc(2025, 1, 5))).State;
        var limited = Subscription.Decide(switching, new MarkRenewalOverdue(), Service(Utc(2025, 1, 16), overdue: true)).State;
        var suspended = Subscription.Decide(limited, new ElapseGracePeriod(), Service(limited.GracePeriodEndsAt!.Value)).State;

        // The renewal of 1 January 2026 fell due while suspended; restored on 15 June 2026, the year under way runs to
        // 1 January 2027, where the switch to monthly takes effect: no month is renewed behind the restore.
        var restored = Subscription.Decide(suspended, new SettleOverdue(), Service(Utc(2026, 6, 15)));

        Assert.Equal(Utc(2026, 1, 1), suspended.NextRenewal);
        Assert.Empty(restored.Charges);
        Assert.Equal((Utc(2027, 1, 1), BillingFrequency.Monthly), (restored.State.NextRenewal, restored.State.PendingFrequency));
        Assert.Equal(new BillingPeriod(Utc(2026, 1, 1), Utc(2027, 1, 1)), Assert.Single(restored.State.DeferredCharges).Period);
    }

    [Fact]
    public void SUB_9_a_limited_subscription_settled_keeps_the_renewals_it_was_billed_for()
    {
        var limited = Limited();

        var settled = Subscription.Decide(limited, new SettleOverdue(), Service(Utc(2025, 4, 20)));

        Assert.Equal(limited.NextRenewal, settled.State.NextRenewal);
        Assert.DoesNotContain("not billed", Assert.Single(settled.History).Description, StringComparison.Ordinal);
    }

    [Fact]
    public void SUB_9_a_suspended_subscription_is_not_renewed()
    {
        var suspended = Subscription.Decide(Limited(), new ElapseGracePeriod(), Service(Utc(2025, 4, 30))).State;

        var refusal = Assert.Throws<RuleViolationException>(() => Subscription.Decide(suspended, new Renew(), Service(Utc(2025, 5, 1))));

        Assert.Equal(Rules.Sub9, refusal.RuleId);
    }

    [Fact]
    public void SUB_9_a_dunning_event_with_nothing_to_do_is_no_decision_never_a_refusal()
    {
        var active = Paid("meeting", "business", 5, Utc(2025, 3, 1)).State;
        var limited = Limited();

        Assert.Null(Subscription.DecideDunning(active, new SettleOverdue(), Service(Utc(2025, 4, 20))));
        Assert.Null(Subscription.DecideDunning(limited, new SettleOverdue(), Service(Utc(2025, 4, 20), overdue: true)));
        Assert.Equal(SubscriptionStatus.Active, Subscription.DecideDunning(limited, new SettleOverdue(), Service(Utc(2025, 4, 20)))!.State.Status);
        Assert.Equal(SubscriptionStatus.Limited, Subscription.DecideDunning(active, new MarkRenewalOverdue(), Service(Utc(2025, 4, 20)))!.State.Status);
    }
}
