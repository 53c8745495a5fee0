using Subscriptions.Domain.Accounts;
using Subscriptions.Domain.Invoices;
using Money = Subscriptions.Domain.Money.Money;

namespace Subscriptions.Grains.Accounts;

/// <summary>The persisted state of an account grain: the domain account, its subscriptions and the invoices it issued.</summary>
public sealed record AccountState
{
    /// <summary>The account, or null until it is created.</summary>
    public Account? Account { get; init; }

    /// <summary>Ids of the account's subscriptions, in the order they were started.</summary>
    public IReadOnlyList<string> SubscriptionIds { get; init; } = [];

    /// <summary>
    /// The invoices issued to the account, as issued, oldest first: the n-th is numbered with sequence n, so numbers are
    /// unique and gap-free (INV-1). Each invoice grain adopts its record on its first turn and owns the invoice from then on.
    /// </summary>
    public IReadOnlyList<Invoice> IssuedInvoices { get; init; } = [];

    /// <summary>Credit on the account not yet applied to an invoice (ACC-6); zero amount in the account currency once created.</summary>
    public decimal UnappliedCredit { get; init; }
}

/// <summary>An account as callers see it: the domain account plus its subscriptions, invoices and unapplied credit.</summary>
public sealed record AccountSnapshot(Account Account, IReadOnlyList<string> SubscriptionIds, IReadOnlyList<string> InvoiceNumbers, Money UnappliedCredit);
