using Subscriptions.Domain.Accounts;
using Subscriptions.Domain.Billing;
using Subscriptions.Domain.Currencies;
using Subscriptions.Domain.Errors;
using Subscriptions.Domain.Invoices;
using Subscriptions.Domain.Subscriptions;
using static Subscriptions.Domain.Tests.TestKit;

namespace Subscriptions.Domain.Tests.Subscriptions;

public sealed class ChangeTests
{
    // Meeting, 5 seats, monthly USD: professional 12.00, business 16.00; period 2025-03-01 to 2025-03-31 (30 days).
    private static SubscriptionState Professional() => Paid("meeting", "professional", 5, Utc(2025, 3, 1)).State;

    private static SubscriptionState Business() => Paid("meeting", "business", 5, Utc(2025, 3, 1)).State;

    [Fact]
    public void SUB_4_upgrade_credits_the_unused_old_price_charges_a_full_new_period_and_moves_the_billing_date()
    {
        var decision = Subscription.Decide(Professional(), new UpgradePlan("business"), Context(Utc(2025, 3, 11, 12)));

        Assert.Equal([(InvoiceLineKind.ProrationCredit, -40.00m), (InvoiceLineKind.SubscriptionCharge, 80.00m)], decision.Charges.Select(c => (c.Kind, Amount(c))));
        Assert.Equal(new ProrationFactor(20, 30), decision.Charges[0].Proration);
        Assert.Equal("business", decision.State.PlanId);
        Assert.Equal(Utc(2025, 3, 11, 12), decision.State.BillingAnchor);
        Assert.Equal(Utc(2025, 4, 10, 12), decision.State.NextRenewal);
        Assert.Equal("plan-upgraded", Assert.Single(decision.History).Change);
    }

    [Fact]
    public void SUB_4_upgrade_on_the_last_day_of_a_period_credits_one_day()
    {
        var decision = Subscription.Decide(Professional(), new UpgradePlan("business"), Context(Utc(2025, 3, 30, 23, 30)));

        Assert.Equal(new ProrationFactor(1, 30), decision.Charges[0].Proration);
        Assert.Equal(-2.00m, Amount(decision.Charges[0]));
    }

    [Fact]
    public void SUB_4_adding_seats_in_yen_rounds_each_line_to_whole_yen()
    {
        var state = Paid("meeting", "professional", 1, Utc(2025, 1, 1), BillingFrequency.Annual, Currency.Jpy).State;

        var decision = Subscription.Decide(state, new AddSeats(1), Context(Utc(2025, 9, 23, 6), currency: Currency.Jpy));

        Assert.Equal(new ProrationFactor(100, 365), decision.Charges[0].Proration);
        Assert.Equal([-4932m, 36000m], decision.Charges.Select(Amount));
        Assert.Equal(2, decision.State.Seats);
    }

    [Fact]
    public void SUB_4_removing_seats_credits_the_prorated_difference_to_the_account_balance()
    {
        var state = Business();

        var decision = Subscription.Decide(state, new RemoveSeats(2), Context(Utc(2025, 3, 16)));

        Assert.Empty(decision.Charges);
        Assert.Equal(16.00m, Assert.Single(decision.Credits).Amount.Amount);
        Assert.Equal(3, decision.State.Seats);
        Assert.Equal(state.NextRenewal, decision.State.NextRenewal);
    }

