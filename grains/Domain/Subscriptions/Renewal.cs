using Subscriptions.Domain.Errors;

namespace Subscriptions.Domain.Subscriptions;

/// <summary>Automatic renewal at the end of each period (SUB-3), including the first renewal at the billing start (SUB-11).</summary>
internal static class Renewal
{
    public static SubscriptionDecision Renew(SubscriptionState state, SubscriptionContext context)
    {
        Authority.RequireSystemOrOps(context, Rules.Sub3, "renew a subscription");
        var to = SubscriptionTransitions.Table.Require(state.Status, SubscriptionEvent.Renewed);
        if (state.NextRenewal is not { } due)
        {
            throw new RuleViolationException(Rules.Sub3, $"Subscription {Quoted.Of(state.Id)} has no renewal scheduled.");
        }

        if (due > context.Now)
        {
            throw new RuleViolationException(Rules.Sub3, $"Subscription {Quoted.Of(state.Id)} renews on {due:O}, not before.");
        }

        var (renewed, charges) = PeriodBilling.StartNextPeriod(state with { Status = to }, context);
        var next = renewed.NextRenewal is { } at ? $"next renewal {Pricing.Date(at, context.Zone)}" : "not renewed again";
        return Outcome.Of(
            state, renewed, SubscriptionEvent.Renewed, context, $"Renewed for {Pricing.Describe(renewed.CurrentPeriod!, context.Zone)}; {next}.", charges);
    }
}
