using Subscriptions.Domain.Errors;
using Subscriptions.Domain.Invoices;

namespace Subscriptions.Domain.Subscriptions;

/// <summary>
/// What holds after every subscription decision, checked before the decision is returned, so a decision that would
/// break one is refused (FAILED_PRECONDITION with the rule it protects) instead of stored or billed: at least one seat,
/// and no change that takes seats past the product's most seats, licences past the seats, or deferred calendar changes
/// past <see cref="MaxDeferredCharges"/> (SUB-4, SUB-5, SUB-12); every charge line prices a whole, non-negative
/// quantity at a price of 0 or more, and no line, credit or total passes <see cref="Limits.MaxAmount"/>; every credit to
/// the balance is positive (INV-1). A state that was already past a maximum (a product's <c>max_seats</c> lowered
/// below what a customer holds) is not made worse, and keeps renewing, dunning and cancelling.
/// </summary>
public static class SubscriptionInvariants
{
    /// <summary>The most prorated calendar-model lines a subscription may carry to its next invoice (SUB-12).</summary>
    public const int MaxDeferredCharges = 200;

    /// <summary>Returns <paramref name="decision"/> when every invariant holds; otherwise refuses it.</summary>
    public static SubscriptionDecision Checked(SubscriptionDecision decision, SubscriptionContext context, SubscriptionState? before = null)
    {
        ArgumentNullException.ThrowIfNull(decision);
        ArgumentNullException.ThrowIfNull(context);
        if (Violation(decision, context, before) is { } violation)
        {
            throw new RuleViolationException(violation.RuleId, $"The change was refused: it would leave subscription {Quoted.Of(decision.State.Id)} with {violation.What}. Nothing was applied.");
        }

        return decision;
    }

    /// <summary>The first invariant <paramref name="decision"/> breaks (its rule id and what), or null when all hold.</summary>
    public static (string RuleId, string What)? Violation(SubscriptionDecision decision, SubscriptionContext context, SubscriptionState? before = null)
    {
        ArgumentNullException.ThrowIfNull(decision);
        ArgumentNullException.ThrowIfNull(context);
        var state = decision.State;
        var maxSeats = context.Catalog.Product(state.ProductId).MaxSeats;
        if (state.Seats < 1 || (state.Seats > maxSeats && state.Seats > (before?.Seats ?? 0)))
        {
            return (Rules.Sub4, $"{state.Seats} seats (1 to {maxSeats} allowed)");
        }

        if (state.AssignedUsers.Count > state.Seats && (before is null || state.AssignedUsers.Count - state.Seats > before.AssignedUsers.Count - before.Seats))
        {
            return (Rules.Sub5, $"{state.AssignedUsers.Count} licences assigned on {state.Seats} seats");
        }

        if (state.DeferredCharges.Count > MaxDeferredCharges && state.DeferredCharges.Count > (before?.DeferredCharges.Count ?? 0))
        {
            return (Rules.Sub12, $"more than {MaxDeferredCharges} changes waiting for the next invoice; contact support");
        }

        foreach (var line in decision.Charges.Concat(state.DeferredCharges))
        {
            if (LineViolation(line) is { } what)
            {
                return (Rules.Inv1, what);
            }
        }

        var total = decision.Charges.Sum(c => c.ExactAmount.Amount);
        if (!Limits.InRange(total))
        {
            return (Rules.Inv1, $"charges totalling {total:0.##}, above the largest amount {Limits.MaxAmount}");
        }

        foreach (var credit in decision.Credits)
        {
            if (credit.Amount.Amount < 0m || credit.Amount.Amount > Limits.MaxAmount)
            {
                return (Rules.Inv1, $"a credit of {credit.Amount} (a credit is 0 to {Limits.MaxAmount})");
            }
        }

        return null;
    }

    // A line's quantity is seats, or seats × periods for the rest of a contract: a whole number of 0 or more, bounded
    // by the amount it comes to.
    private static string? LineViolation(ChargeLine line)
    {
        if (line.Quantity < 0m || decimal.Truncate(line.Quantity) != line.Quantity)
        {
            return $"a charge line for a quantity of {line.Quantity} (a whole number of 0 or more)";
        }

        if (line.UnitPrice.Amount < 0m)
        {
            return $"a charge line priced {line.UnitPrice} per seat (a price is 0 or more)";
        }

        return Limits.InRange(line.ExactAmount.Amount) ? null : $"a charge line of {line.ExactAmount.Amount:0.##}, above the largest amount {Limits.MaxAmount}";
    }
}
