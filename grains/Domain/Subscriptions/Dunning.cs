using Subscriptions.Domain.Errors;

namespace Subscriptions.Domain.Subscriptions;

/// <summary>Non-payment: limited when a renewal invoice is overdue (SUB-8), suspended after the grace period, restored when paid (SUB-9).</summary>
internal static class Dunning
{
    public static SubscriptionDecision MarkOverdue(SubscriptionState state, SubscriptionContext context)
    {
        Authority.RequireSystemOrOps(context, Rules.Sub8, "mark a renewal overdue");
        var to = SubscriptionTransitions.Table.Require(state.Status, SubscriptionEvent.RenewalOverdue);
        var graceEnd = state.GracePeriodEndsAt;
        if (to == SubscriptionStatus.Limited && graceEnd is null)
        {
            graceEnd = context.Now.AddDays(Pricing.Product(state, context).GracePeriodDays);
        }

        var after = state with { Status = to, GracePeriodEndsAt = to == SubscriptionStatus.Limited ? graceEnd : state.GracePeriodEndsAt };
        var description = to == SubscriptionStatus.Limited
            ? $"A renewal invoice is overdue; limited until it is paid, suspended from {Pricing.Date(graceEnd!.Value, context.Zone)}."
            : $"A renewal invoice is overdue; stays {to.ToWireName()}.";
        return Outcome.Of(state, after, SubscriptionEvent.RenewalOverdue, context, description);
    }

    public static SubscriptionDecision ElapseGracePeriod(SubscriptionState state, SubscriptionContext context)
    {
        Authority.RequireSystemOrOps(context, Rules.Sub9, "end a grace period");
        var to = SubscriptionTransitions.Table.Require(state.Status, SubscriptionEvent.GracePeriodElapsed);
        if (state.GracePeriodEndsAt is { } graceEnd && graceEnd > context.Now)
        {
            throw new RuleViolationException(Rules.Sub9, $"The grace period of subscription {Quoted.Of(state.Id)} ends on {graceEnd:O}, not before.");
        }

        var suspended = state with { Status = to, GracePeriodEndsAt = null };
        return Outcome.Of(state, suspended, SubscriptionEvent.GracePeriodElapsed, context, "Grace period over; service suspended for non-payment.");
    }

    public static SubscriptionDecision Settle(SubscriptionState state, SubscriptionContext context)
    {
        Authority.RequireSystemOrOps(context, Rules.Sub9, "restore a subscription");
        var to = SubscriptionTransitions.Table.Require(state.Status, SubscriptionEvent.OverdueSettled);
        if (context.Account.HasOverdueBalance)
        {
            throw new RuleViolationException(Rules.Sub9, "The account still has an overdue balance; the subscription is restored when it reaches 0.00.");
        }

        var restored = state with { Status = to, GracePeriodEndsAt = null };
        return Outcome.Of(state, restored, SubscriptionEvent.OverdueSettled, context, "Overdue balance paid; service restored without a new invoice.");
    }
}
