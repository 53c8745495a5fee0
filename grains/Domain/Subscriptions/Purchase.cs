using Subscriptions.Domain.Billing;
using Subscriptions.Domain.Catalog;
using Subscriptions.Domain.Errors;

namespace Subscriptions.Domain.Subscriptions;

/// <summary>Trial end (SUB-1), upgrade to paid (SUB-2) and reactivation (SUB-7).</summary>
internal static class Purchase
{
    /// <summary>Months personal data is kept after a subscription ends (ACC-8).</summary>
    public const int DataRetentionMonths = 6;

    public static SubscriptionDecision EndTrial(SubscriptionState state, SubscriptionContext context)
    {
        Authority.RequireSystemOrOps(context, Rules.Sub1, "end a trial");
        var product = Pricing.Product(state, context);
        var trialEnd = state.TrialEnd ?? context.Now;
        var cause = product.Trial?.Policy == TrialPolicy.ToFree
            ? SubscriptionEvent.TrialEndedToFree
            : context.Account.HasDefaultPaymentMethod ? SubscriptionEvent.TrialEndedToPaid : SubscriptionEvent.TrialEndedUnpaid;
        var to = SubscriptionTransitions.Table.Require(state.Status, cause);
        if (trialEnd > context.Now)
        {
            throw new RuleViolationException(Rules.Sub1, $"The trial of subscription {Quoted.Of(state.Id)} ends on {trialEnd:O}, not before.");
        }

        switch (cause)
        {
            case SubscriptionEvent.TrialEndedToFree:
                var free = state with { Status = to, CurrentPeriod = null, NextRenewal = null };
                return Outcome.Of(state, free, cause, context, $"Trial ended; {product.Name} moved to Free (upgrade to paid by hand).");
            case SubscriptionEvent.TrialEndedToPaid:
                var (paid, charges) = PeriodBilling.Begin(state with { Status = to }, trialEnd, context);
                return Outcome.Of(state, paid, cause, context, "Trial ended; billed with the default payment method.", charges);
            default:
                var expired = state with { Status = to, CurrentPeriod = null, NextRenewal = null, EndedAt = trialEnd };
                return Outcome.Of(state, expired, cause, context, "Trial ended without a default payment method; the subscription expired.");
        }
    }

    public static SubscriptionDecision UpgradeToPaid(SubscriptionState state, UpgradeToPaid command, SubscriptionContext context)
    {
        Authority.RequireHolderOrOps(context, Rules.Sub2, "upgrade to paid");
        var product = Pricing.Product(state, context);
        var plan = product.Plan(command.PlanId ?? state.PlanId);
        var frequency = command.Frequency ?? state.Frequency;
        var seats = command.Seats is { } requested ? Validate.Seats(requested, product) : state.Seats;
        product.RequireFrequency(frequency);
        plan.SeatPrice(product.Id, frequency, context.Account.Currency);
        Validate.CorporateAnnual(frequency, context);
        if (seats < state.AssignedUsers.Count)
        {
            throw new RuleViolationException(Rules.Sub5, $"{state.AssignedUsers.Count} users hold licences; buy at least that many seats or unassign users first.");
        }

        var to = SubscriptionTransitions.Table.Require(state.Status, SubscriptionEvent.UpgradedToPaid);
        var chosen = state with { Status = to, PlanId = plan.Id, Frequency = frequency, Seats = seats };
        var (paid, charges) = PeriodBilling.Begin(chosen, context.Now, context);
        return Outcome.Of(
            state, paid, SubscriptionEvent.UpgradedToPaid, context, $"Upgraded to paid: {product.Name} {plan.Name}, {Pricing.Seats(seats)}, {frequency.ToWireName()}.", charges);
    }

    public static SubscriptionDecision Reactivate(SubscriptionState state, SubscriptionContext context)
    {
        Authority.RequireHolderOrOps(context, Rules.Sub7, "reactivate a subscription");
        var to = SubscriptionTransitions.Table.Require(state.Status, SubscriptionEvent.Reactivated);
        var endedAt = state.EndedAt ?? context.Now;
        if (context.Now >= endedAt.AddMonths(DataRetentionMonths))
        {
            throw new RuleViolationException(
                Rules.Sub7, $"Subscription {Quoted.Of(state.Id)} ended on {Pricing.Date(endedAt, context.Zone)}; its data was erased after {DataRetentionMonths} months, so start a new subscription instead.");
        }

        var product = Pricing.Product(state, context);
        product.Plan(state.PlanId).SeatPrice(product.Id, state.Frequency, context.Account.Currency);
        var restarted = state with
        {
            Status = to,
            ServiceStart = context.Now,
            ContractTermMonths = null,
            ContractEnd = null,
            FreeMonths = 0,
            PendingFrequency = null,
            CancellationEffectiveAt = null,
            PrepaidUntil = null,
            GracePeriodEndsAt = null,
            EndedAt = null,
            DeferredCharges = [],
        };
        var (active, charges) = PeriodBilling.Begin(restarted, context.Now, context);
        return Outcome.Of(state, active, SubscriptionEvent.Reactivated, context, $"Reactivated {Pricing.PlanName(state, context)}; a new period starts.", charges);
    }
}
