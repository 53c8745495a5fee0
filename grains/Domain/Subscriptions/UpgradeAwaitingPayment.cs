using Subscriptions.Domain.Invoices;

namespace Subscriptions.Domain.Subscriptions;

/// <summary>
/// A plan upgrade whose invoice is not paid yet (SUB-4): access stays on the plan the customer has paid for until the
/// upgrade's invoice is paid. The wait also ends when billing ops void that invoice (nothing is owed for the upgrade;
/// billing ops downgrade the plan when they mean to take it back) and when the subscription renews: the renewal bills
/// the new plan, and from then on the renewal's own dunning (SUB-8, SUB-9) answers for an unpaid invoice.
/// </summary>
public sealed record UpgradeAwaitingPayment(string PaidPlanId, string InvoiceNumber)
{
    /// <summary>
    /// What waits for payment after <paramref name="decision"/>: an upgrade that issued invoice
    /// <paramref name="invoiceNumber"/> waits for it, keeping the plan paid for before (the earlier one when an unpaid
    /// upgrade is upgraded again); any other plan change ends the wait, and so do a paid or void invoice and a renewal.
    /// </summary>
    public static UpgradeAwaitingPayment? After(
        UpgradeAwaitingPayment? waiting, SubscriptionState? before, SubscriptionDecision decision, string? invoiceNumber, InvoiceLedger ledger)
    {
        ArgumentNullException.ThrowIfNull(decision);
        ArgumentNullException.ThrowIfNull(ledger);
        var unpaid = Waits(waiting, ledger) ? waiting : null;
        if (decision.History.Any(h => h.Change == SubscriptionEvent.PlanUpgraded.ToWireName()) && invoiceNumber is not null && before is not null)
        {
            return new UpgradeAwaitingPayment(unpaid?.PaidPlanId ?? before.PlanId, invoiceNumber);
        }

        var renewed = decision.History.Any(h => h.Change == SubscriptionEvent.Renewed.ToWireName());
        return decision.State.PlanId != before?.PlanId || renewed ? null : unpaid;
    }

    /// <summary>The plan the customer may use while an upgrade waits for payment, or null when none waits or it is paid.</summary>
    public static string? PaidPlan(UpgradeAwaitingPayment? waiting, InvoiceLedger ledger)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        return Waits(waiting, ledger) ? waiting!.PaidPlanId : null;
    }

    private static bool Waits(UpgradeAwaitingPayment? waiting, InvoiceLedger ledger) =>
        waiting is not null && !ledger.IsPaid(waiting.InvoiceNumber) && !ledger.IsVoid(waiting.InvoiceNumber);
}
