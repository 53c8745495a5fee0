using Subscriptions.Domain.Billing;
using Subscriptions.Domain.Errors;
using Subscriptions.Domain.Invoices;

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
        if (state.Status != SubscriptionStatus.Suspended || Resumed(restored, context) is not var (resumed, skipped, rest))
        {
            return Outcome.Of(state, restored, SubscriptionEvent.OverdueSettled, context, "Overdue balance paid; service restored without a new invoice.");
        }

        var description = $"Overdue balance paid; service restored without a new invoice. Not billed: {skipped} period(s) that ran out while it was suspended"
            + (rest is null ? "" : $"; the rest of the period under way, {rest.Proration} days from today, is billed with the next renewal")
            + $"; next renewal {Pricing.Date(resumed.NextRenewal!.Value, context.Zone)}.";
        return Outcome.Of(state, resumed, SubscriptionEvent.OverdueSettled, context, description);
    }

    /// <summary>
    /// A suspended subscription is not renewed: its service is cut (SUB-9). Restored, the renewals that fell due while it
    /// was suspended are passed over and none is billed at the restore ("with no new invoice"): the periods that began
    /// and ended meanwhile were never served, and the rest of the period under way, served from the restore, is billed
    /// prorated with the next renewal, at that period's end. Null when no renewal fell due: nothing to pass over. (A
    /// suspended subscription has no cancellation pending: cancelling is refused while the account owes, SUB-6.)
    /// </summary>
    private static (SubscriptionState State, int Skipped, ChargeLine? Remainder)? Resumed(SubscriptionState state, SubscriptionContext context)
    {
        if (state.NextRenewal is not { } renewal || renewal > context.Now)
        {
            return null;
        }

        var schedule = state.Schedule(context.Zone);
        var period = schedule.PeriodStartingAt(renewal);
        var skipped = 0;
        while (period.End <= context.Now)
        {
            period = schedule.PeriodStartingAt(period.End);
            skipped++;
        }

        var left = Proration.LeftAfter(period, context.Now, state.BillingModel, context.Zone);
        var rest = left.IsZero
            ? null
            : Pricing.Prorated(state, InvoiceLineKind.ProrationCharge, state.PlanId, state.Seats, left, period, "Service restored for the rest of the period", context);
        var resumed = state with
        {
            CurrentPeriod = period,
            NextRenewal = period.End,
            PeriodInvoiced = true,
            DeferredCharges = rest is null ? state.DeferredCharges : [.. state.DeferredCharges, rest],
        };
        return (resumed, skipped, rest);
    }
}