    [Fact]
    public void SUB_4_a_customer_downgrade_is_refused_with_contact_support()
    {
        var refusal = Assert.Throws<RuleViolationException>(() => Subscription.Decide(Business(), new DowngradePlan("professional"), Context(Utc(2025, 3, 11))));

        Assert.Equal(Rules.Sub4, refusal.RuleId);
        Assert.Contains("contact support", refusal.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void SUB_4_billing_ops_downgrade_charges_the_new_plan_and_credits_the_unused_old_price_to_the_balance()
    {
        var decision = Subscription.Decide(Business(), new DowngradePlan("professional"), Ops(Utc(2025, 3, 11, 12)));

        Assert.Equal(60.00m, Amount(Assert.Single(decision.Charges)));
        Assert.Equal(53.33m, Assert.Single(decision.Credits).Amount.Amount);
        Assert.Equal("professional", decision.State.PlanId);
    }

    [Fact]
    public void SUB_4_upgrade_and_downgrade_are_told_apart_by_plan_rank()
    {
        var upgradeDown = Assert.Throws<ValidationException>(() => Subscription.Decide(Business(), new UpgradePlan("professional"), Context(Utc(2025, 3, 11))));
        var same = Assert.Throws<ValidationException>(() => Subscription.Decide(Business(), new UpgradePlan("business"), Context(Utc(2025, 3, 11))));
        var unknown = Assert.Throws<ValidationException>(() => Subscription.Decide(Business(), new UpgradePlan("gold"), Context(Utc(2025, 3, 11))));

        Assert.All([upgradeDown, same, unknown], e => Assert.Equal("plan_id", Assert.Single(e.Violations).Field));
    }

    [Fact]
    public void SUB_4_changes_are_refused_to_non_holders()
    {
        var refusal = Assert.Throws<PermissionDeniedException>(
            () => Subscription.Decide(Professional(), new UpgradePlan("business"), Context(Utc(2025, 3, 11), CallerAuthority.BillingViewer)));

        Assert.Equal(Rules.Sub4, refusal.RuleId);
    }

    [Fact]
    public void SUB_4_calendar_changes_appear_prorated_on_the_next_invoice()
    {
        var connect = Subscription.CreatePaid(new CreatePaid("sub-1", "acc-1", "connect", "phone-system", 10, BillingFrequency.Monthly), Ops(Utc(2025, 7, 1))).State;

        var added = Subscription.Decide(connect, new AddSeats(2), Ops(Utc(2025, 7, 15, 9)));
        var august = Renew(added.State);

        Assert.Empty(added.Charges);
        Assert.Equal(
            [(InvoiceLineKind.SubscriptionCharge, 324.00m), (InvoiceLineKind.ProrationCredit, -139.35m), (InvoiceLineKind.ProrationCharge, 167.23m)],
            august.Charges.Select(c => (c.Kind, Amount(c))));
        Assert.Empty(august.State.DeferredCharges);
    }

    [Fact]
    public void QUO_4_customers_add_seats_only_to_eligible_products()
    {
        var central = Paid("central", "basic", 2, Utc(2025, 3, 1)).State;

        var refusal = Assert.Throws<RuleViolationException>(() => Subscription.Decide(central, new AddSeats(1), Context(Utc(2025, 3, 5))));
        var byOps = Subscription.Decide(central, new AddSeats(1), Ops(Utc(2025, 3, 5)));

        Assert.Equal(Rules.Quo4, refusal.RuleId);
        Assert.Equal(3, byOps.State.Seats);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void SUB_4_seat_counts_must_be_positive(int seats)
    {
        var add = Assert.Throws<ValidationException>(() => Subscription.Decide(Business(), new AddSeats(seats), Context(Utc(2025, 3, 5))));
        var buy = Assert.Throws<ValidationException>(() => Paid("meeting", "business", seats, Utc(2025, 3, 1)));

        Assert.Equal("seats", Assert.Single(add.Violations).Field);
        Assert.Equal("seats", Assert.Single(buy.Violations).Field);
    }

    [Fact]
    public void SUB_4_unknown_product_and_unsupported_frequency_are_validation_errors_naming_the_field()
    {
        var product = Assert.Throws<ValidationException>(() => Paid("fax", "basic", 1, Utc(2025, 3, 1)));
        var frequency = Assert.Throws<ValidationException>(() => Subscription.CreatePaid(
            new CreatePaid("sub-1", "acc-1", "connect", "standard", 1, BillingFrequency.Annual), Context(Utc(2025, 3, 1))));

        Assert.Equal("product_id", Assert.Single(product.Violations).Field);
        Assert.Equal("frequency", Assert.Single(frequency.Violations).Field);
    }

    [Fact]
    public void SUB_5_seats_stay_available_until_assigned_and_more_users_than_seats_are_refused()
    {
        var state = Paid("meeting", "business", 2, Utc(2025, 3, 1)).State;

        state = Subscription.Decide(state, new AssignLicence("ana"), Context(Utc(2025, 3, 2))).State;
        state = Subscription.Decide(state, new AssignLicence("ben"), Context(Utc(2025, 3, 2))).State;
        var full = Assert.Throws<RuleViolationException>(() => Subscription.Decide(state, new AssignLicence("cy"), Context(Utc(2025, 3, 2))));
        var freed = Subscription.Decide(state, new UnassignLicence("ana"), Context(Utc(2025, 3, 3))).State;
        var reassigned = Subscription.Decide(freed, new AssignLicence("cy"), Context(Utc(2025, 3, 3))).State;

        Assert.Equal(Rules.Sub5, full.RuleId);
        Assert.Equal(["ben", "cy"], reassigned.AssignedUsers);
    }

    [Fact]
    public void SUB_5_seats_held_by_users_cannot_be_removed()
    {
        var state = Paid("meeting", "business", 2, Utc(2025, 3, 1)).State;
        state = Subscription.Decide(state, new AssignLicence("ana"), Context(Utc(2025, 3, 2))).State;
        state = Subscription.Decide(state, new AssignLicence("ben"), Context(Utc(2025, 3, 2))).State;

        var refusal = Assert.Throws<RuleViolationException>(() => Subscription.Decide(state, new RemoveSeats(1), Context(Utc(2025, 3, 5))));

        Assert.Equal(Rules.Sub5, refusal.RuleId);
    }

    [Fact]
    public void SUB_4_a_plan_change_is_an_upgrade_to_a_higher_rank_and_a_downgrade_to_a_lower_one()
    {
        var up = Subscription.Decide(Professional(), new ChangePlan(" Business "), Context(Utc(2025, 3, 11)));
        var down = Subscription.Decide(Business(), new ChangePlan("professional"), Ops(Utc(2025, 3, 11)));
        var customerDown = Assert.Throws<RuleViolationException>(() => Subscription.Decide(Business(), new ChangePlan("professional"), Context(Utc(2025, 3, 11))));

        Assert.Equal(("business", SubscriptionEvent.PlanUpgraded.ToWireName()), (up.State.PlanId, up.History.Single().Change));
        Assert.Equal(("professional", SubscriptionEvent.PlanDowngraded.ToWireName()), (down.State.PlanId, down.History.Single().Change));
        Assert.Equal(Rules.Sub4, customerDown.RuleId);
    }

    [Fact]
    public void SUB_4_a_change_to_an_unknown_plan_is_refused_on_plan_id_for_the_holder_and_denied_to_a_user_before_the_plan_is_looked_up()
    {
        var unknown = Assert.Throws<ValidationException>(() => Subscription.Decide(Professional(), new ChangePlan("no-such-plan"), Context(Utc(2025, 3, 11))));
        var user = Assert.Throws<PermissionDeniedException>(() => Subscription.Decide(Professional(), new ChangePlan("no-such-plan"), Context(Utc(2025, 3, 11), CallerAuthority.User)));

        Assert.Equal("plan_id", unknown.Violations.Single().Field);
        Assert.Equal(Rules.Sub4, user.RuleId);
    }

    [Fact]
    public void ACC_1_a_purchase_naming_another_currency_than_the_account_is_refused_on_currency()
    {
        var command = new CreatePaid("sub-1", "acc-1", "meeting", "professional", 1, BillingFrequency.Monthly);

        var refused = Assert.Throws<ValidationException>(() => Subscription.CreatePaid(command, Context(Utc(2025, 3, 1)), "EUR"));
        var same = Subscription.CreatePaid(command, Context(Utc(2025, 3, 1)), " usd ");

        Assert.Equal("currency", refused.Violations.Single().Field);
        Assert.Equal(SubscriptionStatus.Active, same.State.Status);
    }
}
