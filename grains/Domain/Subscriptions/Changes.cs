using Subscriptions.Domain.Accounts;
using Subscriptions.Domain.Billing;
using Subscriptions.Domain.Catalog;
using Subscriptions.Domain.Errors;
using Subscriptions.Domain.Invoices;

namespace Subscriptions.Domain.Subscriptions;

/// <summary>Self-service and ops changes to a running subscription: plan (SUB-4), seats (SUB-4, QUO-4) and frequency (SUB-10).</summary>
internal static class Changes
{
    /// <summary>
    /// An upgrade or a downgrade, by the ranks of the two plans (SUB-4). Nothing is refused here: the caller's authority
    /// (ACC-2) is checked by the upgrade or downgrade before the plan is looked up, so an unknown plan goes on as an
    /// upgrade and is refused there (plan_id) only for a caller allowed to change the plan.
    /// </summary>
    public static SubscriptionCommand Direction(SubscriptionState state, ChangePlan command, ProductCatalog catalog)
    {
        var product = catalog.Product(state.ProductId);
        var target = product.Plans.FirstOrDefault(p => string.Equals(p.Id, command.PlanId?.Trim(), StringComparison.OrdinalIgnoreCase));
        return target is not null && target.Rank < product.Plan(state.PlanId).Rank
            ? new DowngradePlan(target.Id)
            : new UpgradePlan(target?.Id ?? command.PlanId);
    }

    public static SubscriptionDecision UpgradePlan(SubscriptionState state, UpgradePlan command, SubscriptionContext context)
    {
        Authority.RequireHolderOrOps(context, Rules.Sub4, "change the plan");
        var (product, current, target) = Plans(state, command.PlanId, context);
        if (target.Rank < current.Rank)
        {
            throw new ValidationException("plan_id", $"Plan {Quoted.Of(target.Id)} ranks below the current plan {Quoted.Of(current.Id)}; that is a downgrade, not an upgrade.");
        }

        var to = SubscriptionTransitions.Table.Require(state.Status, SubscriptionEvent.PlanUpgraded);
        return Repricing.Apply(
            state, state with { Status = to, PlanId = target.Id }, SubscriptionEvent.PlanUpgraded, $"Plan upgraded from {current.Name} to {target.Name} of {product.Name}.", false, context);
    }

    public static SubscriptionDecision DowngradePlan(SubscriptionState state, DowngradePlan command, SubscriptionContext context)
    {
        Authority.RequireHolderOrOps(context, Rules.Sub4, "change the plan");
        var (product, current, target) = Plans(state, command.PlanId, context);
        if (target.Rank > current.Rank)
        {
            throw new ValidationException("plan_id", $"Plan {Quoted.Of(target.Id)} ranks above the current plan {Quoted.Of(current.Id)}; that is an upgrade, not a downgrade.");
        }

        if (context.Caller != CallerAuthority.BillingOps)
        {
            throw new RuleViolationException(Rules.Sub4, $"Moving {product.Name} to a lower plan is done by support: please contact support.");
        }

        var to = SubscriptionTransitions.Table.Require(state.Status, SubscriptionEvent.PlanDowngraded);
        return Repricing.Apply(
            state, state with { Status = to, PlanId = target.Id }, SubscriptionEvent.PlanDowngraded, $"Plan downgraded by billing ops from {current.Name} to {target.Name} of {product.Name}.", true, context);
    }

    public static SubscriptionDecision AddSeats(SubscriptionState state, AddSeats command, SubscriptionContext context)
    {
        Authority.RequireHolderOrOps(context, Rules.Sub4, "add seats");
        var product = Pricing.Product(state, context);
        var added = Validate.Seats(command.Seats, product);
        if (!product.AddSeatsEligible && context.Caller != CallerAuthority.BillingOps)
        {
            throw new RuleViolationException(Rules.Quo4, $"Seats for {product.Name} cannot be added online: please contact support or your sales representative.");
        }

        var to = SubscriptionTransitions.Table.Require(state.Status, SubscriptionEvent.SeatsAdded);
        var seats = Validate.SeatsAfterAdding(state.Seats, added, product);
        return Repricing.Apply(
            state, state with { Status = to, Seats = seats }, SubscriptionEvent.SeatsAdded, $"Added {Pricing.Seats(added)}; now {Pricing.Seats(seats)}.", false, context);
    }

