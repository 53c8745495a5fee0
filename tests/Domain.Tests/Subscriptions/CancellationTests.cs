using Subscriptions.Domain.Accounts;
using Subscriptions.Domain.Billing;
using Subscriptions.Domain.Errors;
using Subscriptions.Domain.Invoices;
using Subscriptions.Domain.Subscriptions;
using static Subscriptions.Domain.Tests.TestKit;

namespace Subscriptions.Domain.Tests.Subscriptions;

public sealed class CancellationTests
{
    private static SubscriptionState Meeting() => Paid("meeting", "business", 5, Utc(2025, 3, 1)).State;

    private static SubscriptionState Connect(DateTimeOffset at, int? contractMonths = null) =>
        Subscription.CreatePaid(new CreatePaid("sub-1", "acc-1", "connect", "phone-system", 10, BillingFrequency.Monthly, contractMonths), Ops(at)).State;

    [Fact]
    public void SUB_6_cancel_keeps_the_subscription_usable_until_the_end_of_the_paid_period_without_refund_or_renewal()
    {
        var decision = Subscription.Decide(Meeting(), new Cancel(), Context(Utc(2025, 3, 15)));

        Assert.Equal(SubscriptionStatus.PendingCancellation, decision.State.Status);
        Assert.Empty(decision.Charges);
        Assert.Empty(decision.Credits);
        Assert.Equal(Utc(2025, 3, 31), decision.State.CancellationEffectiveAt);
        Assert.Equal([new ReminderRequest(ReminderRequest.CancellationEffective, Utc(2025, 3, 31))], decision.Reminders);
        Assert.Equal(Rules.Sub3, Assert.Throws<RuleViolationException>(() => Subscription.Decide(decision.State, new Renew(), Service(Utc(2025, 3, 31)))).RuleId);
    }

    [Fact]
    public void SUB_6_cancellation_becomes_effective_at_its_date()
    {
        var pending = Subscription.Decide(Meeting(), new Cancel(), Context(Utc(2025, 3, 15))).State;

        var early = Assert.Throws<RuleViolationException>(() => Subscription.Decide(pending, new ApplyCancellation(), Service(Utc(2025, 3, 30))));
        var cancelled = Subscription.Decide(pending, new ApplyCancellation(), Service(Utc(2025, 3, 31)));

        Assert.Equal(Rules.Sub6, early.RuleId);
        Assert.Equal(SubscriptionStatus.Cancelled, cancelled.State.Status);
        Assert.Equal(Utc(2025, 3, 31), cancelled.State.EndedAt);
        Assert.Empty(cancelled.Reminders);
    }

    [Fact]
    public void SUB_6_is_refused_to_non_holders()
    {
        var refusal = Assert.Throws<PermissionDeniedException>(() => Subscription.Decide(Meeting(), new Cancel(), Context(Utc(2025, 3, 15), CallerAuthority.BillingViewer)));

        Assert.Equal(Rules.Sub6, refusal.RuleId);
    }

