using Subscriptions.Domain.Errors;
using Subscriptions.Domain.Invoices;

namespace Subscriptions.Domain.Subscriptions;

/// <summary>
/// What holds after every subscription decision, checked before the decision is returned, so a decision that would
/// break one is refused (FAILED_PRECONDITION with the rule it protects) instead of stored or billed:
/// 1 &lt;= seats &lt;= the product's most seats, and no more users than seats (SUB-4, SUB-5); every charge line prices a
/// whole number of seats from 0 to that maximum at a price of 0 or more, and no line, credit or total passes
/// <see cref="Limits.MaxAmount"/>; every credit to the balance is positive (INV-1); deferred calendar changes stay
/// within <see cref="MaxDeferredCharges"/> (SUB-12).
/// </summary>
public static class SubscriptionInvariants
{
    /// <summary>The most prorated calendar-model lines a subscription may carry to its next invoice (SUB-12).</summary>
    public const int MaxDeferredCharges = 200;

    /// <summary>Returns <paramref name="decision"/> when every invariant holds; otherwise refuses it.</summary>
    public static SubscriptionDecision Checked(SubscriptionDecision decision, SubscriptionContext context)
    {
        ArgumentNullException.ThrowIfNull(decision);
        ArgumentNullException.ThrowIfNull(context);
        if (Violation(decision, context) is { } violation)
        {
            throw new RuleViolationException(violation.RuleId, $"The change was refused: it would leave subscription {Quoted.Of(decision.State.Id)} with {violation.What}. Nothing was applied.");
        }

        return decision;
    }

    /// <summary>The first invariant <paramref name="decision"/> breaks (its rule id and what), or null when all hold.</summary>
    public static (string RuleId, string What)? Violation(SubscriptionDecision decision, SubscriptionContext context)
    {
        ArgumentNullException.ThrowIfNull(decision);
        ArgumentNullException.ThrowIfNull(context);
        var state = decision.State;
        var maxSeats = context.Catalog.Product(state.ProductId).MaxSeats;
        if (state.Seats < 1 || state.Seats > maxSeats)
        {
            return ("SUB-4", $"{state.Seats} seats (1 to {maxSeats} allowed)");
        }

        if (state.AssignedUsers.Count > state.Seats)
        {
            return ("SUB-5", $"{state.AssignedUsers.Count} licences assigned on {state.Seats} seats");
        }

        if (state.DeferredCharges.Count > MaxDeferredCharges)
        {
            return ("SUB-12", $"more than {MaxDeferredCharges} changes waiting for the next invoice; contact support");
        }

        foreach (var line in decision.Charges.Concat(state.DeferredCharges))
        {
            if (LineViolation(line, maxSeats) is { } what)
            {
                return ("INV-1", what);
            }
        }

        var total = decision.Charges.Sum(c => c.ExactAmount.Amount);
        if (!Limits.InRange(total))
        {
            return ("INV-1", $"charges totalling {total:0.##}, above the largest amount {Limits.MaxAmount}");
        }

        foreach (var credit in decision.Credits)
        {
            if (credit.Amount.Amount < 0m || credit.Amount.Amount > Limits.MaxAmount)
            {
                return ("INV-1", $"a credit of {credit.Amount} (a credit is 0 to {Limits.MaxAmount})");
            }
        }

        return null;
    }

    private static string? LineViolation(ChargeLine line, int maxSeats)
    {
        if (line.Quantity < 0m || line.Quantity > maxSeats || decimal.Truncate(line.Quantity) != line.Quantity)
        {
            return $"a charge line for {line.Quantity} seats (a whole number from 0 to {maxSeats})";
        }

        if (line.UnitPrice.Amount < 0m)
        {
            return $"a charge line priced {line.UnitPrice} per seat (a price is 0 or more)";
        }

        return Limits.InRange(line.ExactAmount.Amount) ? null : $"a charge line of {line.ExactAmount.Amount:0.##}, above the largest amount {Limits.MaxAmount}";
    }
}
