using Subscriptions.Domain.Accounts;
using Subscriptions.Domain.Billing;
using Subscriptions.Domain.Errors;
using Subscriptions.Domain.Invoices;
using Subscriptions.Domain.Subscriptions;
using Subscriptions.Domain.Tests.Accounts;
using static Subscriptions.Domain.Tests.TestKit;

namespace Subscriptions.Domain.Tests.Subscriptions;

public sealed class TrialTests
{
    private static SubscriptionState Trial(string product, string plan, DateTimeOffset at) =>
        Subscription.StartTrial(new StartTrial("sub-1", "acc-1", product, plan, 3, BillingFrequency.Monthly), Context(at)).State;

    [Fact]
    public void SUB_1_trial_lasts_the_catalog_days_and_wants_a_trial_end_reminder()
    {
        var decision = Subscription.StartTrial(new StartTrial("sub-1", "acc-1", "central", "basic", 3, BillingFrequency.Monthly), Context(Utc(2025, 5, 1, 9)));

        Assert.Equal(SubscriptionStatus.Trial, decision.State.Status);
        Assert.Equal(Utc(2025, 5, 15, 9), decision.State.TrialEnd);
        Assert.Empty(decision.Charges);
        Assert.Equal([new ReminderRequest(ReminderRequest.TrialEnd, Utc(2025, 5, 15, 9))], decision.Reminders);
        Assert.Equal("trial-started", Assert.Single(decision.History).Change);
    }

    [Fact]
    public void SUB_1_to_free_policy_moves_the_trial_to_free_without_an_invoice()
    {
        var trial = Trial("central", "basic", Utc(2025, 5, 1, 9));

        var decision = Subscription.Decide(trial, new EndTrial(), Service(Utc(2025, 5, 15, 9)));

        Assert.Equal(SubscriptionStatus.Free, decision.State.Status);
        Assert.Empty(decision.Charges);
        Assert.Empty(decision.Reminders);
        var entry = Assert.Single(decision.History);
        Assert.Equal((SubscriptionStatus.Trial, SubscriptionStatus.Free, "trial-ended-to-free"), (entry.From!.Value, entry.To, entry.Change));
    }

    [Fact]
    public void SUB_1_to_paid_policy_with_a_default_payment_method_bills_the_first_period_from_the_trial_end()
    {
        var trial = Trial("pro", "personal", Utc(2025, 5, 1, 9));

        var decision = Subscription.Decide(trial, new EndTrial(), Service(Utc(2025, 5, 15, 9, 3)));

        Assert.Equal(SubscriptionStatus.Active, decision.State.Status);
        var charge = Assert.Single(decision.Charges);
        Assert.Equal(InvoiceLineKind.SubscriptionCharge, charge.Kind);
        Assert.Equal(90.00m, Amount(charge));
        Assert.Equal(new BillingPeriod(Utc(2025, 5, 15, 9), Utc(2025, 6, 14, 9)), decision.State.CurrentPeriod);
        Assert.Equal([new ReminderRequest(ReminderRequest.Renewal, Utc(2025, 6, 14, 9))], decision.Reminders);
    }

    [Fact]
    public void SUB_1_to_paid_policy_without_a_default_payment_method_expires_the_trial()
    {
        var trial = Trial("pro", "personal", Utc(2025, 5, 1, 9));

        var decision = Subscription.Decide(trial, new EndTrial(), Service(Utc(2025, 5, 15, 9), hasPaymentMethod: false));

        Assert.Equal(SubscriptionStatus.Expired, decision.State.Status);
        Assert.Empty(decision.Charges);
        Assert.Equal(Utc(2025, 5, 15, 9), decision.State.EndedAt);
    }

    [Fact]
    public void SUB_1_an_expired_default_card_is_not_a_default_payment_method_at_the_end_of_a_to_paid_trial()
    {
        // The card is valid through July 2025 and still the account's default when the trial ends on 14 August.
        var account = new AccountBuilder().WithCard("c1", expiryMonth: 7, expiryYear: 2025).Build();
        var trial = Trial("pro", "personal", Utc(2025, 7, 31, 9));
        var trialEnd = Utc(2025, 8, 14, 9);
        var facts = AccountFacts.Of(account, trialEnd, hasOverdueBalance: false);

        var decision = Subscription.Decide(trial, new EndTrial(), new SubscriptionContext(TestKit.Catalog, facts, CallerAuthority.System, trialEnd));

        Assert.Equal("c1", account.DefaultPaymentMethodId);
        Assert.False(facts.HasDefaultPaymentMethod);
        Assert.Equal(SubscriptionStatus.Expired, decision.State.Status);
        Assert.Equal("trial-ended-unpaid", Assert.Single(decision.History).Change);
        Assert.Empty(decision.Charges);
    }

