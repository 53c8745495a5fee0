using Subscriptions.Domain.Currencies;
using Subscriptions.Domain.Invoices;
using Subscriptions.Domain.Subscriptions;
using Subscriptions.Grains.Accounts;

namespace Subscriptions.Grains.SubscriptionLifecycle;

/// <summary>
/// Turns a decision's money into account effects: its charges into one invoice issued by the account (INV-1) with its
/// autopay schedule (INV-6, applied when the account has autopay on), its
/// credits into account credits (SUB-4). Charges that net to a credit once rounded (deferred calendar-model credits at a
/// cancellation) go to the balance too, since an invoice is never negative; charges netting to zero bill nothing.
/// </summary>
internal static class SubscriptionBilling
{
    /// <summary>
    /// Issues the invoice and records the credits of <paramref name="decision"/>, each a nested call with its own derived
    /// request id; returns what was done. A credit, net of tax in the decision, goes to the balance with its tax
    /// (<paramref name="withTax"/>). The invoice of a new subscription (<paramref name="newSubscriptionId"/>) adds it to
    /// the account in the same change.
    /// </summary>
    public static async Task<SubscriptionBillingResult> SettleAsync(
        IAccountLedgerGrain account, SubscriptionDecision decision, Currency currency, Func<Money, Money> withTax, IReadOnlyList<DateTimeOffset> autopay,
        Func<Func<Task>, Task> nested, Func<Invoice, Task> openInvoice, string? newSubscriptionId = null)
    {
        string? invoiceNumber = null;
        var credits = decision.Credits.ToList();
        var net = decision.Charges.Aggregate(Money.Zero(currency), (sum, charge) => sum + charge.ExactAmount.Round());
        if (decision.Charges.Count > 0 && net.IsNegative)
        {
            credits.Add(new AccountCredit(-net, string.Join("; ", decision.Charges.Select(c => c.Description))));
        }

        // Credits first: the invoice this decision issues is then paid with them where it can be (ACC-6), so a
        // downgrade's credit for the unused period lowers the new period's invoice instead of waiting for the next one.
        IReadOnlyList<AccountCredit> granted = [.. credits.Where(c => !c.Amount.IsZero).Select(c => c with { Amount = withTax(c.Amount) })];
        foreach (var credit in granted)
        {
            await nested(() => account.AddCreditAsync(new AddAccountCredit(decision.State.Id, credit.Amount, credit.Description)));
        }

        if (decision.Charges.Count > 0 && !net.IsNegative && !net.IsZero)
        {
            Invoice? issued = null;
            await nested(async () => issued = await account.IssueInvoiceAsync(new IssueInvoice(decision.Charges, autopay, newSubscriptionId)));
            invoiceNumber = issued!.Number;

            // The new invoice is handed to its grain at once, which arms its own autopay and due-date wake-ups (INV-5,
            // INV-6) without reading it back from the account.
            await openInvoice(issued);
        }

        return new SubscriptionBillingResult(invoiceNumber, granted);
    }
}

/// <summary>The invoice a decision issued, if any, and the credits it put on the account balance.</summary>
internal sealed record SubscriptionBillingResult(string? InvoiceNumber, IReadOnlyList<AccountCredit> Credits);
