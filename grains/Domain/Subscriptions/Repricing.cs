using Subscriptions.Domain.Billing;
using Subscriptions.Domain.Invoices;

namespace Subscriptions.Domain.Subscriptions;

/// <summary>
/// Prorates a plan or seat change at the change instant (SUB-4, SUB-12). Nothing is charged for a period that was
/// never invoiced (trial, free months, before the first calendar invoice): the next invoice prices the new terms.
/// </summary>
internal static class Repricing
{
    /// <summary>
    /// Anniversary: credit the unused part of the current period at the old terms, charge a full period at the new
    /// terms from the change instant, which becomes the new billing date. Calendar: credit the old and charge the new
    /// terms for the rest of the month, both deferred to the next invoice. With <paramref name="creditToBalance"/>
    /// (an ops downgrade) the anniversary credit goes to the account balance instead of the invoice.
    /// </summary>
    public static SubscriptionDecision Apply(
        SubscriptionState before, SubscriptionState after, SubscriptionEvent cause, string description, bool creditToBalance, SubscriptionContext context)
    {
        if (!before.PeriodInvoiced || before.CurrentPeriod is not { } period)
        {
            return Outcome.Of(before, after, cause, context, description);
        }

        if (before.BillingModel == BillingModel.Calendar)
        {
            var rest = Proration.RestOfMonth(AccountTimeZone.LocalDate(context.Now, context.Zone));
            if (rest.IsZero)
            {
                return Outcome.Of(before, after, cause, context, description);
            }

            var oldTerms = Pricing.Prorated(before, InvoiceLineKind.ProrationCredit, before.PlanId, before.Seats, rest, period, "Rest of month, previous terms", context);
            var newTerms = Pricing.Prorated(after, InvoiceLineKind.ProrationCharge, after.PlanId, after.Seats, rest, period, "Rest of month, new terms", context);
            return Outcome.Of(before, after with { DeferredCharges = [.. after.DeferredCharges, oldTerms, newTerms] }, cause, context, description);
        }

        var unused = Proration.UnusedPart(period, context.Now, context.Zone);
        var credit = Pricing.Prorated(before, InvoiceLineKind.ProrationCredit, before.PlanId, before.Seats, unused, period, "Unused part of the current period", context);
        var moved = after with { BillingAnchor = context.Now };
        var newPeriod = moved.Schedule(context.Zone).PeriodStartingAt(context.Now);
        moved = moved with { CurrentPeriod = newPeriod, NextRenewal = newPeriod.End };
        var charge = Pricing.FullPeriod(moved, newPeriod, context);
        var text = $"{description} New billing date {Pricing.Date(newPeriod.End, context.Zone)}.";
        if (unused.IsZero)
        {
            return Outcome.Of(before, moved, cause, context, text, [charge]);
        }

        return creditToBalance
            ? Outcome.Of(before, moved, cause, context, text, [charge], [new AccountCredit(-credit.ExactAmount.Round(), credit.Description)])
            : Outcome.Of(before, moved, cause, context, text, [credit, charge]);
    }
}