    [Fact]
    public void SUB_1_a_default_card_expiring_at_the_end_of_the_trial_month_in_the_account_time_zone_still_bills_the_trial()
    {
        // The trial ends at 03:00 UTC on 1 August, still 31 July in Los Angeles: the July card is valid there.
        var account = new AccountBuilder().WithTimeZone("America/Los_Angeles").WithCard("c1", expiryMonth: 7, expiryYear: 2025).Build();
        var trialEnd = Utc(2025, 8, 1, 3);
        var trial = Subscription.StartTrial(
            new StartTrial("sub-1", "acc-1", "pro", "personal", 3, BillingFrequency.Monthly), Context(Utc(2025, 7, 18, 3), timeZone: "America/Los_Angeles")).State;
        var facts = AccountFacts.Of(account, trialEnd, hasOverdueBalance: false);

        var decision = Subscription.Decide(trial, new EndTrial(), new SubscriptionContext(TestKit.Catalog, facts, CallerAuthority.System, trialEnd));

        Assert.Equal(trialEnd, trial.TrialEnd);
        Assert.True(facts.HasDefaultPaymentMethod);
        Assert.Equal(SubscriptionStatus.Active, decision.State.Status);
        Assert.Equal(90.00m, Amount(Assert.Single(decision.Charges)));
    }

    [Fact]
    public void SUB_1_trial_cannot_end_before_its_end_date()
    {
        var trial = Trial("pro", "personal", Utc(2025, 5, 1, 9));

        var refusal = Assert.Throws<RuleViolationException>(() => Subscription.Decide(trial, new EndTrial(), Service(Utc(2025, 5, 10))));

        Assert.Equal(Rules.Sub1, refusal.RuleId);
    }

    [Fact]
    public void SUB_1_a_product_without_a_trial_refuses_one()
    {
        var refusal = Assert.Throws<RuleViolationException>(
            () => Subscription.StartTrial(new StartTrial("sub-1", "acc-1", "meeting", "business", 1, BillingFrequency.Monthly), Context(Utc(2025, 5, 1))));

        Assert.Equal(Rules.Sub1, refusal.RuleId);
    }

    [Fact]
    public void SUB_1_a_trial_needs_no_cancellation()
    {
        var trial = Trial("central", "basic", Utc(2025, 5, 1, 9));

        var refusal = Assert.Throws<RuleViolationException>(() => Subscription.Decide(trial, new Cancel(), Ops(Utc(2025, 5, 2))));

        Assert.Equal(Rules.Sub1, refusal.RuleId);
        Assert.Contains("needs no cancellation", refusal.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void SUB_1_a_holder_is_told_a_trial_needs_no_cancellation_even_on_a_support_only_product()
    {
        var trial = Trial("central", "basic", Utc(2025, 5, 1, 9));

        var refusal = Assert.Throws<RuleViolationException>(() => Subscription.Decide(trial, new Cancel(), Context(Utc(2025, 5, 2))));

        Assert.Equal(Rules.Sub1, refusal.RuleId);
        Assert.Contains("ends by itself on its trial end date", refusal.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void SUB_2_upgrading_a_free_subscription_to_paid_makes_it_active_with_a_first_invoice()
    {
        var free = Subscription.Decide(Trial("central", "basic", Utc(2025, 5, 1, 9)), new EndTrial(), Service(Utc(2025, 5, 15, 9))).State;

        var decision = Subscription.Decide(free, new UpgradeToPaid("premium", BillingFrequency.Annual, 2), Context(Utc(2025, 6, 1)));

        Assert.Equal(SubscriptionStatus.Active, decision.State.Status);
        Assert.Equal("premium", decision.State.PlanId);
        Assert.Equal(1400.00m, Amount(Assert.Single(decision.Charges)));
        Assert.Equal(Utc(2026, 6, 1), decision.State.NextRenewal);
    }

    [Fact]
    public void SUB_2_a_free_subscription_never_renews_or_invoices()
    {
        var free = Subscription.Decide(Trial("central", "basic", Utc(2025, 5, 1, 9)), new EndTrial(), Service(Utc(2025, 5, 15, 9))).State;

        Assert.Null(free.NextRenewal);
        Assert.Equal(Rules.Sub3, Assert.Throws<RuleViolationException>(() => Subscription.Decide(free, new Renew(), Service(Utc(2025, 7, 1)))).RuleId);
    }
}