    public static SubscriptionDecision RemoveSeats(SubscriptionState state, RemoveSeats command, SubscriptionContext context)
    {
        Authority.RequireHolderOrOps(context, Rules.Sub4, "remove seats");
        var removed = Validate.Seats(command.Seats, Pricing.Product(state, context));
        if (removed >= state.Seats)
        {
            throw new ValidationException("seats", $"Removing {removed} of {state.Seats} seats would leave none; cancel the subscription instead.");
        }

        var seats = state.Seats - removed;
        if (seats < state.AssignedUsers.Count)
        {
            throw new RuleViolationException(Rules.Sub5, $"{state.AssignedUsers.Count} users hold licences, more than the {seats} seats that would remain; unassign users first.");
        }

        var to = SubscriptionTransitions.Table.Require(state.Status, SubscriptionEvent.SeatsRemoved);
        var after = state with { Status = to, Seats = seats };
        var description = $"Removed {Pricing.Seats(removed)}; now {Pricing.Seats(seats)}.";
        if (!state.PeriodInvoiced || state.CurrentPeriod is not { } period)
        {
            return Outcome.Of(state, after, SubscriptionEvent.SeatsRemoved, context, description);
        }

        var factor = state.BillingModel == BillingModel.Calendar
            ? Proration.RestOfMonth(AccountTimeZone.LocalDate(context.Now, context.Zone))
            : Proration.UnusedPart(period, context.Now, context.Zone);
        if (factor.IsZero)
        {
            return Outcome.Of(state, after, SubscriptionEvent.SeatsRemoved, context, description);
        }

        var credit = Pricing.Prorated(state, InvoiceLineKind.ProrationCredit, state.PlanId, removed, factor, period, "Removed seats", context);
        return state.BillingModel == BillingModel.Calendar
            ? Outcome.Of(state, after with { DeferredCharges = [.. after.DeferredCharges, credit] }, SubscriptionEvent.SeatsRemoved, context, description)
            : Outcome.Of(state, after, SubscriptionEvent.SeatsRemoved, context, description, credits: [new AccountCredit(-credit.ExactAmount.Round(), credit.Description)]);
    }

    public static SubscriptionDecision ChangeFrequency(SubscriptionState state, ChangeFrequency command, SubscriptionContext context)
    {
        Authority.RequireHolderOrOps(context, Rules.Sub10, "change the billing frequency");
        if (context.Account.Kind == AccountKind.Corporate && context.Caller != CallerAuthority.BillingOps)
        {
            throw new RuleViolationException(Rules.Sub10, "The billing frequency of a corporate account is changed by Corporate Account Services: please contact them.");
        }

        var product = Pricing.Product(state, context);
        product.RequireFrequency(command.Frequency);
        product.Plan(state.PlanId).SeatPrice(product.Id, command.Frequency, context.Account.Currency);
        if (command.Frequency == (state.PendingFrequency ?? state.Frequency))
        {
            throw new ValidationException("frequency", $"Subscription {Quoted.Of(state.Id)} is already billed {command.Frequency.ToWireName()} from its next renewal.");
        }

        var to = SubscriptionTransitions.Table.Require(state.Status, SubscriptionEvent.FrequencyChangeScheduled);
        var pending = command.Frequency == state.Frequency ? (BillingFrequency?)null : command.Frequency;
        var when = state.NextRenewal is { } at ? Pricing.Date(at, context.Zone) : "the next renewal";
        var description = pending is null
            ? $"Scheduled frequency change withdrawn; stays {state.Frequency.ToWireName()}."
            : $"Billing frequency changes to {command.Frequency.ToWireName()} at the renewal on {when}.";
        return Outcome.Of(state, state with { Status = to, PendingFrequency = pending }, SubscriptionEvent.FrequencyChangeScheduled, context, description);
    }

    private static (Product Product, Plan Current, Plan Target) Plans(SubscriptionState state, string planId, SubscriptionContext context)
    {
        var product = Pricing.Product(state, context);
        var current = product.Plan(state.PlanId);
        var target = product.Plan(planId);
        if (target.Id == current.Id)
        {
            throw new ValidationException("plan_id", $"Subscription {Quoted.Of(state.Id)} is already on plan {Quoted.Of(current.Id)}.");
        }

        target.SeatPrice(product.Id, state.Frequency, context.Account.Currency);
        return (product, current, target);
    }
}
