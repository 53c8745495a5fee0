using Subscriptions.Domain.Errors;
using Subscriptions.Domain.Subscriptions;

namespace Subscriptions.Domain.Tests.Subscriptions;

public sealed class TransitionTableTests
{
    public static TheoryData<SubscriptionStatus, SubscriptionEvent> EveryPair()
    {
        var data = new TheoryData<SubscriptionStatus, SubscriptionEvent>();
        foreach (var status in Enum.GetValues<SubscriptionStatus>())
        {
            foreach (var subscriptionEvent in Enum.GetValues<SubscriptionEvent>())
            {
                data.Add(status, subscriptionEvent);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EveryPair))]
    public void Lifecycle_every_state_and_event_pair_is_either_a_transition_or_a_refusal_with_a_rule_and_a_reason(SubscriptionStatus from, SubscriptionEvent subscriptionEvent)
    {
        if (SubscriptionTransitions.Table.Find(from, subscriptionEvent) is { } transition)
        {
            Assert.Equal(transition.To, SubscriptionTransitions.Table.Require(from, subscriptionEvent));
            return;
        }

        var refusal = Assert.Throws<RuleViolationException>(() => SubscriptionTransitions.Table.Require(from, subscriptionEvent));
        Assert.Matches("^(SUB|QUO)-[0-9]+$", refusal.RuleId);
        Assert.False(string.IsNullOrWhiteSpace(refusal.Reason));
    }

    [Fact]
    public void Lifecycle_table_has_no_duplicate_rows_and_no_explained_refusal_contradicts_an_allowed_row()
    {
        Assert.Equal(SubscriptionTransitions.Table.Allowed.Count, SubscriptionTransitions.Table.Allowed.Select(t => (t.From, t.Event)).Distinct().Count());
        Assert.DoesNotContain(SubscriptionTransitions.Table.ExplainedRefusals, r => SubscriptionTransitions.Table.Find(r.From, r.Event) is not null);
    }

    [Fact]
    public void Lifecycle_every_state_is_reachable_and_every_event_is_used()
    {
        var reachable = SubscriptionTransitions.Table.Allowed.Select(t => t.To).Append(SubscriptionStatus.Trial).Append(SubscriptionStatus.Active).ToHashSet();

        Assert.Equal(Enum.GetValues<SubscriptionStatus>().ToHashSet(), reachable);
        Assert.Equal(Enum.GetValues<SubscriptionEvent>().ToHashSet(), SubscriptionTransitions.Table.Allowed.Select(t => t.Event).ToHashSet());
    }

    [Fact]
    public void Lifecycle_describe_prints_every_transition_for_ops()
    {
        var text = SubscriptionTransitions.Table.Describe();

        Assert.All(
            SubscriptionTransitions.Table.Allowed,
            t => Assert.Matches($"{t.From.ToWireName()} +{t.Event.ToWireName()} +{t.To.ToWireName()} +SUB-", text));
        Assert.Contains("pending-cancellation  cancellation-withdrawn      active", text, StringComparison.Ordinal);
        Assert.Contains("A trial needs no cancellation", text, StringComparison.Ordinal);
    }

    [Fact]
    public void SUB_8_limited_refuses_upgrades_and_seat_additions_with_a_pay_or_contact_support_message()
    {
        var refusal = Assert.Throws<RuleViolationException>(() => SubscriptionTransitions.Table.Require(SubscriptionStatus.Limited, SubscriptionEvent.SeatsAdded));

        Assert.Equal(Rules.Sub8, refusal.RuleId);
        Assert.Contains("pay the overdue balance or contact support", refusal.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Lifecycle_generic_refusals_name_the_state_and_the_events_rule()
    {
        var refusal = SubscriptionTransitions.Table.RefusalFor(SubscriptionStatus.Expired, SubscriptionEvent.Renewed);

        Assert.Equal(Rules.Sub3, refusal.RuleId);
        Assert.Equal("It is not possible to renew a subscription that is expired.", refusal.Reason);
    }
}
