using Subscriptions.Domain.Billing;
using Subscriptions.Domain.Errors;
using Subscriptions.Domain.Subscriptions;
using static Subscriptions.Domain.Tests.TestKit;

namespace Subscriptions.Domain.Tests.Subscriptions;

/// <summary>Counts have a maximum the domain checks itself, so an overflow is a refusal, never a wrap (SUB-4, SUB-5, INV-1).</summary>
public sealed class LimitTests
{
    private static SubscriptionState Meeting(int seats) => Paid("meeting", "professional", seats, Utc(2025, 3, 1)).State;

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(1 << 30)]
    [InlineData(Limits.MaxSeats)]
    public void AddSeats_near_int_max_is_refused_and_changes_nothing(int seats)
    {
        var state = Meeting(3);

        var error = Assert.Throws<ValidationException>(() => Subscription.Decide(state, new AddSeats(seats), Context(Utc(2025, 3, 10))));

        Assert.Equal("seats", Assert.Single(error.Violations).Field);
        Assert.Equal(3, state.Seats);
    }

    [Fact]
    public void SUB_4_adding_seats_up_to_the_most_a_subscription_may_hold_is_allowed_and_one_more_is_refused()
    {
        var state = Meeting(3);

        var full = Subscription.Decide(state, new AddSeats(Limits.MaxSeats - 3), Context(Utc(2025, 3, 10))).State;
        var error = Assert.Throws<ValidationException>(() => Subscription.Decide(full, new AddSeats(1), Context(Utc(2025, 3, 11))));

        Assert.Equal(Limits.MaxSeats, full.Seats);
        Assert.Contains($"at most 0 more", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(Limits.MaxSeats + 1)]
    [InlineData(0)]
    [InlineData(-1)]
    public void SUB_3_buying_a_seat_count_outside_1_to_the_maximum_is_refused(int seats)
    {
        var error = Assert.Throws<ValidationException>(() =>
            Subscription.CreatePaid(new CreatePaid("sub-1", "acc-1", "meeting", "professional", seats, BillingFrequency.Monthly), Context(Utc(2025, 3, 1))));

        Assert.Equal("seats", Assert.Single(error.Violations).Field);
    }

    [Fact]
    public void SUB_4_a_plan_change_on_a_subscription_whose_seats_went_out_of_range_is_refused_by_the_invariants_not_stored()
    {
        // A record from before the limits, holding a wrapped seat count.
        var corrupt = Meeting(3) with { Seats = -2_147_483_646 };

        var error = Assert.Throws<RuleViolationException>(() => Subscription.Decide(corrupt, new UpgradePlan("business"), Context(Utc(2025, 3, 10))));

        Assert.Equal(Rules.Sub4, error.RuleId);
        Assert.Contains("Nothing was applied", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SUB_12_deferred_calendar_changes_past_their_maximum_are_refused()
    {
        var state = Paid("connect", "phone-system", 5, Utc(2025, 3, 1)).State;
        var refused = false;
        for (var day = 0; day < SubscriptionInvariants.MaxDeferredCharges && !refused; day++)
        {
            try
            {
                state = Subscription.Decide(state, new AddSeats(1), Ops(Utc(2025, 3, 2).AddMinutes(day))).State;
            }
            catch (RuleViolationException e)
            {
                Assert.Equal(Rules.Sub12, e.RuleId);
                refused = true;
            }
        }

        Assert.True(refused, $"{state.DeferredCharges.Count} deferred charges were accepted");
        Assert.True(state.DeferredCharges.Count <= SubscriptionInvariants.MaxDeferredCharges);
    }

    [Fact]
    public void SUB_11_a_billing_start_past_the_accepted_range_is_refused()
    {
        var command = new CreatePaid("sub-1", "acc-1", "meeting", "professional", 1, BillingFrequency.Monthly, BillingStart: new DateTimeOffset(9999, 12, 31, 23, 59, 59, TimeSpan.Zero));

        var error = Assert.Throws<ValidationException>(() => Subscription.CreatePaid(command, Ops(Utc(2025, 3, 1))));

        Assert.Equal("billing_start", Assert.Single(error.Violations).Field);
    }

    [Fact]
    public void SUB_6_cancelling_early_bills_the_rest_of_a_contract_even_when_periods_times_seats_pass_the_seat_maximum()
    {
        var state = Subscription.CreatePaid(
            new CreatePaid("sub-1", "acc-1", "connect", "phone-system", 5000, BillingFrequency.Monthly, ContractTermMonths: 24), Ops(Utc(2025, 3, 1))).State;

        var decision = Subscription.Decide(state, new Cancel(), Ops(Utc(2025, 3, 2)));

        Assert.Contains(decision.Charges, c => c.Quantity > Limits.MaxSeats);
    }

    [Fact]
    public void SUB_4_a_subscription_already_past_the_seat_maximum_still_renews_and_removes_seats_but_adds_none()
    {
        // Held before the product's maximum was lowered below it.
        var state = Meeting(3) with { Seats = Limits.MaxSeats + 50 };

        var renewed = Subscription.Decide(state, new Renew(), Service(state.NextRenewal!.Value)).State;
        var removed = Subscription.Decide(renewed, new RemoveSeats(10), Context(state.NextRenewal!.Value.AddDays(1))).State;

        Assert.Throws<ValidationException>(() => Subscription.Decide(removed, new AddSeats(1), Context(state.NextRenewal!.Value.AddDays(2))));
        Assert.Equal(Limits.MaxSeats + 40, removed.Seats);
    }
}