    [Fact]
    public void SUB_6_is_refused_while_the_account_has_an_unpaid_past_due_balance()
    {
        var refusal = Assert.Throws<RuleViolationException>(() => Subscription.Decide(Meeting(), new Cancel(), Context(Utc(2025, 3, 15), overdue: true)));

        Assert.Equal(Rules.Sub6, refusal.RuleId);
        Assert.Contains("unpaid past-due invoices", refusal.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void SUB_6_support_only_products_are_cancelled_by_billing_ops_only()
    {
        var central = Paid("central", "basic", 1, Utc(2025, 3, 1)).State;

        var refusal = Assert.Throws<RuleViolationException>(() => Subscription.Decide(central, new Cancel(), Context(Utc(2025, 3, 15))));
        var byOps = Subscription.Decide(central, new Cancel(), Ops(Utc(2025, 3, 15)));

        Assert.Equal(Rules.Sub6, refusal.RuleId);
        Assert.Contains("contact support", refusal.Reason, StringComparison.Ordinal);
        Assert.Equal(SubscriptionStatus.PendingCancellation, byOps.State.Status);
    }

    [Fact]
    public void SUB_6_a_cancelled_or_pending_subscription_cannot_be_cancelled_again()
    {
        var pending = Subscription.Decide(Meeting(), new Cancel(), Context(Utc(2025, 3, 15))).State;

        var refusal = Assert.Throws<RuleViolationException>(() => Subscription.Decide(pending, new Cancel(), Context(Utc(2025, 3, 16))));

        Assert.Equal(Rules.Sub6, refusal.RuleId);
        Assert.Equal("It is not possible to cancel a subscription that is pending-cancellation.", refusal.Reason);
    }

    [Fact]
    public void SUB_6_withdrawing_before_the_effective_date_returns_to_active_and_renews_again()
    {
        var pending = Subscription.Decide(Meeting(), new Cancel(), Context(Utc(2025, 3, 15))).State;

        var withdrawn = Subscription.Decide(pending, new WithdrawCancellation(), Context(Utc(2025, 3, 20)));

        Assert.Equal(SubscriptionStatus.Active, withdrawn.State.Status);
        Assert.Null(withdrawn.State.CancellationEffectiveAt);
        Assert.Equal([new ReminderRequest(ReminderRequest.Renewal, Utc(2025, 3, 31))], withdrawn.Reminders);
    }

    [Fact]
    public void SUB_6_withdrawing_after_the_effective_date_is_refused()
    {
        var pending = Subscription.Decide(Meeting(), new Cancel(), Context(Utc(2025, 3, 15))).State;

        var refusal = Assert.Throws<RuleViolationException>(() => Subscription.Decide(pending, new WithdrawCancellation(), Context(Utc(2025, 3, 31, 1))));

        Assert.Equal(Rules.Sub6, refusal.RuleId);
    }

    [Fact]
    public void SUB_6_calendar_request_10_days_before_month_end_ends_that_month()
    {
        var decision = Subscription.Decide(Connect(Utc(2025, 1, 1)), new Cancel(), Ops(Utc(2025, 1, 21, 12)));

        Assert.Equal(Utc(2025, 2, 1), decision.State.CancellationEffectiveAt);
        Assert.Null(decision.State.NextRenewal);
    }

    [Fact]
    public void SUB_6_connect_cancellation_9_days_before_month_end_takes_effect_a_month_later()
    {
        var decision = Subscription.Decide(Connect(Utc(2025, 1, 1)), new Cancel(), Ops(Utc(2025, 1, 22, 12)));

        Assert.Equal(Utc(2025, 3, 1), decision.State.CancellationEffectiveAt);
        Assert.Equal(Utc(2025, 2, 1), decision.State.NextRenewal);

        var february = Renew(decision.State);

        Assert.Equal(270.00m, Amount(Assert.Single(february.Charges)));
        Assert.Equal(SubscriptionStatus.PendingCancellation, february.State.Status);
        Assert.Null(february.State.NextRenewal);
        Assert.Equal([new ReminderRequest(ReminderRequest.CancellationEffective, Utc(2025, 3, 1))], february.Reminders);
    }

    [Theory]
    [InlineData(2024, 3)]
    [InlineData(2025, 4)]
    public void SUB_6_the_10_day_rule_counts_the_days_of_february_in_leap_and_common_years(int year, int effectiveMonth)
    {
        // 19 February: 10 days before the 29th of a leap year (in time), 9 before the 28th otherwise (a month later).
        var decision = Subscription.Decide(Connect(Utc(year, 2, 1)), new Cancel(), Ops(Utc(year, 2, 19, 12)));

        Assert.Equal(Utc(year, effectiveMonth, 1), decision.State.CancellationEffectiveAt);
    }

    [Fact]
    public void SUB_6_the_10_day_rule_reads_the_request_date_in_the_account_time_zone()
    {
        const string LosAngeles = "America/Los_Angeles";
        var connect = Subscription.CreatePaid(
            new CreatePaid("sub-1", "acc-1", "connect", "phone-system", 10, BillingFrequency.Monthly), Ops(Utc(2025, 1, 1, 8), timeZone: LosAngeles)).State;

        // 03:00 UTC on 22 January is still 21 January in Los Angeles: in time for the end of January there.
        var decision = Subscription.Decide(connect, new Cancel(), Ops(Utc(2025, 1, 22, 3), timeZone: LosAngeles));

        Assert.Equal(Utc(2025, 2, 1, 8), decision.State.CancellationEffectiveAt);
    }

    [Fact]
    public void SUB_6_a_15_month_contract_cancelled_with_3_months_left_bills_the_3_months_and_stays_usable_until_the_contract_end()
    {
        var state = Connect(Utc(2025, 1, 1), contractMonths: 15);
        Assert.Equal(Utc(2026, 4, 1), state.ContractEnd);
        for (var month = 2; month <= 12; month++)
        {
            state = Renew(state).State;
        }

        var decision = Subscription.Decide(state, new Cancel(), Ops(Utc(2025, 12, 10)));

        var charge = Assert.Single(decision.Charges);
        Assert.Equal(30m, charge.Quantity);
        Assert.Equal(810.00m, Amount(charge));
        Assert.Equal(new BillingPeriod(Utc(2026, 1, 1), Utc(2026, 4, 1)), charge.Period);
        Assert.Equal(Utc(2026, 4, 1), decision.State.CancellationEffectiveAt);
        Assert.Null(decision.State.NextRenewal);
    }

    [Fact]
    public void SUB_12_a_cancellation_that_drops_the_1_august_invoice_still_bills_the_16_of_31_days_of_july()
    {
        var decision = Subscription.Decide(Connect(Utc(2025, 7, 15, 10)), new Cancel(), Ops(Utc(2025, 7, 16)));
        var cancelled = Subscription.Decide(decision.State, new ApplyCancellation(), Service(Utc(2025, 8, 1)));

        Assert.Equal(Utc(2025, 8, 1), decision.State.CancellationEffectiveAt);
        Assert.Null(decision.State.NextRenewal);
        var july = Assert.Single(decision.Charges);
        Assert.Equal((InvoiceLineKind.ProrationCharge, new ProrationFactor(16, 31), 139.35m), (july.Kind, july.Proration, Amount(july)));
        Assert.Equal(new BillingPeriod(Utc(2025, 7, 1), Utc(2025, 8, 1)), july.Period);
        Assert.Empty(cancelled.Charges);
    }

    [Fact]
    public void SUB_12_withdrawing_after_the_first_month_was_billed_at_cancellation_does_not_bill_it_again()
    {
        var pending = Subscription.Decide(Connect(Utc(2025, 7, 15, 10)), new Cancel(), Ops(Utc(2025, 7, 16))).State;
        var withdrawn = Subscription.Decide(pending, new WithdrawCancellation(), Ops(Utc(2025, 7, 20))).State;

        var august = Renew(withdrawn);

        Assert.Equal(Utc(2025, 8, 1), withdrawn.NextRenewal);
        Assert.Equal([(InvoiceLineKind.SubscriptionCharge, 270.00m)], august.Charges.Select(c => (c.Kind, Amount(c))));
    }

    [Fact]
    public void SUB_12_a_cancellation_that_keeps_the_1_august_invoice_leaves_the_first_month_on_it()
    {
        var pending = Subscription.Decide(Connect(Utc(2025, 7, 15, 10)), new Cancel(), Ops(Utc(2025, 7, 25)));

        var august = Renew(pending.State);

        Assert.Empty(pending.Charges);
        Assert.Equal(Utc(2025, 9, 1), pending.State.CancellationEffectiveAt);
        Assert.Equal([(InvoiceLineKind.ProrationCharge, 139.35m), (InvoiceLineKind.SubscriptionCharge, 270.00m)], august.Charges.Select(c => (c.Kind, Amount(c))));
    }

    [Fact]
    public void SUB_6_a_contract_cancelled_before_its_first_calendar_invoice_bills_the_prorated_first_month_and_the_term_to_its_end_day()
    {
        var decision = Subscription.Decide(Connect(Utc(2025, 7, 15, 10), contractMonths: 12), new Cancel(), Ops(Utc(2025, 7, 16)));

        // 16/31 of July 2025, August to June whole, and 15/31 of July 2026 to the contract end: twelve months' price for
        // the twelve months' term, the days after its end (unusable) not billed.
        Assert.Equal(
            [(InvoiceLineKind.ProrationCharge, 139.35m, new BillingPeriod(Utc(2025, 7, 1), Utc(2025, 8, 1))),
             (InvoiceLineKind.SubscriptionCharge, 11 * 270.00m, new BillingPeriod(Utc(2025, 8, 1), Utc(2026, 7, 1))),
             (InvoiceLineKind.ProrationCharge, 130.65m, new BillingPeriod(Utc(2026, 7, 1), Utc(2026, 8, 1)))],
            decision.Charges.Select(c => (c.Kind, Amount(c), c.Period)));
        Assert.Equal(12 * 270.00m, decision.Charges.Sum(Amount));
        Assert.Equal(new ProrationFactor(15, 31), decision.Charges[^1].Proration);
        Assert.Equal(Utc(2026, 7, 15, 10), decision.State.CancellationEffectiveAt);
    }

    [Fact]
    public void SUB_6_withdrawing_a_contract_cancellation_bills_the_rest_of_the_last_contract_period_with_the_next_renewal()
    {
        var pending = Subscription.Decide(Connect(Utc(2025, 7, 15, 10), contractMonths: 12), new Cancel(), Ops(Utc(2025, 7, 16))).State;
        var withdrawn = Subscription.Decide(pending, new WithdrawCancellation(), Ops(Utc(2025, 7, 20))).State;

        var renewal = Renew(withdrawn);

        // The term billed 15/31 of July 2026; renewing again from 1 August 2026, the other 16/31 comes with that renewal.
        Assert.Equal(Utc(2026, 8, 1), withdrawn.NextRenewal);
        Assert.Equal(
            [(InvoiceLineKind.SubscriptionCharge, 270.00m, new BillingPeriod(Utc(2026, 8, 1), Utc(2026, 9, 1))),
             (InvoiceLineKind.ProrationCharge, 139.35m, new BillingPeriod(Utc(2026, 7, 1), Utc(2026, 8, 1)))],
            renewal.Charges.Select(c => (c.Kind, Amount(c), c.Period)));
    }

    [Fact]
    public void SUB_6_a_contract_signed_on_the_1st_and_cancelled_bills_twelve_whole_months_and_nothing_of_the_month_it_ends_in()
    {
        var decision = Subscription.Decide(Connect(Utc(2025, 7, 1, 10), contractMonths: 12), new Cancel(), Ops(Utc(2025, 7, 16)));

        Assert.Equal(
            [(InvoiceLineKind.SubscriptionCharge, 11 * 270.00m, new BillingPeriod(Utc(2025, 8, 1), Utc(2026, 7, 1)))],
            decision.Charges.Select(c => (c.Kind, Amount(c), c.Period)));
        Assert.Equal(Utc(2026, 7, 1, 10), decision.State.CancellationEffectiveAt);
    }

    [Fact]
    public void SUB_6_cancelled_again_after_a_withdrawal_it_is_served_and_billed_to_the_end_of_the_months_billed_ahead()
    {
        var pending = Subscription.Decide(Connect(Utc(2025, 7, 15, 10), contractMonths: 12), new Cancel(), Ops(Utc(2025, 7, 16))).State;
        var withdrawn = Subscription.Decide(pending, new WithdrawCancellation(), Ops(Utc(2025, 7, 20))).State;

        var again = Subscription.Decide(withdrawn, new Cancel(), Ops(Utc(2025, 7, 21)));
        var ended = Subscription.Decide(again.State, new ApplyCancellation(), Service(Utc(2026, 8, 1)));
        var withdrawnAgain = Subscription.Decide(again.State, new WithdrawCancellation(), Ops(Utc(2025, 7, 22))).State;

        // Billed through July 2026 by the term (to 15 July) and the withdrawal (the rest of July, waiting for the next
        // renewal): the second cancellation serves July whole and bills its rest when it takes effect; withdrawn again,
        // billing takes up on 1 August 2026, never at the months already billed.
        Assert.Empty(again.Charges);
        Assert.Equal(Utc(2026, 8, 1), again.State.CancellationEffectiveAt);
        Assert.Equal([(InvoiceLineKind.ProrationCharge, 139.35m)], ended.Charges.Select(c => (c.Kind, Amount(c))));
        Assert.Equal(Utc(2026, 8, 1), withdrawnAgain.NextRenewal);
    }

    [Fact]
    public void SUB_6_a_contract_term_outside_the_catalog_is_a_validation_error()
    {
        var error = Assert.Throws<ValidationException>(() => Connect(Utc(2025, 1, 1), contractMonths: 18));

        Assert.Equal("contract_term_months", Assert.Single(error.Violations).Field);
    }

    [Fact]
    public void SUB_6_cancelling_a_free_subscription_ends_it_at_once()
    {
        var trial = Subscription.StartTrial(new StartTrial("sub-1", "acc-1", "central", "basic", 1, BillingFrequency.Monthly), Context(Utc(2025, 5, 1))).State;
        var free = Subscription.Decide(trial, new EndTrial(), Service(Utc(2025, 5, 15))).State;

        var decision = Subscription.Decide(free, new Cancel(), Ops(Utc(2025, 6, 1)));

        Assert.Equal(SubscriptionStatus.Cancelled, decision.State.Status);
        Assert.Equal(Utc(2025, 6, 1), decision.State.EndedAt);
    }

    [Fact]
    public void SUB_7_reactivating_a_cancelled_subscription_starts_and_invoices_a_new_period()
    {
        var pending = Subscription.Decide(Meeting(), new Cancel(), Context(Utc(2025, 3, 15))).State;
        var cancelled = Subscription.Decide(pending, new ApplyCancellation(), Service(Utc(2025, 3, 31))).State;

        var decision = Subscription.Decide(cancelled, new Reactivate(), Context(Utc(2025, 5, 10)));

        Assert.Equal(SubscriptionStatus.Active, decision.State.Status);
        Assert.Equal(80.00m, Amount(Assert.Single(decision.Charges)));
        Assert.Equal(new BillingPeriod(Utc(2025, 5, 10), Utc(2025, 6, 9)), decision.State.CurrentPeriod);
    }

    [Fact]
    public void SUB_7_reactivation_after_the_6_month_data_retention_is_refused()
    {
        var pending = Subscription.Decide(Meeting(), new Cancel(), Context(Utc(2025, 3, 15))).State;
        var cancelled = Subscription.Decide(pending, new ApplyCancellation(), Service(Utc(2025, 3, 31))).State;

        var refusal = Assert.Throws<RuleViolationException>(() => Subscription.Decide(cancelled, new Reactivate(), Context(Utc(2025, 9, 30))));

        Assert.Equal(Rules.Sub7, refusal.RuleId);
    }

    [Fact]
    public void SUB_7_an_expired_trial_can_be_reactivated()
    {
        var trial = Subscription.StartTrial(new StartTrial("sub-1", "acc-1", "pro", "personal", 1, BillingFrequency.Monthly), Context(Utc(2025, 5, 1))).State;
        var expired = Subscription.Decide(trial, new EndTrial(), Service(Utc(2025, 5, 15), hasPaymentMethod: false)).State;

        var decision = Subscription.Decide(expired, new Reactivate(), Context(Utc(2025, 5, 20)));

        Assert.Equal(SubscriptionStatus.Active, decision.State.Status);
        Assert.Equal(30.00m, Amount(Assert.Single(decision.Charges)));
    }
}
