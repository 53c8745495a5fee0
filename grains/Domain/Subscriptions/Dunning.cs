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
        var (unbilled, skipped) = state.Status == SubscriptionStatus.Suspended ? SkipSuspendedPeriods(restored, context) : (restored, 0);
        var description = skipped == 0
            ? "Overdue balance paid; service restored without a new invoice."
            : $"Overdue balance paid; service restored without a new invoice; {skipped} period(s) that ran out while it was suspended are not billed, next renewal {Pricing.Date(unbilled.NextRenewal!.Value, context.Zone)}.";
        return Outcome.Of(state, unbilled, SubscriptionEvent.OverdueSettled, context, description);
    }

    /// <summary>
    /// A suspended subscription is not renewed: its service is cut. Restored, the periods that began and ended while
    /// it was suspended are passed over unbilled, and the renewal of the period under way, if one is due, comes next
    /// (SUB-9: restored with no new invoice; the service of those periods was never given).
    /// </summary>
    private static (SubscriptionState State, int Skipped) SkipSuspendedPeriods(SubscriptionState state, SubscriptionContext context)
    {
        if (state.NextRenewal is not { } renewal)
        {
            return (state, 0);
        }

        var schedule = state.Schedule(context.Zone);
        var skipped = 0;
        for (var period = schedule.PeriodStartingAt(renewal);
             period.End <= context.Now && (state.CancellationEffectiveAt is not { } effective || period.End < effective);
             period = schedule.PeriodStartingAt(period.End))
        {
            renewal = period.End;
            skipped++;
        }

        return (state with { NextRenewal = renewal }, skipped);
    }
}
